import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { startSmtp } from '../helpers/smtp.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

interface Json {
  id: number
  version: number
}

// Issue 10's early warning: a role with no one allocated weeks before it is needed is a health finding, and
// the project and programme managers are told, by email through a real SMTP server, once per role.
describe(`the resourcing early warning (${dialectName()})`, () => {
  let t: TestApp
  let smtp: Awaited<ReturnType<typeof startSmtp>>
  let admin: string
  let unstaffed: Json
  const warnings = () => smtp.received.filter((m) => /^Subject: No one allocated/m.test(m.raw))

  before(async () => {
    smtp = await startSmtp()
    t = await buildTestApp({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'oversight@alpha.test' })
    const a = t.orgs.a.users
    admin = await t.tokenFor(a.administrator)
    const programme = (
      await t.api(admin, 'POST', '/api/v1/programmes', { reference: 'EW', name: 'Early warning' })
    ).json<Json>()
    // The project manager is a person of the register linked to their user account.
    const manager = (
      await t.api(admin, 'POST', '/api/v1/people', {
        name: 'Priya Manager',
        kind: 'employee',
        userId: a.project_manager.id,
      })
    ).json<Json>()
    const project = async (reference: string, forecastStart: string) =>
      (
        await t.api(admin, 'POST', '/api/v1/projects', {
          reference,
          name: `Project ${reference}`,
          programmeId: programme.id,
          projectManagerPersonId: manager.id,
          forecastStart,
        })
      ).json<Json>()
    const role = async (projectId: number, title: string, from: string) => {
      const r = await t.api(admin, 'POST', '/api/v1/project-roles', {
        projectId,
        title,
        months: [0, 1, 2].map((i) => ({
          period: `${from.slice(0, 5)}${String(Number(from.slice(5)) + i).padStart(2, '0')}`,
          fte: 1,
        })),
      })
      assert.equal(r.statusCode, 201, r.body)
      return r.json<Json>()
    }
    unstaffed = await project('EW-1', '2027-01-04')
    await role(unstaffed.id, 'Web developer', '2027-01')
    // Staffed: someone is allocated in every month it needs, so no one is told.
    const staffed = await project('EW-2', '2027-01-04')
    const staffedRole = await role(staffed.id, 'Content designer', '2027-01')
    const person = (
      await t.api(admin, 'POST', '/api/v1/people', { name: 'Sam Staffed', kind: 'employee' })
    ).json<Json>()
    const alloc = await t.api(admin, 'POST', '/api/v1/allocations', {
      roleId: staffedRole.id,
      personId: person.id,
      months: ['2027-01', '2027-02', '2027-03'].map((period) => ({ period, fte: 1 })),
    })
    assert.equal(alloc.statusCode, 201, alloc.body)
    // Far off: needed beyond the eight weeks the rule looks ahead.
    const later = await project('EW-3', '2027-09-01')
    await role(later.id, 'User researcher', '2027-09')
  })
  after(async () => {
    await t.close()
    await smtp.close()
  })

  it('tells the project manager and the programme manager by email and in Oversight', async () => {
    await t.app.scheduler.runDue(new Date('2026-11-26T08:00:00Z'))
    await t.app.services.mailer.flush()
    const mails = warnings()
    assert.deepEqual(
      mails.flatMap((m) => m.to).sort(),
      [t.orgs.a.users.programme_manager.email, t.orgs.a.users.project_manager.email].sort(),
      'one email each, only about the unstaffed role',
    )
    assert.match(mails[0]!.raw, /EW-1: Web developer/)
    assert.match(mails[0]!.raw, new RegExp(`/projects/${unstaffed.id}/roles`))
    const inbox = await t.api(
      await t.tokenFor(t.orgs.a.users.project_manager),
      'GET',
      '/api/v1/notifications',
    )
    const items = inbox.json<{ items: Array<{ kind: string; title: string; url: string }> }>().items
    assert.deepEqual(
      items.filter((i) => i.kind === 'early-warning').map((i) => [i.title, i.url]),
      [[`No one allocated: EW-1: Web developer`, `/projects/${unstaffed.id}/roles`]],
    )
    const viewer = await t.api(await t.tokenFor(t.orgs.a.users.viewer), 'GET', '/api/v1/notifications')
    assert.equal(viewer.json<{ items: unknown[] }>().items.length, 0, 'a viewer is not told')
    const other = await t.api(
      await t.tokenFor(t.orgs.b.users.programme_manager),
      'GET',
      '/api/v1/notifications',
    )
    assert.equal(other.json<{ items: unknown[] }>().items.length, 0, 'nor another organisation')
  })

  it('tells them once per role, not every day the health check finds it again', async () => {
    await t.app.scheduler.runDue(new Date('2026-11-27T08:00:00Z'))
    await t.app.scheduler.runDue(new Date('2026-11-30T08:00:00Z'))
    await t.app.services.mailer.flush()
    assert.equal(warnings().length, 2)
    const health = await inOrganisation(t.orgs.a, () =>
      t.app.services.governance.findingsOf(
        t.orgs.a.id,
        'role-unallocated-before-start',
        new Date('2026-11-30T08:00:00Z'),
      ),
    )
    assert.deepEqual(
      health.map((f) => f.title),
      ['EW-1: Web developer'],
      'the finding stays on the health check while the role is unallocated',
    )
  })

  it('looks as far ahead as the organisation set the rule', async () => {
    const admin = await t.signIn(t.orgs.a.users.administrator)
    const saved = await admin.post('/governance/rules', {
      'enabled-role-unallocated-before-start': 'on',
      'threshold-role-unallocated-before-start': '52',
    })
    assert.equal(saved.status, 303, saved.text)
    await t.app.scheduler.runDue(new Date('2026-12-01T08:00:00Z'))
    await t.app.services.mailer.flush()
    assert.deepEqual(
      warnings()
        .slice(2)
        .map((m) => /EW-\d: [A-Za-z ]+/.exec(m.raw)?.[0]),
      ['EW-3: User researcher', 'EW-3: User researcher'],
    )
  })
})
