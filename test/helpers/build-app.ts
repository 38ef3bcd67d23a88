import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { parseHTML } from 'linkedom'
import { buildApp } from '../../src/app.ts'
import { hashPassword } from '../../src/auth/passwords.ts'
import { ROLES, type Role } from '../../src/auth/roles.ts'
import { shareProject } from '../../src/auth/visibility.ts'
import { loadConfig, type Config, type DatabaseConfig } from '../../src/config.ts'
import { openDatabase, type Database } from '../../src/db/database.ts'
import { grantAppRole } from '../../src/db/row-security.ts'
import { withOrganisation } from '../../src/db/tenant-context.ts'
import { seedSkills } from '../../src/modules/resourcing/skills.service.ts'
import { createTestDatabase } from './database.ts'

export const TEST_PASSWORD = 'correct horse battery staple'
let passwordHash: Promise<string> | null = null

export interface TestUser {
  id: number
  email: string
  name: string
  role: Role
  organisationId: number
}

export interface TestOrg {
  id: number
  slug: string
  name: string
  users: Record<Role, TestUser>
}

export interface TestApp {
  app: FastifyInstance
  /** The owner's connection: the test's own set-up and checks, which row security does not hold. */
  database: Database
  /**
   * The database the app serves from: with TEST_DATABASE_APP_URL the app role's (row security holds it to each
   * unit of work's organisation), else `database`. For tests that count the app's own statements.
   */
  appDatabase: Database
  /** Where the test database is, to open a second connection (a second instance of the app) to it. */
  databaseConfig: DatabaseConfig
  config: Config
  /** Two organisations with one user per role each: `a` is "ours", `b` the foreign one. */
  orgs: { a: TestOrg; b: TestOrg }
  /**
   * The log lines the app wrote at `warn` and above (JSON, as pino writes them). Pass LOG_LEVEL to
   * buildTestApp to see them as production writes them, with its redaction and request serializer.
   */
  logLines: string[]
  /** Closes the app and drops its database: call from the file's `after` hook. */
  close(): Promise<void>
  /** A browser-like client signed in as the user (cookies and CSRF token handled). */
  signIn(user: TestUser): Promise<Agent>
  /** An anonymous browser-like client. */
  anonymous(): Agent
  /** An API token for the user. */
  tokenFor(user: TestUser): Promise<string>
  /**
   * A partner organisation in `org` (created once per name) whose officer is `officer` (by default the
   * org's partner officer): projects shared with it are what that officer sees.
   */
  partner(org: TestOrg, name?: string, officer?: TestUser): Promise<number>
  /** Shares a project with partners, as the project form does (straight to the database, for set-up). */
  share(projectId: number, partnerIds: number[]): Promise<void>
  /** JSON API call with a bearer token. */
  api(token: string | null, method: string, url: string, body?: unknown): Promise<LightMyRequestResponse>
}

export interface Page {
  status: number
  headers: LightMyRequestResponse['headers']
  body: string
  document: Document
  /** Visible text of the main element, whitespace collapsed. */
  text: string
  location: string | undefined
}

export class Agent {
  private cookies = new Map<string, string>()
  csrf = ''
  /** `headers` are sent with every request, as a browser sends its User-Agent. */
  constructor(
    private readonly app: FastifyInstance,
    private readonly headers: Record<string, string> = {},
  ) {}

  private cookieHeader(): string {
    return [...this.cookies.entries()].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  /** Holds a cookie as if the server had set it (sessions.ts signs in without the password hash). */
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value)
  }

  private remember(res: LightMyRequestResponse): void {
    for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
  }

  private toPage(res: LightMyRequestResponse): Page {
    this.remember(res)
    // JSON, CSS and scripts are not pages: an empty document keeps `document`/`text` safe to read.
    const isHtml = String(res.headers['content-type'] ?? '').includes('text/html')
    const { document } = parseHTML((isHtml && res.body) || '<html><body></body></html>')
    const token = document.querySelector('input[name="_csrf"]')?.getAttribute('value')
    if (token) this.csrf = token
    const main = document.querySelector('main') ?? document.body
    return {
      status: res.statusCode,
      headers: res.headers,
      body: res.body,
      document: document,
      text: (main?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      location: res.headers.location,
    }
  }

  async get(url: string): Promise<Page> {
    const res = await this.app.inject({
      method: 'GET',
      url,
      headers: { ...this.headers, cookie: this.cookieHeader(), accept: 'text/html' },
    })
    return this.toPage(res)
  }

  /** Posts a form as a browser would, with the CSRF token from the last page unless one is given. */
  async post(
    url: string,
    form: Record<string, string | string[]>,
    opts: { csrf?: string | null } = {},
  ): Promise<Page> {
    if (!this.csrf && opts.csrf === undefined) await this.get('/accessibility')
    const params = new URLSearchParams()
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf
    if (csrf !== null) params.append('_csrf', csrf)
    for (const [k, v] of Object.entries(form))
      for (const item of Array.isArray(v) ? v : [v]) params.append(k, item)
    const res = await this.app.inject({
      method: 'POST',
      url,
      headers: {
        ...this.headers,
        cookie: this.cookieHeader(),
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: params.toString(),
    })
    return this.toPage(res)
  }
}

async function seedOrg(database: Database, slug: string, name: string): Promise<TestOrg> {
  passwordHash ??= hashPassword(TEST_PASSWORD)
  const hash = await passwordHash
  const at = new Date().toISOString()
  const db = database.db
  const org = await db
    .insertInto('organisations')
    .values({ slug, name, rating_scale: 'ipa5', is_demo: 0, created_at: at, updated_at: at })
    .returning('id')
    .executeTakeFirstOrThrow()
  // As `oversight org create` and the demo do: every organisation starts with the skills catalogue.
  await seedSkills(db, org.id)
  const users = {} as Record<Role, TestUser>
  for (const role of ROLES) {
    const email = `${role.replace(/_/g, '.')}@${slug}.test`
    const userName = `${name} ${role.replace(/_/g, ' ')}`
    const u = await db
      .insertInto('users')
      .values({ email, name: userName, password_hash: hash, is_active: 1, created_at: at, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('memberships')
      .values({ organisation_id: org.id, user_id: u.id, role, created_at: at })
      .execute()
    users[role] = { id: u.id, email, name: userName, role, organisationId: org.id }
  }
  return { id: org.id, slug, name, users }
}

/**
 * With TEST_DATABASE_APP_URL (a PostgreSQL role that owns no tables, e.g.
 * postgres://oversight_app_ci:oversight_app_ci@127.0.0.1:5432/postgres; its database part is replaced), the app
 * works as that role, held by row-level security as DATABASE_APP_URL holds a server; `database` (the tests' own
 * set-up and checks) stays the owner's.
 */
async function appRoleDatabase(owner: Database, config: DatabaseConfig): Promise<Database | null> {
  const raw = process.env.TEST_DATABASE_APP_URL
  if (!raw || config.dialect !== 'postgres') return null
  const url = new URL(raw)
  url.pathname = new URL(config.url).pathname
  await grantAppRole(owner.db, decodeURIComponent(url.username))
  return openDatabase({ dialect: 'postgres', url: url.toString() }, { poolSize: 5, rowSecurity: true })
}

/**
 * For a test that builds its own app on a database it made (the demo's tests): the database that app serves
 * from (the app role's with TEST_DATABASE_APP_URL, as buildTestApp's app does; else the one made), and a `drop`
 * that closes it too. The test's own set-up and checks keep `created.database`, the owner's.
 */
export async function servedDatabase(created: {
  database: Database
  config: DatabaseConfig
  drop: () => Promise<void>
}): Promise<{ database: Database; drop: () => Promise<void> }> {
  const appDatabase = await appRoleDatabase(created.database, created.config)
  return {
    database: appDatabase ?? created.database,
    drop: async () => {
      await appDatabase?.close()
      await created.drop()
    },
  }
}

/** A fresh app on a fresh database for one test file. */
export async function buildTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const { database, config: databaseConfig, drop } = await createTestDatabase()
  const config = loadConfig({ NODE_ENV: 'test', DEMO: 'false', LOG_LEVEL: 'silent', ...env })
  const appDatabase = await appRoleDatabase(database, databaseConfig)
  // A handler that goes on after sending its reply (Fastify's "Reply was already sent" warning) has run its
  // success path after an error page: every test file fails on it at close.
  const warnings: string[] = []
  const logStream = { write: (line: string) => void warnings.push(line) }
  const app = await buildApp({ config, database: appDatabase ?? database, logStream })
  await app.ready()
  const a = await seedOrg(database, 'alpha', 'Alpha District Council')
  const b = await seedOrg(database, 'beta', 'Beta Borough Council')
  const tokens = new Map<number, string>()
  const partners = new Map<string, number>()
  return {
    app,
    database,
    appDatabase: appDatabase ?? database,
    databaseConfig,
    config,
    orgs: { a, b },
    logLines: warnings,
    async close() {
      await app.close()
      await appDatabase?.close()
      await drop()
      const sentTwice = warnings.filter((w) => w.includes('Reply was already sent'))
      if (sentTwice.length > 0)
        throw new Error(`A handler went on after sending its reply:\n${sentTwice.join('\n')}`)
    },
    anonymous: () => new Agent(app),
    async signIn(user) {
      const agent = new Agent(app)
      await agent.get('/sign-in')
      const page = await agent.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
      if (page.status !== 303) throw new Error(`sign-in failed for ${user.email}: ${page.status}`)
      return agent
    },
    async tokenFor(user) {
      const existing = tokens.get(user.id)
      if (existing) return existing
      // As the token page does, in the user's organisation (row security holds the app role to it).
      const { token } = await withOrganisation(user.organisationId, () =>
        app.services.tokens.create(user.organisationId, user.id, 'test'),
      )
      tokens.set(user.id, token)
      return token
    },
    async partner(org, name = 'Shared service partner', officer = org.users.partner_officer) {
      const db = database.db
      let id = partners.get(`${org.id}:${name}`)
      if (id === undefined) {
        const at = new Date().toISOString()
        const row = await db
          .insertInto('partners')
          .values({
            organisation_id: org.id,
            name,
            base_contract: '',
            annual_base_contract_pence: 0,
            created_at: at,
            updated_at: at,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        id = row.id
        partners.set(`${org.id}:${name}`, id)
      }
      await db
        .updateTable('memberships')
        .set({ partner_id: id })
        .where('organisation_id', '=', org.id)
        .where('user_id', '=', officer.id)
        .execute()
      return id
    },
    async share(projectId, partnerIds) {
      await database.db.transaction().execute(async (trx) => {
        const p = await trx
          .selectFrom('projects')
          .select('organisation_id')
          .where('id', '=', projectId)
          .executeTakeFirstOrThrow()
        await shareProject(trx, p.organisation_id, projectId, partnerIds)
      })
    },
    api(token, method, url, body) {
      return app.inject({
        method: method as 'GET',
        url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), accept: 'application/json' },
        ...(body === undefined ? {} : { payload: body as object }),
      })
    },
  }
}
