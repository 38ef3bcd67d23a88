import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import type { Database } from '../../src/db/database.ts'
import { demoSignInLines, loadDemoIfEmpty, type DemoLoadResult } from '../../src/demo/demo.service.ts'
import { PEOPLE } from '../../src/demo/people.ts'
import { DEMO_EMAILS, OTHER_COUNCIL_ADMIN_EMAIL } from '../../src/demo/scenario.ts'
import { OWNER_COLUMNS } from '../../src/modules/resourcing/person-refs.ts'
import { verifyAuditChain } from '../../src/modules/audit/audit.service.ts'
import { currentPeriod } from '../../src/domain/periods.ts'
import { projectRoot } from '../../src/paths.ts'
import { Agent, servedDatabase } from '../helpers/build-app.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'

const PASSWORD = 'demo password for tests'

async function signIn(app: FastifyInstance, email: string): Promise<Agent> {
  const agent = new Agent(app)
  await agent.get('/sign-in')
  const page = await agent.post('/sign-in', { email, password: PASSWORD })
  assert.equal(page.status, 303, `${email} signs in with the demo password`)
  return agent
}

describe(`demo scenario (${dialectName()})`, () => {
  let app: FastifyInstance
  let database: Database
  let drop: () => Promise<void>
  let loadMs = 0
  let result: DemoLoadResult

  before(async () => {
    const created = await createTestDatabase()
    database = created.database
    const served = await servedDatabase(created)
    drop = served.drop
    const started = Date.now()
    result = await loadDemoIfEmpty(database.db, PASSWORD)
    loadMs = Date.now() - started
    assert.equal(result.loaded, true)
    const config = loadConfig({ NODE_ENV: 'test', DEMO: 'true', LOG_LEVEL: 'silent' })
    app = await buildApp({ config, database: served.database })
    await app.ready()
  })
  after(async () => {
    await app.close()
    await drop()
  })

  it('loads only into an empty database', async (t) => {
    // The target is under 2 s on SQLite on an idle machine; a timing assertion would fail on a busy CI runner.
    t.diagnostic(`demo loaded in ${loadMs} ms on ${database.dialect}`)
    const again = await loadDemoIfEmpty(database.db, PASSWORD)
    assert.equal(again.loaded, false)
    const orgs = await database.db.selectFrom('organisations').select('slug').orderBy('slug').execute()
    assert.deepEqual(
      orgs.map((o) => o.slug),
      ['brecks', 'marshland'],
    )
  })

  it("the README's table of demo accounts lists every account the demo makes, and no other", async () => {
    const readme = readFileSync(path.join(projectRoot(), 'README.md'), 'utf8')
    const table = readme.slice(readme.indexOf('| Sign in as'), readme.indexOf('The demo goes only into'))
    const listed = [...table.matchAll(/`([^`\s]+@[^`\s]+)`/g)].map((m) => m[1]).sort()
    const users = await database.db.selectFrom('users').select('email').orderBy('email').execute()
    assert.deepEqual(listed, users.map((u) => u.email).sort())
    // And the server prints every one of them when it loads the demo.
    const printed = demoSignInLines({ loaded: true, emails: result.emails, generatedPassword: null }, '')
      .join('\n')
      .match(/[\w.]+@[\w.]+\.test/g)
    assert.deepEqual([...new Set(printed)].sort(), listed)
  })

  it('every demo user signs in and sees the programme from the minutes', async () => {
    assert.equal(DEMO_EMAILS.length, 9)
    for (const email of DEMO_EMAILS) {
      const agent = await signIn(app, email)
      const page = await agent.get('/programmes')
      assert.equal(page.status, 200, `${email} can open the programmes list`)
      assert.match(page.text, /ICT and Digital Work Programme/, `${email} sees the programme`)
      const dashboard = await agent.get('/')
      assert.equal(dashboard.status, 200, `${email} can open the dashboard`)
      assert.match(dashboard.text, /ICT and Digital Work Programme/, `${email} sees it on the dashboard`)
    }
  })

  it('the dashboard shows what needs attention: the Red project and the missing report', async () => {
    const pm = await signIn(app, 'programme.manager@demo.oversight.test')
    const dashboard = await pm.get('/')
    const rows = [...dashboard.document.querySelectorAll('tr')].map((r) =>
      (r.textContent ?? '').replace(/\s+/g, ' '),
    )
    const row = (name: string) => rows.find((r) => r.includes(name)) ?? ''
    assert.match(row('Digital team resourcing'), /Red/)
    assert.match(row('Northgate system integration'), /No status report for/)
  })

  it('the partner officer sees only the projects PSPS delivers', async () => {
    const partner = await signIn(app, 'partner.officer@demo.oversight.test')
    const programmes = await partner.get('/programmes')
    const link = programmes.document.querySelector('a[href^="/programmes/"]')?.getAttribute('href')
    assert.ok(link, 'a link to the programme')
    const page = await partner.get(link)
    assert.equal(page.status, 200)
    assert.match(page.text, /Northgate system integration/)
    assert.match(page.text, /Online contact forms improvement/)
    assert.doesNotMatch(page.text, /Digital team resourcing/)
    assert.doesNotMatch(page.text, /discretionary grants/)
  })

  it("Brecks's administrator sees Brecks's programme and none of Marshland's", async () => {
    const admin = await signIn(app, OTHER_COUNCIL_ADMIN_EMAIL)
    const page = await admin.get('/programmes')
    assert.match(page.text, /Brecks Digital Place Programme/)
    assert.doesNotMatch(page.text, /ICT and Digital Work Programme/)
    const ict = await database.db
      .selectFrom('programmes')
      .select('id')
      .where('reference', '=', 'ICT-2019')
      .executeTakeFirstOrThrow()
    assert.equal((await admin.get(`/programmes/${ict.id}`)).status, 404)
  })

  it('Marshland has its own look (green header, its logo) and Brecks the neutral default; the programme has a timeline', async () => {
    const pm = await signIn(app, 'programme.manager@demo.oversight.test')
    const dashboard = await pm.get('/')
    assert.match(dashboard.document.querySelector('head style')?.textContent ?? '', /#1d4f3a/)
    const src = dashboard.document.querySelector('.app-header__logo')?.getAttribute('src') ?? ''
    const logo = await app.inject({ method: 'GET', url: src })
    assert.equal(logo.statusCode, 200)
    assert.equal(logo.headers['content-type'], 'image/svg+xml')
    assert.match(logo.body, /aria-label="Marshland District Council"/)
    const brecks = await (await signIn(app, OTHER_COUNCIL_ADMIN_EMAIL)).get('/')
    assert.equal(brecks.document.querySelector('head style'), null)
    assert.equal(brecks.document.querySelector('.app-header__logo'), null)
    const ict = await database.db
      .selectFrom('programmes')
      .select('id')
      .where('reference', '=', 'ICT-2019')
      .executeTakeFirstOrThrow()
    const timeline = await pm.get(`/programmes/${ict.id}/timeline`)
    assert.equal(timeline.status, 200)
    assert.ok(timeline.document.querySelector('svg.app-timeline [data-today]'))
    assert.match(timeline.text, /Northgate system integration/)
  })

  it('tells the story: a Red project now, one live project without a report this month', async () => {
    const db = database.db
    const period = currentPeriod()
    const live = await db
      .selectFrom('projects')
      .select(['id', 'reference'])
      .where('reference', 'like', 'ICT-%')
      .where('stage', '=', 'delivery')
      .orderBy('reference')
      .execute()
    assert.deepEqual(
      live.map((p) => p.reference),
      ['ICT-01', 'ICT-05', 'ICT-06'],
    )
    const thisMonth = await db
      .selectFrom('status_reports as r')
      .innerJoin('projects as p', 'p.id', 'r.project_id')
      .select(['p.reference', 'r.rating'])
      .where('r.period', '=', period)
      .where('p.reference', 'like', 'ICT-%')
      .orderBy('p.reference')
      .execute()
    assert.deepEqual(thisMonth, [
      { reference: 'ICT-01', rating: 'amber_green' },
      { reference: 'ICT-06', rating: 'red' },
    ])
    // The nine-month resourcing gap: no staff from July 2019 to April 2020.
    const gap = await db
      .selectFrom('status_reports as r')
      .innerJoin('projects as p', 'p.id', 'r.project_id')
      .select('r.rating')
      .where('p.reference', '=', 'ICT-06')
      .where('r.period', '=', '2019-10')
      .executeTakeFirstOrThrow()
    assert.equal(gap.rating, 'red')
    const milestones = await db.selectFrom('milestones').select(['project_id']).execute()
    for (const p of live) {
      const n = milestones.filter((m) => m.project_id === p.id).length
      assert.ok(n >= 5 && n <= 8, `${p.reference} has ${n} milestones`)
    }
  })

  it('every demo record has its audit event, and the chain verifies', async () => {
    const { events, problems } = await verifyAuditChain(database.db)
    assert.deepEqual(problems, [])
    const count = async (table: 'programmes' | 'projects' | 'milestones' | 'status_reports') =>
      Number(
        (
          await database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const records =
      (await count('programmes')) +
      (await count('projects')) +
      (await count('milestones')) +
      (await count('status_reports'))
    // Plus one event per organisation and one per membership. Each area's demo extension adds its own
    // records and events on top, so the core's are counted by their entity types.
    const core = Number(
      (
        await database.db
          .selectFrom('audit_events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('entity_type', 'in', [
            'organisation',
            'membership',
            'programme',
            'project',
            'milestone',
            'status_report',
          ])
          // The story's later changes (a re-forecast, a closure) are update events on top.
          .where('action', '=', 'create')
          .executeTakeFirstOrThrow()
      ).n,
    )
    assert.ok(events >= core)
    // Two organisations; eleven memberships (Marshland's nine roles and its supplier's officer; Brecks's one).
    assert.equal(core, records + 2 + 11)
    const admin = await signIn(app, 'admin@demo.oversight.test')
    const report = await database.db
      .selectFrom('status_reports')
      .select('id')
      .orderBy('id')
      .executeTakeFirstOrThrow()
    const history = await admin.get(`/history/status_report/${report.id}`)
    assert.equal(history.status, 200)
    assert.match(history.text, /Demo loader/)
  })

  it("names every owner as a person of its own council's register, a member's account as their person", async () => {
    const loose = database.db as unknown as Kysely<Record<string, Record<string, unknown>>>
    for (const c of OWNER_COLUMNS) {
      const rows = (await loose
        .selectFrom(`${c.table} as r`)
        .leftJoin('people', 'people.id', `r.${c.personId}`)
        .select([
          `r.${c.name} as copy`,
          'people.name as person',
          'people.organisation_id as personOrg',
          'r.organisation_id as org',
        ])
        .execute()) as Array<{
        copy: string | null
        person: string | null
        personOrg: number | null
        org: number
      }>
      for (const r of rows.filter((x) => x.copy)) {
        assert.equal(r.person, r.copy, `${c.table}.${c.name} "${r.copy}" is a person of the register`)
        assert.equal(r.personOrg, r.org, `${c.table}.${c.name} "${r.copy}" is of its own council`)
      }
    }
    const tom = await database.db
      .selectFrom('projects')
      .innerJoin('people', 'people.id', 'projects.project_manager_person_id')
      .innerJoin('users', 'users.id', 'people.user_id')
      .select(['people.name', 'users.name as account'])
      .where('users.name', '=', PEOPLE.project_manager)
      .executeTakeFirstOrThrow()
    assert.equal(tom.name, 'Tom Fielding', "the resourcing register's Tom Fielding, linked to his account")
  })

  it('records the 2019 ambitions, owned by the Portfolio Holder, and the outputs the minute lists', async () => {
    const db = database.db
    const ambitions = await db.selectFrom('ambitions').select(['title', 'owner']).orderBy('title').execute()
    assert.deepEqual(
      ambitions.map((a) => a.title),
      [
        'Accessible online services for everyone',
        'Digital by preference: most contacts start online by 2023',
        'Modern, resilient ICT infrastructure',
      ],
    )
    assert.ok(ambitions.every((a) => a.owner === 'Cllr Richard Ashby'))
    const outputs = await db
      .selectFrom('outputs')
      .innerJoin('projects', 'projects.id', 'outputs.project_id')
      .select([
        'projects.reference',
        'outputs.title',
        'outputs.planned_on',
        'outputs.delivered_on',
        'outputs.accepted_on',
      ])
      .execute()
    for (const words of [
      /web trends/i,
      /CRM/,
      /grants/i,
      /Goss/,
      /Northgate/,
      /accessibility/i,
      /forms/,
      /telephone to web and social/,
    ])
      assert.ok(
        outputs.some((o) => words.test(o.title)),
        `an output for ${words}`,
      )
    for (const o of outputs) {
      if (o.accepted_on) {
        const day = new Date(`${o.accepted_on}T12:00:00Z`).getUTCDay()
        assert.ok(day !== 0 && day !== 6, `${o.title} accepted on a working day`)
        assert.ok(o.delivered_on && o.accepted_on >= o.delivered_on, `${o.title} accepted after delivery`)
      }
      if (o.delivered_on) assert.ok(o.planned_on, `${o.title} delivered against a plan`)
    }
    const viewer = await signIn(app, 'admin@demo.oversight.test')
    const list = await viewer.get('/ambitions')
    assert.match(list.text, /Digital by preference.*Cllr Richard Ashby.*ICT-2019/)
    // The channel-shift indicators measure the "digital by preference" ambition, on its page.
    const digital = [...list.document.querySelectorAll('a[href^="/ambitions/"]')].find((a) =>
      /Digital by preference/.test(a.textContent ?? ''),
    )
    assert.ok(digital, 'the ambition is linked from the list')
    const page = await viewer.get(digital.getAttribute('href')!)
    assert.match(page.document.querySelector('#indicators + div')?.textContent ?? '', /Contacts by telephone/)
  })

  it("records Marshland's benefits: fewer telephone contacts, grants paid faster, an MTFS saving and a dis-benefit", async () => {
    const agent = await signIn(app, 'viewer@demo.oversight.test')
    const register = await agent.get('/benefits')
    assert.equal(register.status, 200)
    for (const title of [
      'Fewer telephone contacts',
      'Grants paid faster',
      'Channel shift saving in Customer Services',
      'Forms platform licence',
    ])
      assert.match(register.text, new RegExp(title))
    assert.match(register.document.querySelector('#benefits')?.textContent ?? '', /Dis-benefit/)
    assert.match(register.document.querySelector('#benefits')?.textContent ?? '', /MTFS saving/)
    const owner = await database.db
      .selectFrom('benefits')
      .innerJoin('people', 'people.id', 'benefits.owner_person_id')
      .select(['people.name', 'people.job_title'])
      .where('benefits.title', '=', 'Fewer telephone contacts')
      .executeTakeFirstOrThrow()
    assert.deepEqual(owner, { name: 'Joanne Price', job_title: 'Customer Services Manager' })
  })

  it('attaches the March 2021 agenda pack to its meeting and the brief to ICT-03, each downloadable whole', async () => {
    const agent = await signIn(app, DEMO_EMAILS[0]!)
    const docs = await database.db
      .selectFrom('documents')
      .innerJoin('document_versions', 'document_versions.document_id', 'documents.id')
      .select([
        'documents.id',
        'documents.title',
        'documents.parent_type',
        'document_versions.sha256',
        'documents.created_at',
      ])
      .orderBy('documents.id')
      .execute()
    assert.deepEqual(
      docs.map((d) => [d.parent_type, d.title]),
      [
        ['meeting', 'Agenda pack'],
        ['project', 'Project brief'],
      ],
    )
    for (const d of docs) {
      // A weekday, as a council officer would have published it.
      assert.ok(![0, 6].includes(new Date(d.created_at).getUTCDay()), `${d.title} dated on a weekday`)
      const file = await app.inject({
        method: 'GET',
        url: `/documents/${d.id}/download`,
        headers: { cookie: (agent as unknown as { cookieHeader(): string }).cookieHeader() },
      })
      assert.equal(file.statusCode, 200)
      assert.equal(createHash('sha256').update(file.rawPayload).digest('hex'), d.sha256)
    }
  })
})
