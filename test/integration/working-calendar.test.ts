import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { addDays, todayInLondon } from '../../src/domain/dates.ts'
import { addWorkingDays, holidayPredicate, isWorkingDay } from '../../src/domain/working-days.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { putInStage } from '../helpers/projects.ts'
import { asScheduler } from '../helpers/tenant-scope.ts'

interface WorkingDaysJson {
  version: number
  region: string
  regionName: string
  closureDays: Array<{ date: string; reason: string }>
}

describe(`working days: bank-holiday region and closure days (${dialectName()})`, () => {
  let t: TestApp

  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  async function auditedChanges(entityType: string) {
    return t.database.db
      .selectFrom('audit_events')
      .select(['action', 'before_json', 'after_json'])
      .where('organisation_id', '=', t.orgs.a.id)
      .where('entity_type', '=', entityType)
      .orderBy('seq')
      .execute()
  }

  it('an administrator chooses Scotland on the settings page; the change is audited', async () => {
    const admin = await t.signIn(t.orgs.a.users.administrator)
    const settings = await admin.get('/settings')
    assert.ok(settings.document.querySelector('a[href="/settings/working-days"]'))
    const page = await admin.get('/settings/working-days')
    assert.equal(page.status, 200)
    assert.ok(
      page.document.querySelector('input[name="region"][value="GB-ENG"][checked]'),
      'England by default',
    )

    const bad = await admin.post('/settings/working-days', { version: '1', region: 'GB-XX' })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /There is a problem/)
    assert.match(bad.text, /Select whose bank holidays your offices close for/)

    const version = page.document.querySelector('input[name="version"]')!.getAttribute('value')!
    const ok = await admin.post('/settings/working-days', { version, region: 'GB-SCT' })
    assert.equal(ok.status, 303)
    const after = await admin.get('/settings/working-days')
    assert.ok(after.document.querySelector('input[name="region"][value="GB-SCT"][checked]'))
    assert.match(after.text, /Working days now skip the bank holidays of Scotland/)
    const stale = await admin.post('/settings/working-days', { version, region: 'GB-NIR' })
    assert.equal(stale.status, 409)
    const events = await auditedChanges('organisation')
    assert.deepEqual(events.map((e) => [e.before_json, e.after_json]).at(-1), [
      '{"holiday_region":"GB-ENG"}',
      '{"holiday_region":"GB-SCT"}',
    ])

    const viewer = await t.signIn(t.orgs.a.users.viewer)
    assert.equal((await viewer.get('/settings/working-days')).status, 403)
  })

  it('closure days are added and removed with a reason, audited; bad dates get the error summary', async () => {
    const admin = await t.signIn(t.orgs.a.users.administrator)
    await admin.get('/settings/working-days')
    const empty = await admin.post('/settings/working-days/closures', {
      'date-day': '31',
      'date-month': '2',
      'date-year': '2028',
      reason: '',
    })
    assert.equal(empty.status, 400)
    assert.match(empty.text, /There is a problem/)
    assert.match(empty.text, /Enter why the offices are closed/)
    assert.equal(empty.document.querySelector('input[name="date-day"]')?.getAttribute('value'), '31', 'kept')

    const day = {
      'date-day': '14',
      'date-month': '6',
      'date-year': '2028',
      reason: 'Town centre flood closure',
    }
    assert.equal((await admin.post('/settings/working-days/closures', day)).status, 303)
    const listed = await admin.get('/settings/working-days')
    assert.match(listed.text, /14 June 2028 Town centre flood closure/)
    const twice = await admin.post('/settings/working-days/closures', day)
    assert.equal(twice.status, 400)
    assert.match(twice.text, /That day is already a closure day/)

    assert.equal((await admin.post('/settings/working-days/closures/2028-06-14/delete', {})).status, 303)
    assert.match((await admin.get('/settings/working-days')).text, /No closure days/)
    const events = await auditedChanges('closure_day')
    assert.deepEqual(
      events.map((e) => e.action),
      ['create', 'delete'],
    )
    assert.equal(events[1]?.before_json, '{"day":"2028-06-14","reason":"Town centre flood closure"}')
  })

  it('the API reads and changes the region and closure days; bad input is a 400 naming the field', async () => {
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    const got = (await t.api(viewer, 'GET', '/api/v1/organisation/working-days')).json<WorkingDaysJson>()
    assert.equal(got.region, 'GB-SCT')
    assert.equal(got.regionName, 'Scotland')

    const bad = await t.api(admin, 'PATCH', '/api/v1/organisation/working-days', {
      version: got.version,
      region: 'GB-WLS',
    })
    assert.equal(bad.statusCode, 400)
    assert.ok(bad.json<{ fields: Record<string, string> }>().fields.region)
    const ni = await t.api(admin, 'PATCH', '/api/v1/organisation/working-days', {
      version: got.version,
      region: 'GB-NIR',
    })
    assert.equal(ni.statusCode, 200, ni.body)
    assert.equal(ni.json<WorkingDaysJson>().region, 'GB-NIR')

    const badDate = await t.api(admin, 'POST', '/api/v1/organisation/closure-days', {
      date: '2028-02-30',
      reason: 'x',
    })
    assert.equal(badDate.statusCode, 400)
    assert.deepEqual(Object.keys(badDate.json<{ fields: Record<string, string> }>().fields), ['date'])
    assert.equal(
      (await t.api(viewer, 'POST', '/api/v1/organisation/closure-days', { date: '2028-06-15', reason: 'x' }))
        .statusCode,
      403,
    )
    const added = await t.api(admin, 'POST', '/api/v1/organisation/closure-days', {
      date: '2028-06-15',
      reason: 'Extra royal holiday',
    })
    assert.equal(added.statusCode, 201)
    assert.deepEqual(
      (await t.api(viewer, 'GET', '/api/v1/organisation/working-days')).json<WorkingDaysJson>().closureDays,
      [{ date: '2028-06-15', reason: 'Extra royal holiday' }],
    )
    assert.equal(
      (await t.api(admin, 'DELETE', '/api/v1/organisation/closure-days/2028-06-15')).statusCode,
      204,
    )
    assert.equal(
      (await t.api(admin, 'DELETE', '/api/v1/organisation/closure-days/2028-06-15')).statusCode,
      404,
    )
    // The other organisation is untouched.
    const other = await t.tokenFor(t.orgs.b.users.viewer)
    assert.equal(
      (await t.api(other, 'GET', '/api/v1/organisation/working-days')).json<WorkingDaysJson>().region,
      'GB-ENG',
    )
  })

  it('an exception report’s due date skips the organisation’s closure days', async () => {
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const today = todayInLondon()
    // Close the offices on the next three working days.
    const closures: string[] = []
    for (let d = addDays(today, 1); closures.length < 3; d = addDays(d, 1))
      if (isWorkingDay(d, holidayPredicate('GB-NIR'))) closures.push(d)
    for (const date of closures)
      assert.equal(
        (await t.api(admin, 'POST', '/api/v1/organisation/closure-days', { date, reason: 'Office move' }))
          .statusCode,
        201,
      )
    const a = t.orgs.a.users
    const token = await t.tokenFor(a.programme_manager)
    const prog = await t.api(token, 'POST', '/api/v1/programmes', { reference: 'WD', name: 'Working days' })
    const programmeId = prog.json<{ id: number }>().id
    await t.api(token, 'PUT', `/api/v1/programmes/${programmeId}/tolerances`, { timeDays: 10 })
    const proj = await t.api(token, 'POST', '/api/v1/projects', {
      reference: 'WD-1',
      name: 'Late',
      programmeId,
      projectManager: a.project_manager.name,
      stage: 'approved',
      baselineEnd: '2021-03-31',
      forecastEnd: '2021-12-31',
    })
    const projectId = proj.json<{ id: number }>().id
    await putInStage(t, projectId, 'delivery')
    await asScheduler(() => t.app.services.tolerances.sweep())
    const exception = await t.database.db
      .selectFrom('tolerance_exceptions')
      .select(['report_due'])
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow()
    const withClosures = holidayPredicate('GB-NIR', closures)
    const reportDays = 5
    assert.equal(exception.report_due, addWorkingDays(today, reportDays, withClosures))
    assert.notEqual(exception.report_due, addWorkingDays(today, reportDays, holidayPredicate('GB-NIR')))
  })

  it('a scrutiny recommendation’s response is due on the organisation’s next working day', async () => {
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const { version } = (
      await t.api(admin, 'GET', '/api/v1/organisation/working-days')
    ).json<WorkingDaysJson>()
    assert.equal(
      (await t.api(admin, 'PATCH', '/api/v1/organisation/working-days', { version, region: 'GB-SCT' }))
        .statusCode,
      200,
    )
    const clerk = await t.tokenFor(t.orgs.a.users.scrutiny_member)
    const c = await t.api(clerk, 'POST', '/api/v1/committees', {
      name: 'Overview and Scrutiny',
      code: 'OSC',
      kind: 'scrutiny_panel',
      responseMonths: 2,
    })
    const committeeId = c.json<{ id: number }>().id
    async function recommend(meetingDate: string, reference: string): Promise<string> {
      const m = await t.api(clerk, 'POST', '/api/v1/meetings', {
        committeeId,
        meetingDate,
        startTime: '18:00',
        place: 'Chamber',
        status: 'held',
      })
      assert.equal(m.statusCode, 201, m.body)
      const meetingId = m.json<{ id: number }>().id
      const i = await t.api(clerk, 'POST', `/api/v1/meetings/${meetingId}/items`, {
        number: '1',
        title: 'Item',
      })
      const r = await t.api(clerk, 'POST', '/api/v1/recommendations', {
        agendaItemId: i.json<{ id: number }>().id,
        reference,
        kind: 'recommendation',
        text: 'Publish the plan',
        addressedTo: 'portfolio_holder',
        addresseeUserId: t.orgs.a.users.portfolio_holder.id,
      })
      assert.equal(r.statusCode, 201, r.body)
      return r.json<{ responseDueOn: string }>().responseDueOn
    }
    // Two months after 30 September 2028 is St Andrew's Day, a Scottish bank holiday.
    assert.equal(await recommend('2028-09-30', 'OSC/1'), '2028-12-01')
    await t.api(admin, 'POST', '/api/v1/organisation/closure-days', {
      date: '2028-12-01',
      reason: 'Office move',
    })
    assert.equal(
      await recommend('2028-09-30', 'OSC/2'),
      '2028-12-04',
      'and past the closure day, and the weekend',
    )
  })
})
