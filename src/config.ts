import { randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import path from 'node:path'
import { passwordProblem } from './auth/password-rules.ts'
import { parseSecretKey, type SecretKey } from './auth/secret-box.ts'
import { parseSsoEnv, type SsoFromEnv } from './modules/sso/sso-env.ts'
import { projectRoot } from './paths.ts'

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

export type DatabaseConfig = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string }

export interface Config {
  readonly env: 'production' | 'development' | 'test'
  readonly port: number
  readonly host: string
  readonly database: DatabaseConfig
  /**
   * DATABASE_APP_URL: on PostgreSQL, the role the server works as, which owns no tables and lacks BYPASSRLS,
   * so row-level security holds it to one organisation per transaction (src/db/row-security.ts). DATABASE_URL
   * stays the owner's, for migrations, the CLI and backups. Null: the server works as DATABASE_URL's role.
   */
  readonly appDatabase: { url: string; role: string } | null
  readonly sessionSecret: string
  readonly demo: boolean
  readonly demoPassword: string | null
  readonly baseUrl: string
  readonly secureCookies: boolean
  readonly logLevel: LogLevel
  /**
   * The proxies (addresses, CIDR ranges, or proxy-addr's names loopback/linklocal/uniquelocal) whose
   * X-Forwarded-For is believed; empty: the client address is the connection's own.
   */
  readonly trustProxy: readonly string[]
  /** SMTP server for notification email (smtp://user:pass@host:587); null keeps mail in the outbox and logs it. */
  readonly smtpUrl: string | null
  readonly mailFrom: string
  /** Whether this instance runs the scheduled work (tolerance sweep, health check, digests, escalations). */
  readonly scheduler: boolean
  /**
   * CHANGE_CACHE (default on): whether computed views (the dashboard, the project list API) are remembered
   * until the organisation changes (audit/change-cache.ts). Off, every view is computed afresh: for measuring
   * the database's own share (bench/pg-vs-sqlite.ts), not for production.
   */
  readonly changeCache: boolean
  /**
   * DATABASE_PREPARED_STATEMENTS (default off; PostgreSQL only): queries go as named prepared statements,
   * parsed once per connection (db/prepared-statements.ts). Not through pgbouncer before 1.21 in transaction mode.
   */
  readonly preparedStatements: boolean
  /** The largest ledger file an upload may be, in megabytes (a year of council spend is 50–60 MB). */
  readonly uploadLimitMb: number
  /** The largest document (an attachment's one version) an upload may be, in megabytes. */
  readonly documentLimitMb: number
  /**
   * How long an import's lease lasts without renewal, in seconds: an import whose instance stopped
   * renewing for this long is failed (and can be taken up again). The instance renews it every second.
   */
  readonly importLeaseSeconds: number
  /** A file the scheduler appends audit checkpoints to (keep it off the database server); null: log only. */
  readonly auditCheckpointFile: string | null
  /** How often, in minutes, the scheduler checkpoints the audit trail's heads (to the log, and the file). */
  readonly auditCheckpointMinutes: number
  /**
   * Where the public site lives (PUBLIC_BASE_PATH, default /public): /public/<organisation>/. A council can
   * serve it behind its own domain by proxying that path.
   */
  readonly publicBasePath: string
  /** OVERSIGHT_SECRET_KEY: seals secrets kept in the database (OpenID Connect client secrets); null: none may be stored. */
  readonly secretKey: SecretKey | null
  /** OIDC_*: one organisation's OpenID Connect sign-in set in the environment (modules/sso/sso-env.ts). */
  readonly ssoFromEnv: SsoFromEnv | null
  /**
   * The bearer token /metrics asks for (METRICS_TOKEN); null: /metrics on the main port answers 404, as if
   * it did not exist.
   */
  readonly metricsToken: string | null
  /** A second port serving only /metrics, with no token (METRICS_PORT); null: none. Firewall it to Prometheus. */
  readonly metricsPort: number | null
  /** Where that port listens (METRICS_HOST, default HOST). */
  readonly metricsHost: string
  /**
   * Load shedding: past these, requests answer 503 with Retry-After until the process recovers.
   * The event loop's mean delay over each sample, in milliseconds (MAX_EVENT_LOOP_DELAY_MS, default 1000;
   * 0 turns it off), and the V8 heap in use, in megabytes (MAX_HEAP_USED_MB, default 0: off).
   */
  readonly loadShedding: {
    readonly maxEventLoopDelayMs: number
    readonly maxHeapUsedMb: number
    /** How often the delay and heap are sampled (LOAD_SAMPLE_INTERVAL_MS, default 1000). */
    readonly sampleIntervalMs: number
    /** The Retry-After a shed request is given, in seconds (LOAD_RETRY_AFTER_SECONDS, default 10). */
    readonly retryAfterSeconds: number
  }
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

/** A whole number from the environment within [min, max]; empty or unset: the fallback. */
function parseWholeNumber(
  name: string,
  raw: string | undefined,
  range: { min: number; max: number; unit: string },
  fallback: number,
  problems: string[],
): number {
  if (raw === undefined || raw.trim() === '') return fallback
  const n = Number(raw)
  if (Number.isInteger(n) && n >= range.min && n <= range.max) return n
  problems.push(
    `${name} must be a whole number of ${range.unit} from ${range.min} to ${range.max} (got "${raw}")`,
  )
  return fallback
}

function parseBoolean(name: string, raw: string | undefined, fallback: boolean, problems: string[]): boolean {
  if (raw === undefined || raw === '') return fallback
  const v = raw.trim().toLowerCase()
  if (['1', 'true', 'yes', 'on'].includes(v)) return true
  if (['0', 'false', 'no', 'off'].includes(v)) return false
  problems.push(`${name} must be true or false (got "${raw}")`)
  return fallback
}

export function parseDatabaseUrl(raw: string | undefined, root: string): DatabaseConfig | string {
  if (raw === undefined || raw.trim() === '') {
    return { dialect: 'sqlite', file: path.join(root, 'data', 'oversight.sqlite') }
  }
  const url = raw.trim()
  if (url.startsWith('file:')) {
    const file = url.slice('file:'.length).replace(/^\/\/(?=\/)/, '')
    if (file === '') return 'DATABASE_URL file: needs a path, for example file:/var/lib/oversight/db.sqlite'
    return { dialect: 'sqlite', file: path.resolve(root, file) }
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    try {
      new URL(url)
    } catch {
      return 'DATABASE_URL is not a valid PostgreSQL URL'
    }
    return { dialect: 'postgres', url }
  }
  return 'DATABASE_URL must start with file: (SQLite) or postgres:// (PostgreSQL)'
}

export function parseAppDatabaseUrl(
  raw: string | undefined,
  owner: DatabaseConfig | string,
): { url: string; role: string } | null | string {
  if (raw === undefined || raw.trim() === '') return null
  const url = raw.trim()
  if (typeof owner !== 'string' && owner.dialect !== 'postgres')
    return 'DATABASE_APP_URL needs DATABASE_URL to be PostgreSQL (SQLite has no roles)'
  let role: string
  try {
    if (!url.startsWith('postgres://') && !url.startsWith('postgresql://')) throw new Error()
    role = decodeURIComponent(new URL(url).username)
  } catch {
    return 'DATABASE_APP_URL is not a valid PostgreSQL URL'
  }
  if (role === '')
    return 'DATABASE_APP_URL must name the role, for example postgres://oversight_app:…@host/db'
  return { url, role }
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal']

function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.includes(entry)) return true
  const [address = '', prefix, ...rest] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || rest.length > 0) return false
  if (prefix === undefined) return true
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)
}

/**
 * TRUST_PROXY lists the proxies in front of the app. Only a request arriving from one of them has its
 * X-Forwarded-For believed: trusting every peer (the old `true`) let anyone choose the address that
 * sign-in throttling counts against, so `true` is refused rather than quietly meaning "everyone".
 */
function parseTrustProxy(raw: string | undefined, problems: string[]): string[] {
  const value = (raw ?? '').trim()
  if (value === '' || ['0', 'false', 'no', 'off'].includes(value.toLowerCase())) return []
  const entries = value.split(',').map((e) => e.trim())
  if (entries.every(isProxyAddress)) return entries
  problems.push(
    `TRUST_PROXY must list the addresses or ranges of your proxies, separated by commas, for example 10.0.0.5 or 10.0.0.0/8 (got "${raw}")`,
  )
  return []
}

/** Reads the environment once; every problem is reported together so an operator fixes them in one go. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = []
  const root = projectRoot()
  const nodeEnv =
    env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development'

  let port = 3000
  if (env.PORT !== undefined && env.PORT !== '') {
    const p = Number(env.PORT)
    if (!Number.isInteger(p) || p < 0 || p > 65535)
      problems.push(`PORT must be a whole number from 0 to 65535 (got "${env.PORT}")`)
    else port = p
  }

  const database = parseDatabaseUrl(env.DATABASE_URL, root)
  if (typeof database === 'string') problems.push(database)
  const appDatabase = parseAppDatabaseUrl(env.DATABASE_APP_URL, database)
  if (typeof appDatabase === 'string') problems.push(appDatabase)

  const demo = parseBoolean('DEMO', env.DEMO, true, problems)
  const trustProxy = parseTrustProxy(env.TRUST_PROXY, problems)

  let sessionSecret = env.SESSION_SECRET ?? ''
  if (sessionSecret === '') {
    if (nodeEnv === 'production' && !demo) {
      problems.push(
        'SESSION_SECRET is required in production (at least 32 characters); generate one with: openssl rand -hex 32',
      )
    }
    sessionSecret = randomBytes(32).toString('hex')
  } else if (sessionSecret.length < 32) {
    problems.push('SESSION_SECRET must be at least 32 characters long')
  }

  const baseUrlRaw = env.BASE_URL && env.BASE_URL !== '' ? env.BASE_URL : `http://localhost:${port}`
  let baseUrl = baseUrlRaw.replace(/\/+$/, '')
  try {
    const u = new URL(baseUrl)
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      problems.push('BASE_URL must be an http or https URL')
  } catch {
    problems.push(`BASE_URL is not a valid URL (got "${baseUrlRaw}")`)
    baseUrl = `http://localhost:${port}`
  }

  const logLevelRaw = (env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info')).toLowerCase()
  if (!LOG_LEVELS.includes(logLevelRaw as LogLevel))
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`)
  const demoPassword = env.DEMO_PASSWORD && env.DEMO_PASSWORD !== '' ? env.DEMO_PASSWORD : null
  const demoPasswordProblem = demoPassword === null ? null : passwordProblem(demoPassword)
  if (demoPasswordProblem) problems.push(`DEMO_PASSWORD: ${demoPasswordProblem}`)

  const smtpUrl = env.SMTP_URL && env.SMTP_URL.trim() !== '' ? env.SMTP_URL.trim() : null
  if (smtpUrl !== null && !/^smtps?:\/\/[^/]+/.test(smtpUrl))
    problems.push('SMTP_URL must start with smtp:// or smtps://, for example smtp://mail.example.gov.uk:587')
  const mailFrom =
    env.MAIL_FROM && env.MAIL_FROM.trim() !== '' ? env.MAIL_FROM.trim() : 'Oversight <oversight@localhost>'
  if (!/@/.test(mailFrom))
    problems.push('MAIL_FROM must be an email address, for example oversight@council.gov.uk')
  const scheduler = parseBoolean('SCHEDULER', env.SCHEDULER, nodeEnv !== 'test', problems)
  const changeCache = parseBoolean('CHANGE_CACHE', env.CHANGE_CACHE, true, problems)
  const preparedStatements = parseBoolean(
    'DATABASE_PREPARED_STATEMENTS',
    env.DATABASE_PREPARED_STATEMENTS,
    false,
    problems,
  )
  if (preparedStatements && typeof database !== 'string' && database.dialect !== 'postgres')
    problems.push('DATABASE_PREPARED_STATEMENTS is for PostgreSQL (SQLite prepares its statements already)')
  let uploadLimitMb = 200
  if (env.UPLOAD_LIMIT_MB !== undefined && env.UPLOAD_LIMIT_MB !== '') {
    const n = Number(env.UPLOAD_LIMIT_MB)
    if (!Number.isInteger(n) || n < 1 || n > 10_000)
      problems.push(
        `UPLOAD_LIMIT_MB must be a whole number of megabytes from 1 to 10000 (got "${env.UPLOAD_LIMIT_MB}")`,
      )
    else uploadLimitMb = n
  }
  let documentLimitMb = 25
  if (env.DOCUMENT_LIMIT_MB !== undefined && env.DOCUMENT_LIMIT_MB !== '') {
    const n = Number(env.DOCUMENT_LIMIT_MB)
    if (!Number.isInteger(n) || n < 1 || n > 1000)
      problems.push(
        `DOCUMENT_LIMIT_MB must be a whole number of megabytes from 1 to 1000 (got "${env.DOCUMENT_LIMIT_MB}")`,
      )
    else documentLimitMb = n
  }
  let importLeaseSeconds = 30
  if (env.IMPORT_LEASE_SECONDS !== undefined && env.IMPORT_LEASE_SECONDS !== '') {
    const n = Number(env.IMPORT_LEASE_SECONDS)
    if (!Number.isInteger(n) || n < 1 || n > 3600)
      problems.push(
        `IMPORT_LEASE_SECONDS must be a whole number of seconds from 1 to 3600 (got "${env.IMPORT_LEASE_SECONDS}")`,
      )
    else importLeaseSeconds = n
  }

  const auditCheckpointFile =
    env.AUDIT_CHECKPOINT_FILE && env.AUDIT_CHECKPOINT_FILE.trim() !== ''
      ? path.resolve(root, env.AUDIT_CHECKPOINT_FILE.trim())
      : null
  let auditCheckpointMinutes = 15
  if (env.AUDIT_CHECKPOINT_MINUTES !== undefined && env.AUDIT_CHECKPOINT_MINUTES !== '') {
    const n = Number(env.AUDIT_CHECKPOINT_MINUTES)
    if (!Number.isInteger(n) || n < 1 || n > 1440)
      problems.push(
        `AUDIT_CHECKPOINT_MINUTES must be a whole number of minutes from 1 to 1440 (got "${env.AUDIT_CHECKPOINT_MINUTES}")`,
      )
    else auditCheckpointMinutes = n
  }

  const publicBasePath = (env.PUBLIC_BASE_PATH ?? '').trim() === '' ? '/public' : env.PUBLIC_BASE_PATH!.trim()
  if (!/^(\/[a-z0-9-]+)+$/.test(publicBasePath) || /^\/(api|assets|settings)(\/|$)/.test(publicBasePath))
    problems.push(
      `PUBLIC_BASE_PATH must be a path of lower-case letters, digits and hyphens, such as /public or /open, not under /api, /assets or /settings (got "${env.PUBLIC_BASE_PATH}")`,
    )

  const secretKeyRaw = (env.OVERSIGHT_SECRET_KEY ?? '').trim()
  const secretKey = secretKeyRaw === '' ? null : parseSecretKey(secretKeyRaw)
  if (typeof secretKey === 'string') problems.push(secretKey)
  const ssoFromEnv = parseSsoEnv(env, problems)
  const metricsToken = (env.METRICS_TOKEN ?? '').trim() === '' ? null : env.METRICS_TOKEN!.trim()
  if (metricsToken !== null && metricsToken.length < 24)
    problems.push(
      'METRICS_TOKEN must be at least 24 characters long; generate one with: openssl rand -hex 24',
    )
  const metricsPortRaw = parseWholeNumber(
    'METRICS_PORT',
    env.METRICS_PORT,
    { min: 1, max: 65535, unit: 'a port' },
    0,
    problems,
  )
  const metricsPort = metricsPortRaw === 0 ? null : metricsPortRaw
  if (metricsPort !== null && metricsPort === port) problems.push('METRICS_PORT must differ from PORT')
  const host = env.HOST && env.HOST !== '' ? env.HOST : '0.0.0.0'
  // Tests share two cores with everything else: shedding there is opt-in, or a slow moment would fail them.
  const loadShedding = Object.freeze({
    maxEventLoopDelayMs: parseWholeNumber(
      'MAX_EVENT_LOOP_DELAY_MS',
      env.MAX_EVENT_LOOP_DELAY_MS,
      { min: 0, max: 60_000, unit: 'milliseconds' },
      nodeEnv === 'test' ? 0 : 1000,
      problems,
    ),
    maxHeapUsedMb: parseWholeNumber(
      'MAX_HEAP_USED_MB',
      env.MAX_HEAP_USED_MB,
      { min: 0, max: 1_000_000, unit: 'megabytes' },
      0,
      problems,
    ),
    sampleIntervalMs: parseWholeNumber(
      'LOAD_SAMPLE_INTERVAL_MS',
      env.LOAD_SAMPLE_INTERVAL_MS,
      { min: 10, max: 60_000, unit: 'milliseconds' },
      1000,
      problems,
    ),
    retryAfterSeconds: parseWholeNumber(
      'LOAD_RETRY_AFTER_SECONDS',
      env.LOAD_RETRY_AFTER_SECONDS,
      { min: 1, max: 3600, unit: 'seconds' },
      10,
      problems,
    ),
  })

  if (problems.length > 0) throw new ConfigError(problems)
  return Object.freeze({
    env: nodeEnv,
    port,
    host,
    database: database as DatabaseConfig,
    appDatabase: typeof appDatabase === 'string' ? null : appDatabase,
    sessionSecret,
    demo,
    demoPassword,
    baseUrl,
    secureCookies: baseUrl.startsWith('https://'),
    logLevel: logLevelRaw as LogLevel,
    trustProxy,
    smtpUrl,
    mailFrom,
    scheduler,
    changeCache,
    preparedStatements,
    uploadLimitMb,
    documentLimitMb,
    importLeaseSeconds,
    auditCheckpointFile,
    auditCheckpointMinutes,
    publicBasePath,
    secretKey: secretKey as SecretKey | null,
    ssoFromEnv,
    metricsToken,
    metricsPort,
    metricsHost: env.METRICS_HOST && env.METRICS_HOST.trim() !== '' ? env.METRICS_HOST.trim() : host,
    loadShedding,
  })
}
