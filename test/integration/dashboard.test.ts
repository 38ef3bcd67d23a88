import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { addMonths, todayInLondon } from '../../src/domain/dates.ts'
import { currentPeriod, previousPeriod } from '../../src/domain/periods.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { putInStage } from '../helpers/projects.ts'

describe(`portfolio dashboard (${dialectName()})`, () => {
  let t: TestApp
  let token: string
  const period = currentPeriod()

  async function project(programmeId: number, reference: string, extra: Record<string, unknown> = {}) {
    // Projects in delivery are put there directly: through the service a new project must pass its gate first.
    const { stage = 'delivery', ...rest } = extra
    const res = await t.api(token, 'POST', '/api/v1/projects', {
      programmeId,
      reference,
      name: `Project ${reference}`,
      stage: stage === 'delivery' ? 'approved' : stage,
      ...rest,
    })
    assert.equal(res.statusCode, 201, res.body)
    const id = res.json<{ id: number }>().id
    if (stage === 'delivery') await putInStage(t, id, 'delivery')
    return id
  }

  async function report(projectId: number, rating: string, p = period) {
    const res = await t.api(token, 'POST', '/api/v1/status-reports', {
      projectId,
      period: p,
      rating,
      narrative: 'Update',
    })
    assert.equal(res.statusCode, 201, res.body)
  }

  before(async () => {
    t = await buildTestApp()
    token = await t.tokenFor(t.orgs.a.users.programme_manager)
    const prog = await t.api(token, 'POST', '/api/v1/programmes', {
      reference: 'DIG',
      name: 'Digital Programme',
    })
    const programmeId = prog.json<{ id: number }>().id
    const today = todayInLondon()
    const green = await project(programmeId, 'P-GREEN', { partnerIds: [await t.partner(t.orgs.a)] })
    await report(green, 'green')
    const red = await project(programmeId, 'P-RED')
    await report(red, 'red')
    const stale = await project(programmeId, 'P-STALE', {
      baselineStart: addMonths(today, -6),
      baselineEnd: addMonths(today, 1),
      forecastStart: addMonths(today, -6),
      forecastEnd: addMonths(today, 3),
    })
    await report(stale, 'amber', previousPeriod(period))
    await project(programmeId, 'P-CLOSED', { stage: 'cancelled' })
  })
  after(() => t.close())

  it('rolls up live projects by rating, with the chart’s figures in a table', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const page = await pm.get('/')
    assert.equal(page.status, 200)
    assert.match(page.text, /3 live projects/)
    const svg = page.document.querySelector('svg[role="img"]')
    assert.ok(svg, 'chart is an image with a role')
    assert.ok(svg.querySelector('title')?.textContent?.includes('delivery confidence'))
    const rows = [...page.document.querySelectorAll('#confidence ~ .govuk-grid-row table tbody tr')].map(
      (tr) => tr.textContent.replace(/\s+/g, ' ').trim(),
    )
    assert.deepEqual(rows, ['Green 1', 'Amber/Green 0', 'Amber 1', 'Amber/Red 0', 'Red 1', 'Not rated 0'])
  })

  it('lists projects needing attention with the reason, and the programme’s worst rating', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const page = await pm.get('/')
    assert.match(page.text, /P-RED Project P-RED .*Rated Red/)
    assert.match(page.text, /P-STALE Project P-STALE .*No status report for/)
    assert.match(page.text, /Finishing \d+ days after baseline/)
    assert.doesNotMatch(page.text, /P-GREEN Project P-GREEN Digital/)
    assert.match(page.text, /Digital Programme 3 Red 1 Green, 1 Amber, 1 Red 1/)
  })

  it('shows a new status report at once (the cached dashboard follows every change)', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    assert.match((await pm.get('/')).text, /1 without a report for/)
    const list = await t.api(token, 'GET', '/api/v1/projects?q=P-STALE')
    await report(list.json<{ items: Array<{ id: number }> }>().items[0]!.id, 'green')
    const page = await pm.get('/')
    assert.match(page.text, /0 without a report for/)
  })

  it('a partner officer sees only shared projects; another organisation sees none of it', async () => {
    const partner = await t.signIn(t.orgs.a.users.partner_officer)
    const page = await partner.get('/')
    assert.match(page.text, /1 live projects/)
    assert.doesNotMatch(page.text, /P-RED/)
    const foreign = await t.signIn(t.orgs.b.users.administrator)
    const theirs = await foreign.get('/')
    assert.match(theirs.text, /0 live projects/)
    assert.doesNotMatch(theirs.text, /Digital Programme/)
  })

  it('sends anonymous visitors to sign in', async () => {
    const page = await t.anonymous().get('/')
    assert.equal(page.status, 303)
    assert.match(page.location!, /^\/sign-in/)
  })
})
