import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type Agent, type Page, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

// Issue 9: every page form that edits a versioned record answers a stale version with the one conflict page
// (src/views/conflict.njk through renderConflict): both versions side by side, nothing overwritten, and a
// deliberate "Replace the saved version with mine" that carries the saved version number.

/** The fields a browser would post from the form whose action is `action`, as the page shows them. */
function formFields(page: Page, action: string, having = 'version'): Record<string, string> {
  const form = [...page.document.querySelectorAll('form')].find(
    (f) => f.getAttribute('action') === action && f.querySelector(`[name="${having}"]`),
  )
  assert.ok(form, `a form posting to ${action}`)
  const out: Record<string, string> = {}
  for (const el of form.querySelectorAll('input, select, textarea')) {
    const name = el.getAttribute('name')
    if (!name || name === '_csrf') continue
    const tag = el.tagName.toLowerCase()
    const type = el.getAttribute('type') ?? ''
    if ((type === 'radio' || type === 'checkbox') && !el.hasAttribute('checked')) continue
    if (tag === 'select') {
      const chosen = el.querySelector('option[selected]') ?? el.querySelector('option')
      out[name] = chosen?.getAttribute('value') ?? ''
    } else if (tag === 'textarea') out[name] = el.textContent ?? ''
    else out[name] = el.getAttribute('value') ?? ''
  }
  return out
}

/**
 * Two people open the same form; the first saves, the second saves from the same (now stale) version. The
 * second is shown the conflict page (409) and nothing of theirs is stored; choosing their version then saves
 * it deliberately.
 */
async function twoEditsFromOneVersion(
  agent: Agent,
  opts: {
    formUrl: string
    action: string
    first: Record<string, string>
    second: Record<string, string>
    /** What the record shows after the first save, and must still show after the refused second. */
    shows:
      | { url: string; first: RegExp; second: RegExp }
      | { read: () => Promise<string>; first: RegExp; second: RegExp }
  },
): Promise<void> {
  const page = await agent.get(opts.formUrl)
  assert.equal(page.status, 200)
  const fields = formFields(page, opts.action)
  assert.ok(fields.version, 'the form carries the version it was read at')
  const first = await agent.post(opts.action, { ...fields, ...opts.first })
  assert.equal(first.status, 303, first.text)
  const second = await agent.post(opts.action, { ...fields, ...opts.second })
  assert.equal(second.status, 409, second.text)
  assert.match(second.text, /This was changed by someone else/)
  assert.match(second.text, /Your version and the saved version/)
  const mine = second.document.querySelector('main form button')
  assert.match(mine?.textContent ?? '', /Replace the saved version with mine/)
  const resubmit = formFields(second, opts.action)
  assert.equal(Number(resubmit.version), Number(fields.version) + 1, 'offers the saved version')
  const shows = opts.shows
  const read = 'read' in shows ? shows.read : async () => (await agent.get(shows.url)).text
  const kept = await read()
  assert.match(kept, shows.first, 'the first save stands')
  assert.doesNotMatch(kept, shows.second, 'the stale save wrote nothing')
  const replaced = await agent.post(opts.action, resubmit)
  assert.equal(replaced.status, 303, replaced.text)
  assert.match(await read(), shows.second, 'choosing mine saves it')
}

describe(`The conflict page for every form that edits (${dialectName()})`, () => {
  let t: TestApp
  let token: string
  let pm: Agent
  let programmeId: number
  let projectId: number

  before(async () => {
    t = await buildTestApp()
    token = await t.tokenFor(t.orgs.a.users.administrator)
    pm = await t.signIn(t.orgs.a.users.administrator)
    programmeId = (
      await t.api(token, 'POST', '/api/v1/programmes', { reference: 'ICT', name: 'ICT and Digital' })
    ).json<{ id: number }>().id
    projectId = (
      await t.api(token, 'POST', '/api/v1/projects', { programmeId, reference: 'ICT-01', name: 'Network' })
    ).json<{ id: number }>().id
  })
  after(() => t.close())

  it('RAID: a risk edited twice from one version, an issue closed twice, an action marked done twice', async () => {
    const risk = await t.api(token, 'POST', '/api/v1/risks', {
      projectId,
      title: 'Supplier failure',
      event: 'The supplier goes out of business',
      category: 'commercial',
      likelihood: 2,
      impact: 3,
    })
    assert.equal(risk.statusCode, 201, risk.body)
    const riskId = risk.json<{ id: number }>().id
    await twoEditsFromOneVersion(pm, {
      formUrl: `/risks/${riskId}/edit`,
      action: `/risks/${riskId}/edit`,
      first: { owner: 'Head of ICT' },
      second: { owner: 'Finance manager' },
      shows: { url: `/risks/${riskId}`, first: /Head of ICT/, second: /Finance manager/ },
    })

    const issue = await t.api(token, 'POST', '/api/v1/issues', {
      projectId,
      title: 'Flood',
      priority: 'high',
    })
    const issueId = issue.json<{ id: number }>().id
    const shown = await pm.get(`/issues/${issueId}`)
    const close = formFields(shown, `/issues/${issueId}/status`)
    assert.equal((await pm.post(`/issues/${issueId}/status`, close)).status, 303)
    const again = await pm.post(`/issues/${issueId}/status`, close)
    assert.equal(again.status, 409, again.text)
    assert.match(again.text, /This was changed by someone else/)
    assert.equal(formFields(again, `/issues/${issueId}/status`).version, String(Number(close.version) + 1))

    const action = await pm.post(`/risks/${riskId}/actions`, {
      action: 'Find a second supplier',
      actionOwner: 'Head of ICT',
    })
    assert.equal(action.status, 303, action.text)
    const withAction = await pm.get(`/risks/${riskId}`)
    const done = formFields(withAction, `/risks/${riskId}/actions`, 'done')
    assert.ok(done.done, 'a mark-as-done form')
    assert.equal((await pm.post(`/risks/${riskId}/actions`, done)).status, 303)
    const twice = await pm.post(`/risks/${riskId}/actions`, done)
    assert.equal(twice.status, 409, twice.text)
    assert.match(twice.text, /This was changed by someone else/)
  })

  it('scrutiny: a committee, a meeting and an agenda item each edited twice from one version', async () => {
    const idFrom = (location: string | undefined) => Number(/\/(\d+)$/.exec(location ?? '')?.[1])
    const committee = await pm.post('/committees', {
      name: 'Performance Panel',
      code: 'PP',
      kind: 'scrutiny_panel',
      description: 'Monitors performance',
      responseMonths: '2',
    })
    assert.equal(committee.status, 303, committee.text)
    const committeeId = idFrom(committee.location)
    await twoEditsFromOneVersion(pm, {
      formUrl: `/committees/${committeeId}/edit`,
      action: `/committees/${committeeId}/edit`,
      first: { description: 'Monitors the council’s performance' },
      second: { description: 'Looks at budgets only' },
      shows: {
        url: `/committees/${committeeId}`,
        first: /Monitors the council’s performance/,
        second: /Looks at budgets only/,
      },
    })

    const meeting = await pm.post(`/committees/${committeeId}/meetings`, {
      'meetingDate-day': '18',
      'meetingDate-month': '3',
      'meetingDate-year': '2021',
      startTime: '18:30',
      place: 'Council Chamber',
      status: 'held',
    })
    assert.equal(meeting.status, 303, meeting.text)
    const meetingId = idFrom(meeting.location)
    await twoEditsFromOneVersion(pm, {
      formUrl: `/meetings/${meetingId}/edit`,
      action: `/meetings/${meetingId}/edit`,
      first: { place: 'Online (Microsoft Teams)' },
      second: { place: 'Committee Room 2' },
      shows: {
        url: `/meetings/${meetingId}`,
        first: /Online \(Microsoft Teams\)/,
        second: /Committee Room 2/,
      },
    })

    const item = await pm.post(`/meetings/${meetingId}/items`, {
      number: '7',
      title: 'ICT Work Programme',
      purpose: 'To receive a progress report',
      reportsPresented: '',
      presenters: '',
      minutes: '',
    })
    assert.equal(item.status, 303, item.text)
    const itemId = idFrom(item.location)
    await twoEditsFromOneVersion(pm, {
      formUrl: `/agenda-items/${itemId}/edit`,
      action: `/agenda-items/${itemId}/edit`,
      first: { presenters: 'Head of ICT' },
      second: { presenters: 'Chief Executive' },
      shows: { url: `/agenda-items/${itemId}`, first: /Head of ICT/, second: /Chief Executive/ },
    })
  })

  it('scrutiny: a recommendation answered twice from one version', async () => {
    const idFrom = (location: string | undefined) => Number(/\/(\d+)$/.exec(location ?? '')?.[1])
    const committee = await pm.post('/committees', {
      name: 'Audit Panel',
      code: 'AUD',
      kind: 'scrutiny_panel',
      description: '',
      responseMonths: '2',
    })
    const meeting = await pm.post(`${committee.location ?? ''}/meetings`, {
      'meetingDate-day': '18',
      'meetingDate-month': '3',
      'meetingDate-year': '2021',
      startTime: '',
      place: 'Council Chamber',
      status: 'held',
    })
    const item = await pm.post(`${meeting.location ?? ''}/items`, {
      number: '3',
      title: 'Audit',
      purpose: '',
      reportsPresented: '',
      presenters: '',
      minutes: '',
    })
    const rec = await pm.post(`/agenda-items/${idFrom(item.location)}/recommendations`, {
      reference: 'AUD/2021/01',
      kind: 'request',
      text: 'A paper on audit',
      addressedTo: 'portfolio_holder',
      addresseeUserId: String(t.orgs.a.users.administrator.id),
      leadOfficerUserId: '',
    })
    assert.equal(rec.status, 303, rec.text)
    const url = `/recommendations/${idFrom(rec.location)}`
    const fields = formFields(await pm.get(`${url}/respond`), `${url}/respond`)
    const answer = {
      ...fields,
      response: 'accepted',
      reasons: 'Agreed',
      'respondedOn-day': '1',
      'respondedOn-month': '4',
      'respondedOn-year': '2021',
    }
    assert.equal((await pm.post(`${url}/respond`, answer)).status, 303)
    const stale = await pm.post(`${url}/respond`, { ...answer, response: 'rejected', reasons: 'No' })
    assert.equal(stale.status, 409, stale.text)
    assert.match(stale.text, /This was changed by someone else/)
    assert.match(stale.text, /Rejected/)
    assert.doesNotMatch((await pm.get(url)).text, /Rejected/, 'the stale answer wrote nothing')
  })

  it('tolerances: the programme’s tolerances and an exception report each saved twice from one version', async () => {
    const url = `/programmes/${programmeId}/tolerances`
    const set = await pm.post(url, { ...formFields(await pm.get(url), url, 'timeDays'), timeDays: '20' })
    assert.equal(set.status, 303, set.text)
    await twoEditsFromOneVersion(pm, {
      formUrl: `/programmes/${programmeId}/tolerances`,
      action: `/programmes/${programmeId}/tolerances`,
      first: { timeDays: '30' },
      second: { timeDays: '45' },
      shows: {
        url: `/programmes/${programmeId}/tolerances`,
        first: /30 days beyond baseline/,
        second: /45 days beyond baseline/,
      },
    })

    const raised = await pm.post(`/projects/${projectId}/exceptions`, {
      kind: 'scope',
      summary: 'The data migration is out of scope',
    })
    assert.equal(raised.status, 303, raised.text)
    const exceptionUrl = raised.location ?? ''
    await twoEditsFromOneVersion(pm, {
      formUrl: `${exceptionUrl}/report`,
      action: `${exceptionUrl}/report`,
      first: {
        cause: 'The supplier left out the archive',
        impact: 'Two more months',
        options: 'Extend or descope',
        recommendation: 'Extend',
      },
      second: {
        cause: 'The archive was never asked for',
        impact: 'Two more months',
        options: 'Extend or descope',
        recommendation: 'Descope',
      },
      shows: {
        url: exceptionUrl,
        first: /The supplier left out the archive/,
        second: /The archive was never asked for/,
      },
    })
  })

  it('organisation settings: the rating scale and the working days each saved twice from one version', async () => {
    const org = async () =>
      JSON.stringify(
        await t.database.db
          .selectFrom('organisations')
          .select(['rating_scale', 'holiday_region'])
          .where('id', '=', t.orgs.a.id)
          .executeTakeFirstOrThrow(),
      )
    await twoEditsFromOneVersion(pm, {
      formUrl: '/settings',
      action: '/settings',
      first: { ratingScale: 'rag3' },
      second: { ratingScale: 'ipa5' },
      shows: { read: org, first: /"rating_scale":"rag3"/, second: /"rating_scale":"ipa5"/ },
    })
    await twoEditsFromOneVersion(pm, {
      formUrl: '/settings/working-days',
      action: '/settings/working-days',
      first: { region: 'GB-SCT' },
      second: { region: 'GB-NIR' },
      shows: { read: org, first: /"holiday_region":"GB-SCT"/, second: /"holiday_region":"GB-NIR"/ },
    })
  })

  it('the lifecycle: the escalation threshold saved twice, a gate moved twice, from one version', async () => {
    await twoEditsFromOneVersion(pm, {
      formUrl: '/governance/lifecycle',
      action: '/governance/lifecycle/threshold',
      first: { riskEscalationThreshold: '12' },
      second: { riskEscalationThreshold: '20' },
      shows: {
        read: async () =>
          String(
            (
              await t.database.db
                .selectFrom('organisations')
                .select('risk_escalation_threshold')
                .where('id', '=', t.orgs.a.id)
                .executeTakeFirstOrThrow()
            ).risk_escalation_threshold,
          ),
        first: /^12$/,
        second: /^20$/,
      },
    })

    const page = await pm.get('/governance/lifecycle')
    const move = [...page.document.querySelectorAll('form')]
      .map((f) => f.getAttribute('action') ?? '')
      .find((a) => a.endsWith('/move'))
    assert.ok(move, 'a gate that can move')
    const fields = formFields(page, move)
    assert.equal((await pm.post(move, fields)).status, 303)
    const stale = await pm.post(move, fields)
    assert.equal(stale.status, 409, stale.text)
    assert.match(stale.text, /This was changed by someone else/)
    assert.equal(formFields(stale, move).version, String(Number(fields.version) + 1))
  })
})
