import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import SQLite from 'better-sqlite3'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { sha256 } from '../../src/modules/auth/auth.service.ts'
import { loadConfig, parseDatabaseUrl } from '../../src/config.ts'
import { openDatabase, type Database } from '../../src/db/database.ts'
import { projectRoot } from '../../src/paths.ts'
import { Agent } from '../helpers/build-app.ts'
import { createPostgresDatabase, dialectName, dropDatabase } from '../helpers/database.ts'
import { runCli } from '../helpers/processes.ts'

const ROOT = projectRoot()
const dirs: string[] = []
const pgDatabases: string[] = []

/** A database URL that names nothing yet: a new SQLite file, or a new empty PostgreSQL database. */
async function freshDatabaseUrl(): Promise<string> {
  const admin = process.env.TEST_DATABASE_URL
  if (admin && /^postgres(ql)?:\/\//.test(admin)) {
    const { name, url } = await createPostgresDatabase(admin, 'oversight_cli')
    pgDatabases.push(name)
    return url
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'oversight-cli-'))
  dirs.push(dir)
  return `file:${path.join(dir, 'oversight.sqlite')}`
}

const cli = runCli

function open(url: string): Database {
  const config = parseDatabaseUrl(url, ROOT)
  if (typeof config === 'string') throw new Error(config)
  return openDatabase(config, { poolSize: 2 })
}

after(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  const admin = process.env.TEST_DATABASE_URL
  if (admin) for (const name of pgDatabases) await dropDatabase(admin, name)
})

describe(`oversight command line (${dialectName()})`, () => {
  let url: string
  let database: Database
  let app: FastifyInstance

  before(async () => {
    url = await freshDatabaseUrl()
  })
  after(async () => {
    await app?.close()
    await database?.close()
  })

  it('explains itself: help exits 0, a wrong command line exits 2 with the usage', async () => {
    const help = await cli(url, ['--help'])
    assert.equal(help.code, 0)
    for (const name of [
      'migrate',
      'org list',
      'org create',
      'user create',
      'token create',
      'demo load',
      'backup',
      'restore',
      'audit verify',
    ])
      assert.match(help.stdout, new RegExp(`^  ${name} `, 'm'), `lists ${name}`)
    const cmdHelp = await cli(url, ['user', 'create', '--help'])
    assert.equal(cmdHelp.code, 0)
    assert.match(cmdHelp.stdout, /Usage: oversight user create --email EMAIL/)
    assert.match(cmdHelp.stdout, /programme_manager/)

    const unknown = await cli(url, ['frobnicate'])
    assert.equal(unknown.code, 2)
    assert.match(unknown.stderr, /"frobnicate" is not a command/)
    const missing = await cli(url, ['org', 'create', '--name', 'No slug'])
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /--slug is required/)
    assert.match(missing.stderr, /Usage: oversight org create/)
    const badOption = await cli(url, ['org', 'list', '--colour'])
    assert.equal(badOption.code, 2)
    assert.match(badOption.stderr, /Unknown option '--colour'/)
  })

  it('migrate creates the schema once; a second run has nothing to do', async () => {
    const first = await cli(url, ['migrate'])
    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stdout, /Applied migration 0001-core/)
    const second = await cli(url, ['migrate'])
    assert.equal(second.code, 0)
    assert.match(second.stdout, /already up to date/)
    assert.doesNotMatch(second.stdout, /Applied/)
    database = open(url)
    const config = loadConfig({ NODE_ENV: 'test', DEMO: 'false', LOG_LEVEL: 'silent', DATABASE_URL: url })
    app = await buildApp({ config, database })
    await app.ready()
  })

  it('org create adds organisations and refuses a duplicate slug; org list shows them', async () => {
    const created = await cli(url, [
      'org',
      'create',
      '--slug',
      'fenland',
      '--name',
      'Fenland District Council',
    ])
    assert.equal(created.code, 0, created.stderr)
    assert.match(created.stdout, /Created organisation fenland \(Fenland District Council\)/)
    const three = await cli(url, [
      'org',
      'create',
      '--slug',
      'wolds',
      '--name',
      'Wolds Borough Council',
      '--scale',
      'rag3',
    ])
    assert.equal(three.code, 0, three.stderr)
    const dup = await cli(url, ['org', 'create', '--slug', 'fenland', '--name', 'Again'])
    assert.equal(dup.code, 1)
    assert.match(dup.stderr, /slug "fenland" already exists/)
    const badScale = await cli(url, ['org', 'create', '--slug', 'x', '--name', 'X', '--scale', 'rag4'])
    assert.equal(badScale.code, 2)
    assert.match(badScale.stderr, /--scale must be ipa5 or rag3/)

    const wolds = await database.db
      .selectFrom('organisations')
      .select('rating_scale')
      .where('slug', '=', 'wolds')
      .executeTakeFirstOrThrow()
    assert.equal(wolds.rating_scale, 'rag3')
    // A new organisation's skills catalogue starts with the digital skills, made with the organisation.
    const skills = await database.db
      .selectFrom('skills')
      .innerJoin('organisations', 'organisations.id', 'skills.organisation_id')
      .select('skills.name')
      .where('organisations.slug', '=', 'wolds')
      .execute()
    assert.equal(skills.length, 8)
    assert.ok(skills.some((k) => k.name === 'Content design'))
    const list = await cli(url, ['org', 'list'])
    assert.equal(list.code, 0)
    assert.deepEqual(
      list.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s{2,}/)),
      [
        ['fenland', 'Fenland District Council', '0 users'],
        ['wolds', 'Wolds Borough Council', '0 users'],
      ],
    )
  })

  it('user create: with a password, with a generated one shown once, and into a second organisation', async () => {
    const given = await cli(url, [
      'user',
      'create',
      '--email',
      'Priya.Shah@Fenland.example',
      '--name',
      'Priya Shah',
      '--org',
      'fenland',
      '--role',
      'programme_manager',
      '--password',
      'a long enough password',
    ])
    assert.equal(given.code, 0, given.stderr)
    assert.match(
      given.stdout,
      /Created priya\.shah@fenland\.example \(Priya Shah\) in fenland as Programme manager/,
    )
    assert.doesNotMatch(given.stdout, /Password:/)

    const generated = await cli(url, [
      'user',
      'create',
      '--email',
      'admin@fenland.example',
      '--name',
      'Alex Morgan',
      '--org',
      'fenland',
      '--role',
      'administrator',
    ])
    assert.equal(generated.code, 0, generated.stderr)
    const password = /^Password: (\S+)$/m.exec(generated.stdout)?.[1]
    assert.ok(password && password.length >= 10, 'a generated password is printed')
    const agent = new Agent(app)
    await agent.get('/sign-in')
    const signedIn = await agent.post('/sign-in', { email: 'admin@fenland.example', password })
    assert.equal(signedIn.status, 303, 'the printed password signs in')
    const stored = await database.db
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', 'admin@fenland.example')
      .executeTakeFirstOrThrow()
    assert.ok(!stored.password_hash.includes(password), 'only a hash is stored')

    const second = await cli(url, [
      'user',
      'create',
      '--email',
      'priya.shah@fenland.example',
      '--name',
      'Priya Shah',
      '--org',
      'wolds',
      '--role',
      'viewer',
    ])
    assert.equal(second.code, 0, second.stderr)
    assert.match(second.stdout, /Added the existing account priya\.shah@fenland\.example/)
    assert.doesNotMatch(second.stdout, /Password:/)
    const again = await cli(url, [
      'user',
      'create',
      '--email',
      'priya.shah@fenland.example',
      '--name',
      'Priya Shah',
      '--org',
      'wolds',
      '--role',
      'viewer',
    ])
    assert.equal(again.code, 1)
    assert.match(again.stderr, /already a member of wolds, as Viewer/)
    const badRole = await cli(url, [
      'user',
      'create',
      '--email',
      'x@y.example',
      '--name',
      'X',
      '--org',
      'fenland',
      '--role',
      'boss',
    ])
    assert.equal(badRole.code, 2)
    assert.match(badRole.stderr, /--role must be one of: administrator/)
    const noOrg = await cli(url, [
      'user',
      'create',
      '--email',
      'x@y.example',
      '--name',
      'X',
      '--org',
      'nowhere',
      '--role',
      'viewer',
    ])
    assert.equal(noOrg.code, 1)
    assert.match(noOrg.stderr, /no organisation with the slug "nowhere"/)

    // The same password rules as the pages (each rule: test/integration/passwords.test.ts), here end to end.
    const ownEmail = await cli(url, [
      'user',
      'create',
      '--email',
      'sam.jones@fenland.example',
      '--name',
      'Sam Jones',
      '--org',
      'fenland',
      '--role',
      'viewer',
      '--password',
      'sam.jones@fenland.example',
    ])
    assert.equal(ownEmail.code, 2)
    assert.match(ownEmail.stderr, /--password: Password must not contain your name or email address/)

    const list = await cli(url, ['org', 'list'])
    assert.match(list.stdout, /^fenland\s+Fenland District Council\s+2 users$/m)
    assert.match(list.stdout, /^wolds\s+Wolds Borough Council\s+1 user$/m)
  })

  it('token create prints only the token, which then works against the API', async () => {
    const ambiguous = await cli(url, ['token', 'create', '--user', 'priya.shah@fenland.example'])
    assert.equal(ambiguous.code, 2)
    assert.match(ambiguous.stderr, /belongs to 2 organisations \(fenland, wolds\); choose one with --org/)

    const run = await cli(url, [
      'token',
      'create',
      '--user',
      'priya.shah@fenland.example',
      '--org',
      'fenland',
      '--name',
      'Finance export',
      '--days',
      '30',
    ])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /^ovt_[A-Za-z0-9_-]{20,}\n$/, 'stdout is the token and nothing else')
    const token = run.stdout.trim()
    const row = await database.db
      .selectFrom('api_tokens')
      .select(['name', 'token_hash', 'created_at', 'expires_at'])
      .where('token_hash', '=', sha256(token))
      .executeTakeFirst()
    assert.equal(row?.name, 'Finance export')
    const days = (Date.parse(row.expires_at!) - Date.parse(row.created_at)) / (24 * 60 * 60 * 1000)
    assert.ok(Math.abs(days - 30) < 0.01, `--days 30 made a token that lasts ${days} days`)
    const tooLong = await cli(url, [
      'token',
      'create',
      '--user',
      'priya.shah@fenland.example',
      '--org',
      'fenland',
      '--days',
      '400',
    ])
    assert.equal(tooLong.code, 2)
    assert.match(tooLong.stderr, /--days: A token can last at most 365 days/)

    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/programmes',
      headers: { authorization: `Bearer ${token}` },
    })
    assert.equal(res.statusCode, 200, res.body)
    const refused = await app.inject({
      method: 'GET',
      url: '/api/v1/programmes',
      headers: { authorization: 'Bearer ovt_not-a-token' },
    })
    assert.equal(refused.statusCode, 401)
    const nobody = await cli(url, ['token', 'create', '--user', 'nobody@fenland.example'])
    assert.equal(nobody.code, 1)
    assert.match(nobody.stderr, /no account with the email address nobody@fenland\.example/)

    const revoked = await cli(url, ['token', 'revoke', '--token', token])
    assert.equal(revoked.code, 0, revoked.stderr)
    const after = await app.inject({
      method: 'GET',
      url: '/api/v1/programmes',
      headers: { authorization: `Bearer ${token}` },
    })
    assert.equal(after.statusCode, 401, 'a revoked token no longer works')
    const again = await cli(url, ['token', 'revoke', '--token', token])
    assert.equal(again.code, 1)
    assert.match(again.stderr, /No active API token matches/)
  })

  it('audit verify passes, then names an edited event and notices events deleted from the end', async () => {
    const ok = await cli(url, ['audit', 'verify'])
    assert.equal(ok.code, 0, ok.stdout + ok.stderr)
    assert.match(ok.stdout, /Checked 5 audit events in 2 organisations\./)
    assert.match(ok.stdout, /The audit trail is intact/)

    const fenland = await database.db
      .selectFrom('organisations')
      .select('id')
      .where('slug', '=', 'fenland')
      .executeTakeFirstOrThrow()
    const target = await database.db
      .selectFrom('audit_events')
      .select(['id', 'seq', 'after_json'])
      .where('organisation_id', '=', fenland.id)
      .where('seq', '=', 2)
      .executeTakeFirstOrThrow()
    await database.db
      .updateTable('audit_events')
      .set({ after_json: target.after_json!.replace('programme_manager', 'administrator') })
      .where('id', '=', target.id)
      .execute()
    const edited = await cli(url, ['audit', 'verify'])
    assert.equal(edited.code, 1)
    assert.match(edited.stdout, /fenland, event 2: content does not match its hash \(edited\)/)

    await database.db
      .updateTable('audit_events')
      .set({ after_json: target.after_json })
      .where('id', '=', target.id)
      .execute()
    assert.equal((await cli(url, ['audit', 'verify'])).code, 0, 'restoring the event repairs the chain')

    const last = await database.db
      .selectFrom('audit_events')
      .select(['id', 'seq'])
      .where('organisation_id', '=', fenland.id)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow()
    await database.db.deleteFrom('audit_events').where('id', '=', last.id).execute()
    const truncated = await cli(url, ['audit', 'verify'])
    assert.equal(truncated.code, 1)
    assert.match(
      truncated.stdout,
      new RegExp(`fenland, event ${last.seq}: the chain ends at event ${last.seq - 1}`),
    )
  })

  it('backup copies a SQLite database to a checked file', async (t) => {
    if (database.dialect === 'postgres') {
      t.diagnostic('PostgreSQL: pg_dump, pg_restore and their round trip are in backup-restore.test.ts')
      return
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'oversight-backup-'))
    dirs.push(dir)
    const file = path.join(dir, 'nightly', 'copy.sqlite')
    const run = await cli(url, ['backup', '--to', file])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /passes SQLite's integrity check: [\d.]+ [KM]B \([\d,]+ bytes\), 2 organisations/)
    assert.ok(statSync(file).size > 0)
    assert.ok(!existsSync(`${file}-wal`), 'the copy is a single file')
    const copy = new SQLite(file, { readonly: true })
    const users = copy.prepare('select count(*) as n from users').get() as { n: number }
    copy.close()
    assert.equal(users.n, 2)

    const again = await cli(url, ['backup', '--to', file])
    assert.equal(again.code, 1)
    assert.match(again.stderr, /already exists.*--force/)
    assert.equal((await cli(url, ['backup', '--to', file, '--force'])).code, 0)
    const missing = await cli(`file:${path.join(dir, 'no-such.sqlite')}`, [
      'backup',
      '--to',
      path.join(dir, 'x.sqlite'),
    ])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /There is no database at/)
    assert.ok(!existsSync(path.join(dir, 'no-such.sqlite')), 'a mistyped DATABASE_URL creates nothing')
  })

  it('demo load refuses a database that already has organisations, saying why', async () => {
    const run = await cli(url, ['demo', 'load'])
    assert.equal(run.code, 1)
    assert.match(run.stderr, /already holds 2 organisations \(fenland, wolds\)/)
    assert.match(run.stderr, /only goes into an empty database/)
  })
})

describe(`oversight demo load (${dialectName()})`, () => {
  it('loads the demo into an empty database once, then refuses', async () => {
    const url = await freshDatabaseUrl()
    const first = await cli(url, ['demo', 'load'], { DEMO_PASSWORD: 'a demo password' })
    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stdout, /programme\.manager@demo\.oversight\.test/)
    assert.match(first.stdout, /admin@brecks\.demo\.oversight\.test/)
    assert.match(first.stdout, /password set in DEMO_PASSWORD/)
    const second = await cli(url, ['demo', 'load'])
    assert.equal(second.code, 1)
    assert.match(second.stderr, /already holds 2 organisations \(brecks, marshland\)/)
    const verify = await cli(url, ['audit', 'verify'])
    assert.equal(verify.code, 0, verify.stdout)
    const generated = await cli(await freshDatabaseUrl(), ['demo', 'load'])
    assert.equal(generated.code, 0, generated.stderr)
    assert.match(generated.stdout, /with the password: \S{10,} {2}\(generated now and shown once/)
  })
})
