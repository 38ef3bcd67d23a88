import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ConfigError, loadConfig } from '../../src/config.ts'
import { projectRoot } from '../../src/paths.ts'

const ROOT = projectRoot()

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env)
  } catch (err) {
    assert.ok(err instanceof ConfigError, 'a ConfigError, not some other failure')
    return err.problems
  }
  assert.fail('expected the configuration to be refused')
}

describe('configuration', () => {
  it('starts with no settings at all: SQLite under data/, port 3000, demo on', () => {
    const config = loadConfig({})
    assert.deepEqual(config.database, {
      dialect: 'sqlite',
      file: path.join(ROOT, 'data', 'oversight.sqlite'),
    })
    assert.equal(config.port, 3000)
    assert.equal(config.host, '0.0.0.0')
    assert.equal(config.demo, true)
    assert.equal(config.baseUrl, 'http://localhost:3000')
    assert.equal(config.secureCookies, false)
    assert.deepEqual(config.trustProxy, [], 'no proxy is trusted: X-Forwarded-For is ignored')
    assert.equal(config.logLevel, 'info')
    assert.ok(config.sessionSecret.length >= 32, 'a session secret is generated for development')
    assert.ok(Object.isFrozen(config))
  })

  it('reads the import lease length, 30 seconds unless set, refusing a value that is not whole seconds', () => {
    assert.equal(loadConfig({}).importLeaseSeconds, 30)
    assert.equal(loadConfig({ IMPORT_LEASE_SECONDS: '5' }).importLeaseSeconds, 5)
    assert.match(
      problemsOf({ IMPORT_LEASE_SECONDS: '0.5' }).join('\n'),
      /IMPORT_LEASE_SECONDS must be a whole number/,
    )
  })

  it('names prepared statements only when asked, and only on PostgreSQL (pgbouncer before 1.21 loses them)', () => {
    assert.equal(loadConfig({}).preparedStatements, false)
    const pg = { DATABASE_URL: 'postgres://u:p@localhost/oversight' }
    assert.equal(loadConfig({ ...pg, DATABASE_PREPARED_STATEMENTS: 'true' }).preparedStatements, true)
    assert.match(
      problemsOf({ DATABASE_PREPARED_STATEMENTS: 'true' }).join('\n'),
      /DATABASE_PREPARED_STATEMENTS is for PostgreSQL/,
    )
  })

  it('remembers computed views unless CHANGE_CACHE is off (benchmarks measure the database with it off)', () => {
    assert.equal(loadConfig({}).changeCache, true)
    assert.equal(loadConfig({ CHANGE_CACHE: 'off' }).changeCache, false)
    assert.match(problemsOf({ CHANGE_CACHE: 'sometimes' })[0]!, /^CHANGE_CACHE must be true or false/)
  })

  it('reads the three forms of DATABASE_URL', () => {
    assert.deepEqual(loadConfig({ DATABASE_URL: 'file:data/other.sqlite' }).database, {
      dialect: 'sqlite',
      file: path.join(ROOT, 'data', 'other.sqlite'),
    })
    assert.deepEqual(loadConfig({ DATABASE_URL: 'file:/var/lib/oversight/db.sqlite' }).database, {
      dialect: 'sqlite',
      file: '/var/lib/oversight/db.sqlite',
    })
    assert.deepEqual(loadConfig({ DATABASE_URL: 'file:///var/lib/oversight/db.sqlite' }).database, {
      dialect: 'sqlite',
      file: '/var/lib/oversight/db.sqlite',
    })
    for (const url of [
      'postgres://app:secret@db.internal:5432/oversight',
      'postgresql://app@db.internal/oversight',
    ]) {
      assert.deepEqual(loadConfig({ DATABASE_URL: url }).database, { dialect: 'postgres', url })
    }
  })

  it('lists every problem at once, so an operator fixes them in one go', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      DEMO: 'false',
      PORT: 'eighty',
      DATABASE_URL: 'mysql://localhost/oversight',
      DEMO_PASSWORD: 'short',
    })
    assert.equal(problems.length, 4, problems.join('\n'))
    assert.match(problems[0]!, /^PORT must be a whole number from 0 to 65535 \(got "eighty"\)/)
    assert.match(
      problems[1]!,
      /^DATABASE_URL must start with file: \(SQLite\) or postgres:\/\/ \(PostgreSQL\)/,
    )
    assert.match(problems[2]!, /^SESSION_SECRET is required in production/)
    assert.match(problems[3]!, /^DEMO_PASSWORD: Password must be 12 characters or more/)
    // The demo password follows the same rules as every other password, the common list included.
    assert.deepEqual(problemsOf({ DEMO_PASSWORD: 'password1234' }), [
      'DEMO_PASSWORD: Password is too common and easy to guess. Choose a different password, for example three random words',
    ])
    assert.throws(() => loadConfig({ PORT: '70000' }), {
      name: 'Error',
      message: /^Configuration is not valid:\n {2}- PORT must be/,
    })
  })

  it('refuses other bad values with a message naming the setting', () => {
    assert.match(problemsOf({ PORT: '70000' })[0]!, /^PORT/)
    assert.match(problemsOf({ PORT: '3000.5' })[0]!, /^PORT/)
    assert.match(problemsOf({ DATABASE_URL: 'file:' })[0]!, /^DATABASE_URL file: needs a path/)
    assert.match(
      problemsOf({ DATABASE_URL: 'postgres://[bad' })[0]!,
      /^DATABASE_URL is not a valid PostgreSQL URL/,
    )
    assert.match(
      problemsOf({ SESSION_SECRET: 'too short' })[0]!,
      /^SESSION_SECRET must be at least 32 characters/,
    )
    assert.match(problemsOf({ DEMO: 'maybe' })[0]!, /^DEMO must be true or false \(got "maybe"\)/)
    for (const bad of [
      'sometimes',
      'true',
      'yes',
      '10.0.0.0/33',
      '300.1.1.1',
      '10.0.0.1,,10.0.0.2',
      'fe80::/129',
    ]) {
      assert.match(
        problemsOf({ TRUST_PROXY: bad })[0]!,
        /^TRUST_PROXY must list the addresses or ranges of your proxies/,
        `TRUST_PROXY=${bad} is refused`,
      )
    }
    assert.match(problemsOf({ TRUST_PROXY: '10.0.0.0/33' })[0]!, /\(got "10\.0\.0\.0\/33"\)/)
    assert.match(
      problemsOf({ BASE_URL: 'ftp://files.example' })[0]!,
      /^BASE_URL must be an http or https URL/,
    )
    assert.match(problemsOf({ BASE_URL: 'not a url' })[0]!, /^BASE_URL is not a valid URL/)
    assert.match(problemsOf({ LOG_LEVEL: 'chatty' })[0]!, /^LOG_LEVEL must be one of fatal, error/)
  })

  it('in production the demo may run without a session secret, but a real installation may not', () => {
    assert.equal(loadConfig({ NODE_ENV: 'production', DEMO: 'true' }).env, 'production')
    const secret = 'x'.repeat(32)
    const config = loadConfig({ NODE_ENV: 'production', DEMO: 'false', SESSION_SECRET: secret })
    assert.equal(config.sessionSecret, secret)
    assert.equal(config.demo, false)
  })

  it('an https BASE_URL turns on Secure cookies; TRUST_PROXY, HOST and LOG_LEVEL are read', () => {
    const config = loadConfig({
      BASE_URL: 'https://oversight.marshland.gov.uk/',
      TRUST_PROXY: ' 10.0.0.1, 192.168.0.0/16 ,2001:db8::/32,loopback',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'WARN',
      PORT: '8080',
      DEMO_PASSWORD: 'twelve chars!',
    })
    assert.equal(config.baseUrl, 'https://oversight.marshland.gov.uk')
    assert.equal(config.secureCookies, true)
    assert.deepEqual(config.trustProxy, ['10.0.0.1', '192.168.0.0/16', '2001:db8::/32', 'loopback'])
    assert.deepEqual(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, [], 'the old "off" still means none')
    assert.equal(config.host, '127.0.0.1')
    assert.equal(config.logLevel, 'warn')
    assert.equal(config.port, 8080)
    assert.equal(config.demoPassword, 'twelve chars!')
    assert.equal(loadConfig({ NODE_ENV: 'test' }).logLevel, 'silent')
  })

  it('reads the metrics token and port, and the load-shedding limits (off in tests unless set)', () => {
    const plain = loadConfig({})
    assert.equal(plain.metricsToken, null, 'no token: /metrics on the main port does not exist')
    assert.equal(plain.metricsPort, null)
    assert.deepEqual(plain.loadShedding, {
      maxEventLoopDelayMs: 1000,
      maxHeapUsedMb: 0,
      sampleIntervalMs: 1000,
      retryAfterSeconds: 10,
    })
    assert.equal(loadConfig({ NODE_ENV: 'test' }).loadShedding.maxEventLoopDelayMs, 0)
    const set = loadConfig({
      METRICS_TOKEN: 'x'.repeat(24),
      METRICS_PORT: '9464',
      HOST: '10.0.0.5',
      MAX_EVENT_LOOP_DELAY_MS: '250',
      MAX_HEAP_USED_MB: '1500',
    })
    assert.equal(set.metricsToken, 'x'.repeat(24))
    assert.equal(set.metricsPort, 9464)
    assert.equal(set.metricsHost, '10.0.0.5', 'the metrics port listens where the app does unless told')
    assert.equal(set.loadShedding.maxEventLoopDelayMs, 250)
    assert.equal(set.loadShedding.maxHeapUsedMb, 1500)
    const problems = problemsOf({
      METRICS_TOKEN: 'short',
      PORT: '9464',
      METRICS_PORT: '9464',
      MAX_EVENT_LOOP_DELAY_MS: 'soon',
      LOAD_RETRY_AFTER_SECONDS: '0',
    }).join('\n')
    assert.match(problems, /METRICS_TOKEN must be at least 24 characters/)
    assert.match(problems, /METRICS_PORT must differ from PORT/)
    assert.match(
      problems,
      /MAX_EVENT_LOOP_DELAY_MS must be a whole number of milliseconds from 0 to 60000 \(got "soon"\)/,
    )
    assert.match(problems, /LOAD_RETRY_AFTER_SECONDS must be a whole number of seconds from 1 to 3600/)
  })
})
