import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { addMonths, todayInLondon } from '../../src/domain/dates.ts'
import { buildTestApp, type Agent, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { wholeOrganisation } from '../../src/auth/visibility.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

const dateParts = (name: string, iso: string) => ({
  [`${name}-day`]: String(Number(iso.slice(8, 10))),
  [`${name}-month`]: String(Number(iso.slice(5, 7))),
  [`${name}-year`]: iso.slice(0, 4),
})
const idFrom = (location: string | undefined) => Number(/\/(\d+)(?:[#?].*)?$/.exec(location ?? '')?.[1])

describe(`scrutiny: committees, meetings and recommendations through the pages (${dialectName()})`, () => {
  let t: TestApp
  let clerk: Agent
  let committeeId: number
  let meetingId: number
  let itemId: number
  let recId: number
  before(async () => {
    t = await buildTestApp()
    clerk = await t.signIn(t.orgs.a.users.scrutiny_member)
  })
  after(() => t.close())

  it('a scrutiny member sets up a panel with a chair', async () => {
    await clerk.get('/committees/new')
    const bad = await clerk.post('/committees', { name: '', kind: 'scrutiny_panel', responseMonths: '0' })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Enter the committee’s name/)
    assert.match(bad.text, /Response time must be a whole number of months from 1 to 12/)
    const saved = await clerk.post('/committees', {
      name: 'Performance Monitoring Panel',
      code: 'PMP',
      kind: 'scrutiny_panel',
      description: 'Monitors the council’s performance',
      responseMonths: '2',
    })
    assert.equal(saved.status, 303)
    committeeId = idFrom(saved.location)
    const added = await clerk.post(`/committees/${committeeId}/members`, {
      userId: String(t.orgs.a.users.scrutiny_member.id),
      name: '',
      role: 'chair',
    })
    assert.equal(added.status, 303)
    const page = await clerk.get(`/committees/${committeeId}`)
    assert.match(page.text, /Performance Monitoring Panel/)
    assert.match(page.text, new RegExp(`${t.orgs.a.users.scrutiny_member.name} – Chair`))
    assert.match(page.text, /2 calendar months after the meeting/)
  })

  it('records a meeting, an agenda item, threaded points, a resolution and sanitised minutes', async () => {
    const m = await clerk.post(`/committees/${committeeId}/meetings`, {
      ...dateParts('meetingDate', '2021-03-18'),
      startTime: '18:30',
      place: 'Online (Microsoft Teams)',
      status: 'held',
    })
    assert.equal(m.status, 303, m.text)
    meetingId = idFrom(m.location)
    const i = await clerk.post(`/meetings/${meetingId}/items`, {
      number: '7',
      title: 'ICT and Digital Work Programme',
      purpose: 'To receive a progress report',
      reportsPresented: 'Progress report with Appendix A',
      presenters: 'Head of ICT and Digital',
      minutes:
        'Members discussed the programme.\n\n<script>alert(1)</script> [bad](javascript:alert(1)) [good](https://example.org)',
    })
    assert.equal(i.status, 303, i.text)
    itemId = idFrom(i.location)
    const c = await clerk.post(`/agenda-items/${itemId}/points`, {
      kind: 'comment',
      speakerName: 'Cllr Dunn',
      text: 'Comments from the panel had apparently not been influential',
    })
    assert.equal(c.status, 303)
    const page1 = await clerk.get(`/agenda-items/${itemId}`)
    const commentId = page1.document.querySelector('#parentId option:nth-child(2)')?.getAttribute('value')
    assert.ok(commentId)
    await clerk.post(`/agenda-items/${itemId}/points`, {
      kind: 'response',
      parentId: commentId,
      speakerName: 'Dev Patel',
      speakerRole: 'Head of ICT and Digital',
      text: 'The programme board will take the panel’s comments',
    })
    await clerk.post(`/agenda-items/${itemId}/resolutions`, {
      resolution: 'AGREED: that the report be noted',
    })
    const page = await clerk.get(`/agenda-items/${itemId}`)
    // The response is nested under the comment, as in the minute's bullets.
    const nested = page.document.querySelector('#points ~ ul li ul li')
    assert.match(nested?.textContent ?? '', /The programme board will take the panel’s comments/)
    assert.match(page.text, /AGREED: that the report be noted/)
    assert.ok(!page.body.includes('<script>alert(1)</script>'), 'raw HTML in minutes is escaped')
    assert.match(page.body, /&lt;script&gt;/)
    assert.ok(!page.body.includes('href="javascript:'), 'javascript links are dropped')
    assert.match(page.body, /href="https:\/\/example.org"/)
  })

  it('records a recommendation with the response due two months after the meeting', async () => {
    const form = await clerk.get(`/agenda-items/${itemId}/recommendations/new`)
    assert.equal(
      form.document.querySelector<HTMLInputElement>('#reference')?.getAttribute('value'),
      'PMP/2021/01',
    )
    const bad = await clerk.post(`/agenda-items/${itemId}/recommendations`, {
      reference: 'PMP/2021/01',
      kind: 'request',
      text: '',
    })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Enter the text of the recommendation/)
    assert.match(bad.text, /Select the person who must respond/)
    const saved = await clerk.post(`/agenda-items/${itemId}/recommendations`, {
      reference: 'PMP/2021/01',
      kind: 'request',
      text: 'A paper setting out what Digital means to the authority',
      addressedTo: 'portfolio_holder',
      addresseeUserId: String(t.orgs.a.users.portfolio_holder.id),
      leadOfficerUserId: String(t.orgs.a.users.programme_manager.id),
    })
    assert.equal(saved.status, 303, saved.text)
    recId = idFrom(saved.location)
    const page = await clerk.get(`/recommendations/${recId}`)
    assert.match(page.text, /Response due 18 May 2021/)
    // 18 May 2021 is long past: the status is derived, not stored.
    assert.match(page.text, /Response overdue/)
    const dup = await clerk.post(`/agenda-items/${itemId}/recommendations`, {
      reference: 'pmp/2021/01',
      kind: 'request',
      text: 'x',
      addressedTo: 'portfolio_holder',
      addresseeUserId: String(t.orgs.a.users.portfolio_holder.id),
    })
    assert.equal(dup.status, 400)
    assert.match(dup.text, /already exists/)
  })

  it('shows the Portfolio Holder what awaits them, and the dashboard the overdue response', async () => {
    const ph = await t.signIn(t.orgs.a.users.portfolio_holder)
    const awaiting = await ph.get('/scrutiny/awaiting-response')
    assert.match(awaiting.text, /PMP\/2021\/01/)
    assert.match(awaiting.text, /18 May 2021/)
    const dash = await ph.get('/scrutiny')
    assert.match(dash.text, /1 recommendation is awaiting your response/)
    const overdue = dash.document.querySelector('table:not(#monitor) tbody')?.textContent ?? ''
    assert.match(overdue, /PMP\/2021\/01/)
    const monitorRow = [...(dash.document.querySelectorAll('#monitor tbody td') ?? [])].map((c) =>
      c.textContent?.trim(),
    )
    // 2020/21: made 1, answered on time 0, accepted 0, implemented 0, overdue 1, no responses yet
    assert.deepEqual(monitorRow, ['2020/21', '1', '0', '0', '0', '1', 'No responses yet'])
  })

  it('refuses anyone but the addressee, lead officer or an administrator, with a clear page', async () => {
    const pjm = await t.signIn(t.orgs.a.users.project_manager)
    const page = await pjm.get(`/recommendations/${recId}/respond`)
    assert.equal(page.status, 403)
    assert.match(page.text, /Only the addressee can respond/)
    const post = await pjm.post(`/recommendations/${recId}/respond`, {
      response: 'accepted',
      ...dateParts('respondedOn', '2021-05-01'),
    })
    assert.equal(post.status, 403)
    const member = await clerk.get(`/recommendations/${recId}/respond`)
    assert.equal(member.status, 403, 'scrutiny members record but do not respond')
    const still = await clerk.get(`/recommendations/${recId}`)
    assert.match(still.text, /Not yet responded/)
  })

  it('the Portfolio Holder responds, adds an action and marks it implemented; the panel follows up', async () => {
    const ph = await t.signIn(t.orgs.a.users.portfolio_holder)
    const form = await ph.get(`/recommendations/${recId}/respond`)
    assert.equal(form.status, 200)
    const bad = await ph.post(`/recommendations/${recId}/respond`, {
      response: 'partly_accepted',
      reasons: '',
      ...dateParts('respondedOn', '2021-05-10'),
    })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Give the reasons/)
    const ok = await ph.post(`/recommendations/${recId}/respond`, {
      response: 'partly_accepted',
      reasons: 'The paper will follow the programme board',
      ...dateParts('respondedOn', '2021-05-10'),
    })
    assert.equal(ok.status, 303)
    let page = await ph.get(`/recommendations/${recId}`)
    assert.match(page.text, /Partly accepted on 10 May 2021 by/)
    assert.match(page.text, /Accepted – in progress/)

    const a = await ph.post(`/recommendations/${recId}/actions`, {
      text: 'Draft the six-point paper',
      ownerUserId: String(t.orgs.a.users.programme_manager.id),
      ...dateParts('dueOn', '2021-06-30'),
      status: 'in_progress',
    })
    assert.equal(a.status, 303, a.text)
    page = await ph.get(`/recommendations/${recId}`)
    assert.match(page.text, /Draft the six-point paper/)
    assert.match(page.text, /30 June 2021/)

    const noEvidence = await ph.post(`/recommendations/${recId}/status`, {
      status: 'implemented',
      evidence: '',
    })
    assert.equal(noEvidence.status, 400)
    assert.match(noEvidence.text, /Describe the evidence/)
    const done = await ph.post(`/recommendations/${recId}/status`, {
      status: 'implemented',
      evidence: 'Paper presented in July',
    })
    assert.equal(done.status, 303)

    // The next meeting takes it again.
    const next = await clerk.post(`/committees/${committeeId}/meetings`, {
      ...dateParts('meetingDate', '2021-07-15'),
      startTime: '18:30',
      place: 'Council Chamber',
      status: 'held',
    })
    const nextItem = await clerk.post(`/meetings/${idFrom(next.location)}/items`, {
      number: '5',
      title: 'Six-point paper',
      minutes: '',
    })
    const followUpItem = idFrom(nextItem.location)
    const early = await clerk.post(`/recommendations/${recId}/follow-up`, { followUpItemId: String(itemId) })
    assert.equal(early.status, 400)
    assert.match(early.text, /meeting after the one that made it/)
    const fu = await clerk.post(`/recommendations/${recId}/follow-up`, {
      followUpItemId: String(followUpItem),
    })
    assert.equal(fu.status, 303)
    page = await clerk.get(`/recommendations/${recId}`)
    assert.match(page.text, /Implemented/)
    assert.match(page.text, /Item 5: Six-point paper/)
    const item = await clerk.get(`/agenda-items/${followUpItem}`)
    assert.match(item.text, /Recommendations followed up at this item.*PMP\/2021\/01/)

    const dash = await clerk.get('/scrutiny')
    const monitorRow = [...dash.document.querySelectorAll('#monitor tbody td')].map((c) =>
      c.textContent?.trim(),
    )
    // answered on 10 May (due 18 May): on time; partly accepted counts as accepted; 53 days to respond
    assert.deepEqual(monitorRow, ['2020/21', '1', '1', '1', '1', '0', '53'])
    assert.match(dash.text, /No responses are overdue/)
  })

  it('the health check service lists overdue responses', async () => {
    const scope = wholeOrganisation(t.orgs.a.id)
    const s = t.app.services.scrutiny
    const actor = await inOrganisation(t.orgs.a.id, () =>
      t.app.services.auth.actorFor(t.orgs.a.users.scrutiny_member.id, t.orgs.a.id, 'session', null),
    )
    const rec = await inOrganisation(t.orgs.a, () =>
      s.recommendations.create(actor!, itemId, {
        reference: 'PMP/2021/09',
        kind: 'recommendation',
        text: 'Overdue one',
        addressedTo: 'executive',
        addresseeUserId: t.orgs.a.users.portfolio_holder.id,
        leadOfficerUserId: null,
      }),
    )
    const overdue = await inOrganisation(t.orgs.a, () => s.overdueResponses(scope, todayInLondon()))
    assert.deepEqual(overdue, [
      {
        recommendationId: rec.id,
        reference: 'PMP/2021/09',
        committee: 'Performance Monitoring Panel',
        dueOn: '2021-05-18',
        addressee: t.orgs.a.users.portfolio_holder.name,
      },
    ])
    assert.deepEqual(
      await inOrganisation(t.orgs.a, () => s.overdueResponses(scope, '2021-05-18')),
      [],
      'not overdue on the due date itself',
    )
    assert.deepEqual(
      await inOrganisation(t.orgs.b, () =>
        s.overdueResponses(wholeOrganisation(t.orgs.b.id), addMonths(todayInLondon(), 1)),
      ),
      [],
    )
  })
})
