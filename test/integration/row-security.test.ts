import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { ConfigError, loadConfig } from '../../src/config.ts'
import { openDatabase, type Database } from '../../src/db/database.ts'
import { grantAppRole, restrictedRoleProblem } from '../../src/db/row-security.ts'
import { GLOBAL_TABLES } from '../../src/db/tenancy.ts'
import { crossOrganisation, withOrganisation } from '../../src/db/tenant-context.ts'
import { appRoleExists, appRoleUrl, NO_APP_ROLE } from '../helpers/app-role.ts'
import { Agent, buildTestApp, TEST_PASSWORD, type TestApp, type TestUser } from '../helpers/build-app.ts'

// Issue 14, "the database enforces tenancy": on PostgreSQL the server works as a role that owns no tables
// and lacks BYPASSRLS (DATABASE_APP_URL), and row-level security holds each transaction to the organisation
// it names (the role: test/helpers/app-role.ts). SQLite has no roles: there the application-level rule is the
// only one.
const ownerUrl = process.env.TEST_DATABASE_URL ?? ''
const onPostgres = /^postgres(ql)?:\/\//.test(ownerUrl)

const skip = !onPostgres
  ? 'PostgreSQL only: SQLite has no row-level security and keeps the application-level rule'
  : !(await appRoleExists())
    ? NO_APP_ROLE
    : false

describe('PostgreSQL row-level security (the app role)', { skip }, () => {
  let t: TestApp
  let appDb: Database
  let app: FastifyInstance
  const projects: Record<'a' | 'b', number> = { a: 0, b: 0 }

  async function signIn(user: TestUser): Promise<Agent> {
    const agent = new Agent(app)
    await agent.get('/sign-in')
    const page = await agent.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    assert.equal(page.status, 303, `sign-in as ${user.email}: ${page.text}`)
    return agent
  }

  before(async () => {
    t = await buildTestApp()
    await grantAppRole(t.database.db, new URL(appRoleUrl('x')).username)
    const dbName = new URL((t.databaseConfig as { url: string }).url).pathname.slice(1)
    appDb = openDatabase({ dialect: 'postgres', url: appRoleUrl(dbName) }, { poolSize: 3, rowSecurity: true })
    app = await buildApp({ config: t.config, database: appDb })
    await app.ready()
    // Set up as the owner (through the owner's app), so the restricted app meets rows it did not write.
    for (const key of ['a', 'b'] as const) {
      const token = await t.tokenFor(t.orgs[key].users.administrator)
      const programme = await t.api(token, 'POST', '/api/v1/programmes', {
        reference: `P-${key}`,
        name: 'ICT',
      })
      const project = await t.api(token, 'POST', '/api/v1/projects', {
        reference: `ICT-${key}`,
        name: `Website of ${key}`,
        programmeId: programme.json<{ id: number }>().id,
      })
      assert.equal(project.statusCode, 201, project.body)
      projects[key] = project.json<{ id: number }>().id
    }
  })
  after(async () => {
    await app?.close()
    await appDb?.close()
    await t?.close()
  })

  it('runs as a role that owns no tables and cannot bypass row security; the owner is refused as one', async () => {
    assert.equal(await restrictedRoleProblem(appDb.db), null)
    assert.match((await restrictedRoleProblem(t.database.db)) ?? '', /owns tables/)
  })

  it('answers an unfiltered query with the named organisation’s rows only, none with no organisation, all to the owner', async () => {
    const { a, b } = t.orgs
    const unfiltered = () =>
      sql<{ organisation_id: number }>`select organisation_id from projects`.execute(appDb.db)
    const asA = await withOrganisation(a.id, unfiltered)
    assert.deepEqual(
      asA.rows.map((r) => r.organisation_id),
      [a.id],
    )
    const inTransaction = await withOrganisation(b.id, () =>
      appDb.db
        .transaction()
        .execute((trx) =>
          sql<{ organisation_id: number }>`select organisation_id from projects`.execute(trx),
        ),
    )
    assert.deepEqual(
      inTransaction.rows.map((r) => r.organisation_id),
      [b.id],
    )
    assert.equal((await unfiltered()).rows.length, 0, 'no organisation named: no rows')
    const owner = await sql<{
      n: number
    }>`select count(distinct organisation_id)::int as n from projects`.execute(t.database.db)
    assert.equal(owner.rows[0]!.n, 2, 'the owner sees every organisation')
    // A named exception (a scheduler sweep) sees them all.
    const sweep = await crossOrganisation('scheduler sweep', unfiltered)
    assert.equal(new Set(sweep.rows.map((r) => r.organisation_id)).size, 2)
  })

  it("refuses to write another organisation's row, and an update through a forgotten filter touches only its own", async () => {
    const { a, b } = t.orgs
    await assert.rejects(
      withOrganisation(a.id, () =>
        appDb.db.updateTable('projects').set({ name: 'Moved' }).where('id', '=', projects.b).execute(),
      ).then((r) => {
        if (Number(r[0]?.numUpdatedRows ?? 0) === 0) throw new Error('no rows')
      }),
      /no rows/,
    )
    await assert.rejects(
      withOrganisation(a.id, () =>
        sql`update programmes set organisation_id = ${b.id} where organisation_id = ${a.id}`.execute(
          appDb.db,
        ),
      ),
      /row-level security/,
    )
    const renamed = await withOrganisation(a.id, () =>
      appDb.db.updateTable('projects').set({ description: 'Checked' }).execute(),
    )
    assert.equal(Number(renamed[0]?.numUpdatedRows), 1)
  })

  it('serves sign-in, the dashboard, the project list, a form post, the API, a scheduler tick and a public page', async () => {
    const { a } = t.orgs
    const admin = await signIn(a.users.administrator)
    const dashboard = await admin.get('/')
    assert.equal(dashboard.status, 200, dashboard.text)
    const list = await admin.get('/projects')
    assert.equal(list.status, 200)
    assert.match(list.text, /Website of a/)
    assert.doesNotMatch(list.text, /Website of b/)

    const form = await admin.get('/programmes/new')
    assert.equal(form.status, 200)
    const saved = await admin.post('/programmes', {
      reference: 'REG',
      name: 'Regeneration',
      status: 'active',
    })
    assert.equal(saved.status, 303, saved.text)

    const token = await t.tokenFor(a.users.administrator)
    const api = await app.inject({
      method: 'GET',
      url: '/api/v1/projects',
      headers: { authorization: `Bearer ${token}` },
    })
    assert.equal(api.statusCode, 200, api.body)
    assert.deepEqual(
      api.json<{ items: Array<{ id: number }> }>().items.map((p) => p.id),
      [projects.a],
    )

    const ran = await app.scheduler.runDue(new Date())
    assert.ok(ran.length > 0)
    for (const r of ran) assert.doesNotMatch(r.outcome, /^failed/, `${r.job}: ${r.outcome}`)

    const settings = await admin.get('/settings/publication')
    assert.ok(
      settings.document.querySelector('input[name="version"]'),
      `${settings.status} ${settings.text.slice(0, 600)}`,
    )
    const version = settings.document.querySelector('input[name="version"]')!.getAttribute('value')!
    const published = await admin.post('/settings/publication', {
      version,
      types: ['programmes'],
      threshold: '500',
    })
    assert.equal(published.status, 303, published.text)
    // A resident, and an officer of the other organisation, both see alpha's public page with alpha's records.
    for (const visitor of [new Agent(app), await signIn(t.orgs.b.users.administrator)]) {
      const page = await visitor.get('/public/alpha/')
      assert.equal(page.status, 200, page.text)
      const programmes = await visitor.get('/public/alpha/programmes')
      assert.match(programmes.text, /Regeneration/)
    }

    const account = await admin.get('/account')
    assert.equal(account.status, 200)
    const signedOut = await admin.post('/sign-out', {})
    assert.equal(signedOut.status, 303)
  })

  it('switches a person to another organisation they belong to, and refuses one they do not', async () => {
    // The switch reads the person's memberships in every organisation (the named exception 'own account'),
    // then the session works in the one chosen, whose rows alone row security lets through.
    const { a, b } = t.orgs
    const person = a.users.viewer
    await t.database.db
      .insertInto('memberships')
      .values({
        organisation_id: b.id,
        user_id: person.id,
        role: 'viewer',
        created_at: new Date().toISOString(),
      })
      .execute()
    const agent = await signIn(person)
    assert.equal((await agent.post('/account/organisation', { organisationId: String(a.id) })).status, 303)
    assert.match((await agent.get('/projects')).text, /Website of a/)
    const switched = await agent.post('/account/organisation', { organisationId: String(b.id) })
    assert.equal(switched.status, 303, switched.text)
    const inB = await agent.get('/projects')
    assert.match(inB.text, /Website of b/)
    assert.doesNotMatch(inB.text, /Website of a/)
    assert.match((await agent.get('/account')).text, /Beta Borough Council/)

    // Someone who belongs to alpha only is refused beta, and goes on working in alpha.
    const other = await signIn(a.users.programme_manager)
    const refused = await other.post('/account/organisation', { organisationId: String(b.id) })
    assert.equal(refused.status, 400, refused.text)
    assert.match(refused.text, /Select one of your organisations/)
    const still = await other.get('/projects')
    assert.match(still.text, /Website of a/)
    assert.doesNotMatch(still.text, /Website of b/)
  })

  it('holds every organisation-owned table, and no global one, to the policies', async () => {
    const rows = await sql<{ table_name: string; rls: boolean; policies: number }>`
      select c.relname as table_name, c.relrowsecurity as rls,
        (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind = 'r'`.execute(t.database.db)
    const wrong = rows.rows.filter((r) => {
      const owned = !(r.table_name in GLOBAL_TABLES)
      return owned ? !r.rls || r.policies !== 2 : r.rls
    })
    assert.deepEqual(
      wrong,
      [],
      'each owned table: enableRowSecurity in its migration (src/db/row-security.ts)',
    )
  })
})

describe('DATABASE_APP_URL', () => {
  const base = { NODE_ENV: 'test', DEMO: 'false', LOG_LEVEL: 'silent' }
  it('names the role the server works as, beside the owner’s DATABASE_URL, and is refused without PostgreSQL', () => {
    assert.equal(loadConfig(base).appDatabase, null, 'unset: the server works as DATABASE_URL’s role')
    const config = loadConfig({
      ...base,
      DATABASE_URL: 'postgres://owner:secret@db/oversight',
      DATABASE_APP_URL: 'postgres://oversight%5Fapp:secret@pgbouncer/oversight',
    })
    assert.deepEqual(config.appDatabase, {
      url: 'postgres://oversight%5Fapp:secret@pgbouncer/oversight',
      role: 'oversight_app',
    })
    assert.throws(
      () => loadConfig({ ...base, DATABASE_APP_URL: 'postgres://app:secret@db/oversight' }),
      (e: unknown) =>
        e instanceof ConfigError && /DATABASE_APP_URL needs DATABASE_URL to be PostgreSQL/.test(e.message),
    )
    assert.throws(
      () =>
        loadConfig({ ...base, DATABASE_URL: 'postgres://o:s@db/x', DATABASE_APP_URL: 'mysql://app@db/x' }),
      /DATABASE_APP_URL is not a valid PostgreSQL URL/,
    )
  })
})
