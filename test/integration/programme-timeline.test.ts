import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { todayInLondon, formatDate } from '../../src/domain/dates.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

describe(`programme timeline (${dialectName()})`, () => {
  let t: TestApp
  let programmeId: number
  let sharedId: number
  before(async () => {
    t = await buildTestApp()
    const db = t.database.db
    const org = t.orgs.a
    const at = new Date().toISOString()
    const programme = await db
      .insertInto('programmes')
      .values({
        organisation_id: org.id,
        reference: 'TL-1',
        name: 'Coastal resilience',
        purpose: '',
        sro: '',
        portfolio_holder: '',
        start_date: null,
        end_date: null,
        status: 'active',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    programmeId = programme.id
    const project = async (reference: string, name: string, dates: Record<string, string | null>) =>
      (
        await db
          .insertInto('projects')
          .values({
            organisation_id: org.id,
            programme_id: programme.id,
            reference,
            name,
            description: '',
            project_manager: '',
            sponsor: '',
            stage: 'delivery',
            baseline_start: null,
            baseline_end: null,
            forecast_start: null,
            forecast_end: null,
            actual_start: null,
            actual_end: null,
            ...dates,
            created_at: at,
            updated_at: at,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id
    sharedId = await project('TL-SEA', 'Sea wall repairs', {
      baseline_start: '2025-04-01',
      baseline_end: '2026-09-30',
      forecast_start: '2025-04-01',
      forecast_end: '2027-01-29',
      actual_start: '2025-04-07',
    })
    const hiddenId = await project('TL-DUNE', 'Dune planting (internal)', {
      baseline_start: '2025-06-02',
      baseline_end: '2026-03-31',
    })
    const milestone = (projectId: number, name: string, d: Record<string, string | null>) =>
      db
        .insertInto('milestones')
        .values({
          organisation_id: org.id,
          project_id: projectId,
          name,
          description: '',
          baseline_date: null,
          forecast_date: null,
          actual_date: null,
          status: d.actual_date ? 'complete' : 'in_progress',
          is_key: 1,
          ...d,
          created_at: at,
          updated_at: at,
        })
        .execute()
    await milestone(sharedId, 'Contractor appointed', {
      baseline_date: '2025-05-30',
      actual_date: '2025-06-13',
    })
    await milestone(sharedId, 'Wall section A complete', {
      baseline_date: '2026-06-30',
      forecast_date: '2026-10-30',
    })
    await milestone(hiddenId, 'Planting season one', { baseline_date: '2025-11-28' })
    await t.share(sharedId, [await t.partner(org)])
  })
  after(() => t.close())

  const url = () => `/programmes/${programmeId}/timeline`

  it('is linked from the programme page', async () => {
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const page = await viewer.get(`/programmes/${programmeId}`)
    assert.ok(page.document.querySelector(`a[href="${url()}"]`), 'a link to the timeline')
  })

  it('draws projects and milestones on a time axis with baseline, forecast, actual and today, and gives the same data as a table', async () => {
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const page = await viewer.get(url())
    assert.equal(page.status, 200)
    assert.match(page.document.querySelector('title')!.textContent, /Timeline: Coastal resilience/)
    const svg = page.document.querySelector('svg.app-timeline')!
    assert.equal(svg.getAttribute('role'), 'img')
    const [titleId, descId] = svg.getAttribute('aria-labelledby')!.split(' ')
    assert.match(page.document.getElementById(titleId!)!.textContent, /Coastal resilience/)
    assert.match(page.document.getElementById(descId!)!.textContent, /2 projects and 3 milestones/)
    // Today's line, labelled in words (not colour alone), and a key naming each mark.
    const today = svg.querySelector('[data-today]')!
    assert.equal(today.getAttribute('data-today'), todayInLondon())
    assert.match(svg.textContent, new RegExp(`Today ${formatDate(todayInLondon())}`))
    assert.match(svg.textContent, /Baseline.*Forecast.*Actual/)
    assert.equal(svg.querySelectorAll('[data-bar="baseline"]').length, 2)
    assert.equal(svg.querySelectorAll('[data-bar="forecast"]').length, 1)
    assert.equal(
      svg.querySelectorAll('[data-bar="actual"]').length,
      1,
      'started, not finished: runs to today',
    )
    assert.equal(svg.querySelectorAll('[data-mark]').length, 5)
    // Every bar sits in the plot, right of the labels, and the sea wall's actual bar starts at 7 April 2025.
    const xs = [...svg.querySelectorAll('[data-bar]')].map((b) => Number(b.getAttribute('x')))
    assert.ok(
      xs.every((x) => Number.isFinite(x) && x >= 260),
      `bar x positions: ${xs.join(', ')}`,
    )

    const rows = [...page.document.querySelectorAll('table.app-timeline-table tbody tr')].map((tr) =>
      [...tr.querySelectorAll('th, td')].map((c) => c.textContent.replace(/\s+/g, ' ').trim()),
    )
    assert.deepEqual(rows[0], [
      'TL-DUNE Dune planting (internal)',
      'Project',
      '2 June 2025 to 31 March 2026',
      'Not set',
      'Not set',
    ])
    assert.deepEqual(rows[1], ['Planting season one', 'Milestone', '28 November 2025', 'Not set', 'Not set'])
    assert.deepEqual(rows[2], [
      'TL-SEA Sea wall repairs',
      'Project',
      '1 April 2025 to 30 September 2026',
      '1 April 2025 to 29 January 2027',
      'Started 7 April 2025',
    ])
    assert.deepEqual(rows[3], ['Contractor appointed', 'Milestone', '30 May 2025', 'Not set', '13 June 2025'])
    assert.deepEqual(rows[4], [
      'Wall section A complete',
      'Milestone',
      '30 June 2026',
      '30 October 2026',
      'Not set',
    ])
  })

  it('prints on A4 landscape', async () => {
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const page = await viewer.get(url())
    const link = page.document.querySelector('link[rel="stylesheet"][media="print"]')!
    const css = await t.app.inject({ method: 'GET', url: link.getAttribute('href')! })
    assert.equal(css.statusCode, 200)
    assert.match(css.body, /@page\s*\{\s*size:\s*A4 landscape/)
  })

  it('a partner officer sees only the projects shared with their partner', async () => {
    const officer = await t.signIn(t.orgs.a.users.partner_officer)
    const page = await officer.get(url())
    assert.equal(page.status, 200)
    assert.match(page.text, /Sea wall repairs/)
    assert.match(page.text, /Wall section A complete/)
    assert.doesNotMatch(page.body, /Dune planting|Planting season one/)
    assert.equal(page.document.querySelectorAll('table.app-timeline-table tbody tr').length, 3)
  })

  it('a programme with nothing dated says so instead of drawing an empty chart', async () => {
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const res = await t.api(admin, 'POST', '/api/v1/programmes', {
      reference: 'TL-2',
      name: 'Not yet planned',
    })
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const page = await viewer.get(`/programmes/${res.json<{ id: number }>().id}/timeline`)
    assert.equal(page.status, 200)
    assert.equal(page.document.querySelector('svg.app-timeline'), null)
    assert.match(
      page.text,
      /No project or milestone in this programme has dates yet, and it has no projects you can see/,
    )
  })

  it('the API gives the same timeline as dates, through the same visibility rule', async () => {
    const apiUrl = `/api/v1/programmes/${programmeId}/timeline`
    const viewer = await t.api(await t.tokenFor(t.orgs.a.users.viewer), 'GET', apiUrl)
    assert.equal(viewer.statusCode, 200, viewer.body)
    const body = viewer.json<{
      programme: { id: number; reference: string; name: string }
      today: string
      projects: Array<{
        reference: string
        baseline: { start: string | null; end: string | null }
        forecast: { start: string | null; end: string | null }
        actual: { start: string | null; end: string | null }
        milestones: Array<{
          id: number
          status: string
          name: string
          baselineDate: string | null
          forecastDate: string | null
          actualDate: string | null
        }>
      }>
    }>()
    assert.deepEqual(body.programme, { id: programmeId, reference: 'TL-1', name: 'Coastal resilience' })
    assert.equal(body.today, todayInLondon())
    assert.deepEqual(
      body.projects.map((p) => p.reference),
      ['TL-DUNE', 'TL-SEA'],
    )
    const sea = body.projects[1]!
    assert.deepEqual(sea.baseline, { start: '2025-04-01', end: '2026-09-30' })
    assert.deepEqual(sea.forecast, { start: '2025-04-01', end: '2027-01-29' })
    assert.deepEqual(sea.actual, { start: '2025-04-07', end: null })
    assert.deepEqual(sea.milestones[0], {
      id: sea.milestones[0]!.id,
      name: 'Contractor appointed',
      status: 'complete',
      baselineDate: '2025-05-30',
      forecastDate: null,
      actualDate: '2025-06-13',
    })
    const officer = await t.api(await t.tokenFor(t.orgs.a.users.partner_officer), 'GET', apiUrl)
    assert.equal(officer.statusCode, 200)
    assert.deepEqual(
      officer.json<typeof body>().projects.map((p) => p.reference),
      ['TL-SEA'],
    )
    assert.doesNotMatch(officer.body, /Dune planting|Planting season one/)
    const other = await t.api(await t.tokenFor(t.orgs.b.users.administrator), 'GET', apiUrl)
    assert.equal(other.statusCode, 404)
    assert.doesNotMatch(other.body, /Coastal resilience/)
  })

  it('another organisation finds no such programme', async () => {
    const other = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await other.get(url())).status, 404)
  })
})
