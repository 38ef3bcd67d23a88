import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { sessionFor } from '../helpers/sessions.ts'
import { putInStage } from '../helpers/projects.ts'
import { startSmtp } from '../helpers/smtp.ts'
import { asScheduler } from '../helpers/tenant-scope.ts'

describe(`tolerances and exceptions (${dialectName()})`, () => {
  let t: TestApp
  let smtp: Awaited<ReturnType<typeof startSmtp>>
  let programmeId: number
  let projectId: number
  let exceptionId: number

  before(async () => {
    smtp = await startSmtp()
    t = await buildTestApp({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'oversight@alpha.test' })
    const a = t.orgs.a.users
    const token = await t.tokenFor(a.programme_manager)
    const prog = await t.api(token, 'POST', '/api/v1/programmes', {
      reference: 'TOL',
      name: 'Tolerance programme',
    })
    programmeId = prog.json<{ id: number }>().id
    const proj = await t.api(token, 'POST', '/api/v1/projects', {
      reference: 'TOL-1',
      name: 'Website',
      programmeId,
      projectManager: a.project_manager.name,
      stage: 'approved',
      baselineEnd: '2021-03-31',
      forecastEnd: '2021-04-10',
    })
    assert.equal(proj.statusCode, 201, proj.body)
    projectId = proj.json<{ id: number }>().id
    // A new project cannot be created in delivery (it has passed no gate); it is put there directly.
    await putInStage(t, projectId, 'delivery')
  })
  after(async () => {
    await t.close()
    await smtp.close()
  })

  it('a programme manager sets the time tolerance; bad figures get the error summary', async () => {
    const pm = await sessionFor(t, t.orgs.a.users.programme_manager)
    const form = await pm.get(`/programmes/${programmeId}/tolerances`)
    assert.equal(form.status, 200)
    const bad = await pm.post(`/programmes/${programmeId}/tolerances`, { version: '', timeDays: 'thirty' })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /There is a problem/)
    assert.match(bad.text, /Time tolerance must be a whole number/)
    // The refused save stops there: no "saved" message waits on the next page.
    assert.doesNotMatch((await pm.get(`/programmes/${programmeId}/tolerances`)).text, /Tolerances saved/)
    const ok = await pm.post(`/programmes/${programmeId}/tolerances`, {
      version: '',
      timeDays: '30',
      riskScore: '15',
    })
    assert.equal(ok.status, 303)
    const page = await pm.get(ok.location!)
    assert.match(page.text, /30 days beyond baseline/)
    assert.match(page.text, /Tolerances saved/)
    // Within tolerance (10 days late): nothing raised.
    const list = await t.api(await t.tokenFor(t.orgs.a.users.viewer), 'GET', '/api/v1/exceptions')
    assert.deepEqual(list.json<{ items: unknown[] }>().items, [])
  })

  it('a forecast beyond tolerance raises an exception at once, with the facts', async () => {
    const token = await t.tokenFor(t.orgs.a.users.project_manager)
    const p = await t.api(token, 'GET', `/api/v1/projects/${projectId}`)
    const upd = await t.api(token, 'PATCH', `/api/v1/projects/${projectId}`, {
      version: p.json<{ version: number }>().version,
      forecastEnd: '2021-06-30',
    })
    assert.equal(upd.statusCode, 200, upd.body)
    const list = await t.api(token, 'GET', '/api/v1/exceptions')
    const items = list.json<{
      items: Array<{
        id: number
        kind: string
        status: string
        facts: Array<{ label: string; value: string }>
      }>
    }>().items
    assert.equal(items.length, 1)
    assert.equal(items[0]!.kind, 'time')
    assert.equal(items[0]!.status, 'raised')
    const end = items[0]!.facts.find((f) => f.label === 'End date')
    assert.match(end!.value, /91 days beyond the baseline of 31 March 2021 \(forecast 30 June 2021\)/)
    exceptionId = items[0]!.id
  })

  it('tells the project manager, programme manager and Portfolio Holder, in the app and by email', async () => {
    const a = t.orgs.a.users
    for (const who of [a.project_manager, a.programme_manager, a.portfolio_holder]) {
      const agent = await sessionFor(t, who)
      const page = await agent.get('/notifications')
      assert.match(page.text, /Time tolerance exceeded: TOL-1 Website/, who.role)
      const header = page.document.querySelector('.govuk-header__navigation-list')?.textContent ?? ''
      assert.match(header.replace(/\s+/g, ' '), /Notifications \(1 unread\)/, who.role)
    }
    const viewer = await sessionFor(t, a.viewer)
    assert.match((await viewer.get('/notifications')).text, /You have no notifications/)

    await t.app.services.mailer.flush()
    const to = smtp.received.flatMap((m) => m.to).sort()
    assert.deepEqual(
      to,
      [a.portfolio_holder.email, a.programme_manager.email, a.project_manager.email].sort(),
    )
    for (const m of smtp.received) {
      assert.equal(m.to.length, 1, 'one message per person: no one sees who else was told')
      assert.match(m.raw, /^Subject: Time tolerance exceeded: TOL-1 Website/m)
      assert.match(m.raw, /^From: oversight@alpha\.test/m)
      assert.match(m.raw, /Content-Type: text\/plain/)
      assert.match(m.raw, /Content-Type: text\/html/)
      assert.match(m.raw, /91 days beyond the baseline/)
      assert.match(m.raw, new RegExp(`/exceptions/${exceptionId}`))
    }
    const outbox = await t.database.db.selectFrom('mail_outbox').select('status').execute()
    assert.deepEqual(new Set(outbox.map((o) => o.status)), new Set(['sent']))
  })

  it('opening the notification marks it read and goes to the exception', async () => {
    const pm = await sessionFor(t, t.orgs.a.users.project_manager)
    const list = await pm.get('/notifications')
    const href = list.document.querySelector('a[href^="/notifications/"]')!.getAttribute('href')!
    const open = await pm.get(href)
    assert.equal(open.status, 303)
    assert.equal(open.location, `/exceptions/${exceptionId}`)
    const page = await pm.get(open.location)
    assert.match(page.text, /Time exception/)
    assert.match(page.text, /Write the exception report/)
    assert.doesNotMatch(page.document.querySelector('header')!.textContent, /unread/)
  })

  it('the project manager writes the exception report; missing parts are named', async () => {
    const pm = await sessionFor(t, t.orgs.a.users.project_manager)
    const form = await pm.get(`/exceptions/${exceptionId}/report`)
    const version = form.document.querySelector('input[name="version"]')!.getAttribute('value')!
    const bad = await pm.post(`/exceptions/${exceptionId}/report`, {
      version,
      cause: 'Covid',
      impact: '',
      options: '',
      recommendation: '',
    })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Enter the impact on the project and programme/)
    assert.match(bad.text, /Enter the recommended option/)
    assert.doesNotMatch((await pm.get(`/exceptions/${exceptionId}`)).text, /Exception report saved/)
    const ok = await pm.post(`/exceptions/${exceptionId}/report`, {
      version,
      cause: 'Staff redeployed to the Covid response',
      impact: 'Website accessibility work three months late',
      options: '1. Accept delay. 2. Buy in resource.',
      recommendation: 'Accept the delay with an exception plan',
    })
    assert.equal(ok.status, 303)
    const page = await pm.get(ok.location!)
    assert.match(page.text, /Awaiting board decision/)
    assert.match(page.text, /Staff redeployed to the Covid response/)
  })

  it("the board's decision is recorded against the exception", async () => {
    const ph = await sessionFor(t, t.orgs.a.users.portfolio_holder)
    const form = await ph.get(`/exceptions/${exceptionId}/decision`)
    assert.equal(form.status, 200)
    const version = form.document.querySelector('input[name="version"]')!.getAttribute('value')!
    const bad = await ph.post(`/exceptions/${exceptionId}/decision`, { version, outcome: '', reasons: '' })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Select the board's decision/)
    assert.doesNotMatch((await ph.get(`/exceptions/${exceptionId}`)).text, /Decision recorded/)
    const ok = await ph.post(`/exceptions/${exceptionId}/decision`, {
      version,
      outcome: 'exception_plan_approved',
      reasons: 'The delay is due to the pandemic response',
      'decidedOn-day': '27',
      'decidedOn-month': '4',
      'decidedOn-year': '2021',
    })
    assert.equal(ok.status, 303, ok.text)
    const page = await ph.get(ok.location!)
    assert.match(page.text, /Decision recorded: Exception plan approved/)
    assert.match(page.text, /27 April 2021/)
    const e = await t.api(await t.tokenFor(t.orgs.a.users.viewer), 'GET', `/api/v1/exceptions/${exceptionId}`)
    const json = e.json<{ outcome: string; decisionId: number | null }>()
    assert.equal(json.outcome, 'exception_plan_approved')
    // The decision is in the decision log, published, linked to the exception.
    assert.ok(json.decisionId)
    const decision = await t.database.db
      .selectFrom('decisions')
      .selectAll()
      .where('id', '=', json.decisionId)
      .executeTakeFirstOrThrow()
    assert.equal(decision.kind, 'exception')
    assert.equal(decision.status, 'published')
    assert.equal(decision.decided_on, '2021-04-27')
    const links = await t.database.db
      .selectFrom('decision_links')
      .select(['record_type', 'record_id'])
      .where('decision_id', '=', json.decisionId)
      .execute()
    assert.ok(links.some((l) => l.record_type === 'exception' && l.record_id === exceptionId))
  })

  it('a breach that clears is recorded as cleared', async () => {
    const token = await t.tokenFor(t.orgs.a.users.project_manager)
    const p = await t.api(token, 'GET', `/api/v1/projects/${projectId}`)
    await t.api(token, 'PATCH', `/api/v1/projects/${projectId}`, {
      version: p.json<{ version: number }>().version,
      forecastEnd: '2021-04-15',
    })
    const e = await t.api(token, 'GET', `/api/v1/exceptions/${exceptionId}`)
    assert.ok(e.json<{ clearedAt: string | null }>().clearedAt)
    const agent = await sessionFor(t, t.orgs.a.users.viewer)
    assert.match((await agent.get(`/exceptions/${exceptionId}`)).text, /Breach cleared/)
    // Cleared through the one audited update: the event holds the exception as it was and as it is, so its
    // history (and a paper dated before the clearing) can show it open.
    const event = await t.database.db
      .selectFrom('audit_events')
      .select(['before_json', 'after_json'])
      .where('entity_type', '=', 'exception')
      .where('entity_id', '=', String(exceptionId))
      .where('action', '=', 'clear')
      .executeTakeFirstOrThrow()
    const was = JSON.parse(event.before_json ?? 'null') as {
      cleared_at: string | null
      version: number
    } | null
    const now = JSON.parse(event.after_json ?? 'null') as { cleared_at: string | null; version: number }
    assert.ok(was, 'the clearing records the exception as it was')
    assert.equal(was.cleared_at, null)
    assert.ok(now.cleared_at)
    assert.equal(now.version, was.version + 1)
  })

  it('a key milestone beyond tolerance raises; an unwritten report escalates after the working days', async () => {
    const token = await t.tokenFor(t.orgs.a.users.project_manager)
    const m = await t.api(token, 'POST', '/api/v1/milestones', {
      projectId,
      name: 'Accessibility audit',
      baselineDate: '2021-01-31',
      forecastDate: '2021-05-31',
      isKey: true,
    })
    assert.equal(m.statusCode, 201, m.body)
    const open = await t.api(token, 'GET', '/api/v1/exceptions?status=raised')
    const items = open.json<{ items: Array<{ id: number; facts: Array<{ label: string }> }> }>().items
    assert.equal(items.length, 1)
    assert.ok(items[0]!.facts.some((f) => f.label === 'Key milestone: Accessibility audit'))
    assert.equal(
      await asScheduler(() => t.app.services.tolerances.escalateOverdue('2000-01-01')),
      0,
      'not yet due',
    )
    assert.equal(await asScheduler(() => t.app.services.tolerances.escalateOverdue('2099-01-01')), 1)
    assert.equal(
      await asScheduler(() => t.app.services.tolerances.escalateOverdue('2099-01-01')),
      0,
      'escalated once',
    )
    const ph = await sessionFor(t, t.orgs.a.users.portfolio_holder)
    assert.match(
      (await ph.get('/notifications')).text,
      /Escalation: exception report overdue for TOL-1 Website/,
    )
  })

  it('another organisation cannot see or touch the exception', async () => {
    const b = await sessionFor(t, t.orgs.b.users.administrator)
    assert.equal((await b.get(`/exceptions/${exceptionId}`)).status, 404)
    const token = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(token, 'GET', `/api/v1/exceptions/${exceptionId}`)).statusCode, 404)
    assert.deepEqual((await t.api(token, 'GET', '/api/v1/exceptions')).json<{ items: unknown[] }>().items, [])
  })

  it('the API sets a programme tolerance and refuses a stale version', async () => {
    const token = await t.tokenFor(t.orgs.a.users.programme_manager)
    const got = await t.api(token, 'GET', `/api/v1/programmes/${programmeId}/tolerances`)
    const cur = got.json<{ version: number; timeDays: number }>()
    assert.equal(cur.timeDays, 30)
    const put = await t.api(token, 'PUT', `/api/v1/programmes/${programmeId}/tolerances`, {
      version: cur.version,
      timeDays: 200,
    })
    assert.equal(put.statusCode, 200, put.body)
    assert.equal(put.json<{ timeDays: number }>().timeDays, 200)
    const stale = await t.api(token, 'PUT', `/api/v1/programmes/${programmeId}/tolerances`, {
      version: cur.version,
      timeDays: 10,
    })
    assert.equal(stale.statusCode, 409)
    const bad = await t.api(token, 'PUT', `/api/v1/programmes/${programmeId}/tolerances`, {
      version: cur.version + 1,
      riskScore: 99,
    })
    assert.equal(bad.statusCode, 400)
    assert.ok(bad.json<{ fields: Record<string, string> }>().fields.riskScore)
  })

  it("tells the project manager through their person's account, whatever their role", async () => {
    const a = t.orgs.a.users
    const token = await t.tokenFor(a.programme_manager)
    // The finance officer manages this project: a person of the register linked to their account.
    const person = await t.api(await t.tokenFor(a.administrator), 'POST', '/api/v1/people', {
      name: 'Fran Manager',
      kind: 'employee',
      userId: a.finance_officer.id,
    })
    const proj = await t.api(token, 'POST', '/api/v1/projects', {
      reference: 'TOL-2',
      name: 'Payments',
      programmeId,
      projectManagerPersonId: person.json<{ id: number }>().id,
      stage: 'approved',
      baselineEnd: '2021-03-31',
      forecastEnd: '2021-04-10',
    })
    const id = proj.json<{ id: number }>().id
    await putInStage(t, id, 'delivery')
    const p = await t.api(token, 'GET', `/api/v1/projects/${id}`)
    const upd = await t.api(token, 'PATCH', `/api/v1/projects/${id}`, {
      version: p.json<{ version: number }>().version,
      forecastEnd: '2022-03-31',
    })
    assert.equal(upd.statusCode, 200, upd.body)
    const officer = await sessionFor(t, a.finance_officer)
    assert.match((await officer.get('/notifications')).text, /Time tolerance exceeded: TOL-2 Payments/)
  })
})
