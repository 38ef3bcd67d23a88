import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { parseSecretKey, type SecretKey } from '../../src/auth/secret-box.ts'
import { loadConfig } from '../../src/config.ts'
import { createSecondFactorService } from '../../src/modules/auth/second-factor.service.ts'
import { newSecret, totpAt } from '../../src/modules/auth/totp.rules.ts'
import { Agent, buildTestApp, TEST_PASSWORD, type TestApp, type TestUser } from '../helpers/build-app.ts'
import type { Database } from '../../src/db/database.ts'
import { migrateTo, migrateToLatest } from '../../src/db/migrate.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'

const KEY = 'cd'.repeat(32)
const OTHER_KEY = 'ef'.repeat(32)

// Issue 13's gap: an authenticator secret is as good as the second factor itself, so a copy of the database
// (a backup, a subject access export) must not hold it. It is sealed with OVERSIGHT_SECRET_KEY, as OpenID
// Connect client secrets are (auth/secret-box.ts).
describe(`second-factor secrets sealed at rest (${dialectName()})`, () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp({ OVERSIGHT_SECRET_KEY: KEY })
  })
  after(async () => t.close())

  const stored = async (user: TestUser) =>
    (
      await t.database.db
        .selectFrom('second_factors')
        .select('secret')
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow()
    ).secret

  /** The password, then the code: the status of the code page's answer. */
  async function signIn(user: TestUser, code: string, app: FastifyInstance = t.app) {
    const agent = new Agent(app)
    await agent.get('/sign-in')
    const password = await agent.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    assert.equal(password.status, 303)
    assert.match(password.location ?? '', /^\/sign-in\/code/)
    await agent.get('/sign-in/code')
    return agent.post('/sign-in/code', { code })
  }

  async function confirmedFactor(user: TestUser, secret: string) {
    await t.database.db
      .insertInto('second_factors')
      .values({
        user_id: user.id,
        secret,
        confirmed_at: new Date().toISOString(),
        created_at: new Date().toISOString(),
      })
      .execute()
  }

  it('a secret set up from the account page is stored sealed, never as the base32 the app was given', async () => {
    const user = t.orgs.a.users.project_manager
    const agent = await t.signIn(user)
    const page = await agent.get('/account/second-factor/set-up')
    const secret = (page.document.querySelector('#secret')?.textContent ?? '').replace(/\s/g, '')
    assert.match(secret, /^[A-Z2-7]{32}$/)
    assert.ok(!(await stored(user)).includes(secret))
    const done = await agent.post('/account/second-factor/set-up', {
      code: totpAt(secret, Date.now() - 30_000),
    })
    assert.equal(done.status, 200, done.text)
    const sealed = await stored(user)
    assert.match(sealed, /^v1\./)
    assert.ok(!sealed.includes(secret))
    assert.equal((await signIn(user, totpAt(secret, Date.now()))).status, 303)
  })

  it('a secret stored before the key is sealed at start-up, and its codes still work', async () => {
    const user = t.orgs.a.users.finance_officer
    const secret = newSecret()
    await confirmedFactor(user, secret)
    const result = await t.app.services.secondFactor.sealStoredSecrets()
    assert.deepEqual(result, { sealed: 1, unreadable: 0 })
    assert.ok(!(await stored(user)).includes(secret))
    assert.equal((await signIn(user, totpAt(secret, Date.now()))).status, 303)
  })

  it('under another key the secrets do not open: said at start-up and at sign-in, which offers the recovery codes', async () => {
    const user = t.orgs.a.users.service_manager
    const secret = newSecret()
    await confirmedFactor(user, secret)
    await t.app.services.secondFactor.sealStoredSecrets()
    const wrong = createSecondFactorService(t.database.db, {
      secretKey: parseSecretKey(OTHER_KEY) as SecretKey,
    })
    const check = await wrong.sealStoredSecrets()
    assert.equal(check.sealed, 0)
    assert.ok(check.unreadable >= 1)

    const config = loadConfig({
      NODE_ENV: 'test',
      DEMO: 'false',
      LOG_LEVEL: 'silent',
      OVERSIGHT_SECRET_KEY: OTHER_KEY,
    })
    const other = await buildApp({ config, database: t.database })
    await other.ready()
    try {
      const page = await signIn(user, totpAt(secret, Date.now()), other)
      assert.equal(page.status, 503)
      assert.match(page.text, /There is a problem/)
      assert.match(page.text, /cannot check authenticator codes/)
      assert.match(page.text, /recovery code/)
    } finally {
      await other.close()
    }
  })
})

describe(`migration 0043 seals the secrets already stored (${dialectName()})`, () => {
  let database: Database
  let drop: () => Promise<void>
  before(async () => {
    ;({ database, drop } = await createTestDatabase())
  })
  after(async () => drop())

  it('with the key in the environment each secret is sealed, opens to the same secret, and its codes work', async () => {
    await migrateTo(database, '0041-tenancy-keys')
    const at = new Date().toISOString()
    const user = await database.db
      .insertInto('users')
      .values({
        email: 'kept@alpha.test',
        name: 'Kept',
        password_hash: 'x',
        is_active: 1,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const secret = newSecret()
    await database.db
      .insertInto('second_factors')
      .values({ user_id: user.id, secret, confirmed_at: at, created_at: at })
      .execute()
    const before = process.env.OVERSIGHT_SECRET_KEY
    process.env.OVERSIGHT_SECRET_KEY = KEY
    try {
      await migrateToLatest(database)
    } finally {
      if (before === undefined) delete process.env.OVERSIGHT_SECRET_KEY
      else process.env.OVERSIGHT_SECRET_KEY = before
    }
    const row = await database.db
      .selectFrom('second_factors')
      .select('secret')
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow()
    assert.match(row.secret, /^v1\./)
    assert.ok(!row.secret.includes(secret))
    const service = createSecondFactorService(database.db, { secretKey: parseSecretKey(KEY) as SecretKey })
    const check = await service.attempt(user.id, '192.0.2.1', totpAt(secret, Date.now()))
    assert.equal(check.ok, true)
  })
})
