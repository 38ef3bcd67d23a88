import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type Agent, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { multipartBody } from '../helpers/multipart.ts'

interface ImportJson {
  id: number
  status: string
  failureReason: string
  organisations: Array<{ name: string; rows: number }>
  rowsRead: number
  rowsGood: number
  rowsBad: number
  rowsOther: number
  rowsAdded: number
  problems: Array<{ line: number; reason: string }>
}

// Issue 11: indicator values imported from a file through the one import pipeline, including a published
// benchmarking file in long form (one row per organisation, indicator and period), where the person importing
// chooses whose rows are theirs; bad rows are reported by line, and nothing is written unless they choose to
// add the good rows.
describe(`importing indicator values (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let web: number
  let phone: number

  const upload = (token: string, csv: string, query = '') =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/indicator-imports?fileName=channels.csv${query}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', accept: 'application/json' },
      payload: csv,
    })
  const valuesOf = async (indicatorId: number) =>
    (
      await t.database.db
        .selectFrom('indicator_values')
        .select(['period', 'value', 'note'])
        .where('indicator_id', '=', indicatorId)
        .orderBy('period')
        .execute()
    ).map((v) => `${v.period}=${Number(v.value)}${v.note ? ` ${v.note}` : ''}`)

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    const define = async (name: string) => {
      const res = await t.api(admin, 'POST', '/api/v1/indicators', {
        name,
        unit: 'count',
        polarity: 'higher',
        frequency: 'monthly',
        groupName: 'Channel shift',
      })
      assert.equal(res.statusCode, 201, res.body)
      return res.json<{ id: number }>().id
    }
    web = await define('Contacts by web')
    phone = await define('Contacts by telephone')
  })
  after(() => t.close())

  const LONG = [
    'Area name,Indicator,Time period,Value,Notes',
    'Marshland District Council,Contacts by web,April 2025,"1,200",',
    'Fenland District Council,Contacts by web,April 2025,900,',
    'Marshland District Council,Contacts by web,May 2025,1300,',
    'Marshland District Council,Contacts by telephone,2025-04,4000,From the switchboard',
    'Marshland District Council,Contacts by telephone,Q1 2025/26,4000,',
    'Marshland District Council,Contacts by fax,2025-04,3,',
    'Fenland District Council,Contacts by telephone,2025-04,800,',
    'Marshland District Council,Contacts by web,May 2025,1350,',
    '',
  ].join('\n')

  it('asks whose rows are ours in a long file, reports bad rows by line, and adds nothing until told to add the good ones', async () => {
    const first = await upload(admin, LONG)
    assert.equal(first.statusCode, 201, first.body)
    const checked = first.json<ImportJson>()
    assert.equal(checked.status, 'failed')
    assert.match(checked.failureReason, /choose whose rows are yours/)
    assert.deepEqual(
      checked.organisations.map((o) => `${o.name}: ${o.rows}`),
      ['Marshland District Council: 6', 'Fenland District Council: 2'],
    )

    const chosen = await t.api(admin, 'POST', `/api/v1/indicator-imports/${checked.id}/organisation`, {
      organisation: 'Marshland District Council',
    })
    assert.equal(chosen.statusCode, 200, chosen.body)
    const again = chosen.json<ImportJson>()
    assert.equal(again.status, 'validated')
    assert.equal(again.rowsOther, 2)
    assert.equal(again.rowsGood, 3)
    assert.deepEqual(
      again.problems.map((p) => `${p.line}: ${p.reason}`),
      [
        '6: Period "Q1 2025/26": This indicator is measured monthly: enter a period like April 2025 or 2025-04',
        '7: No indicator is called "Contacts by fax"',
        "9: This indicator's value for 2025-05 is given twice in the file",
      ],
    )

    const refused = await t.api(admin, 'POST', `/api/v1/indicator-imports/${checked.id}/commit`, {})
    assert.equal(refused.statusCode, 409, refused.body)
    assert.match(refused.json<{ message: string }>().message, /3 rows have problems, so nothing was added/)
    assert.deepEqual(await valuesOf(web), [])

    const added = await t.api(admin, 'POST', `/api/v1/indicator-imports/${checked.id}/commit`, {
      goodOnly: true,
    })
    assert.equal(added.statusCode, 200, added.body)
    assert.equal(added.json<ImportJson>().rowsAdded, 3)
    assert.deepEqual(await valuesOf(web), ['2025-04=1200', '2025-05=1300'])
    assert.deepEqual(await valuesOf(phone), ['2025-04=4000 From the switchboard'])
  })

  it('refuses a value that differs from the one held, and a file that is not one of values', async () => {
    const res = await upload(
      admin,
      'Indicator,Period,Value\nContacts by web,April 2025,1250\nContacts by web,June 2025,1400\n',
    )
    const imp = res.json<ImportJson>()
    assert.equal(imp.status, 'validated')
    assert.deepEqual(
      imp.problems.map((p) => `${p.line}: ${p.reason}`),
      ["2: A different value for 2025-04 is already recorded: correct it on the indicator's page"],
    )
    const notValues = (await upload(admin, 'Supplier,Amount\nWebworks,12.50\n')).json<ImportJson>()
    assert.equal(notValues.status, 'failed')
    assert.match(notValues.failureReason, /no headings for the period and the value/)
  })

  it("shows a running check's progress on the import's page, which refreshes itself until it ends", async () => {
    const imp = (
      await upload(admin, 'Indicator,Period,Value\nContacts by web,July 2025,1500\n')
    ).json<ImportJson>()
    // A check under way on some instance: its live lease and the progress it writes are all a page sees.
    await t.database.db
      .updateTable('indicator_imports')
      .set({
        status: 'validating',
        lease_owner: 'another instance',
        lease_expires_at: new Date(Date.now() + 60_000).toISOString(),
        progress_bytes: 20,
        rows_done: 1,
      })
      .where('id', '=', imp.id)
      .execute()
    const agent = await t.signIn(t.orgs.a.users.administrator)
    const page = await agent.get(`/indicators/imports/${imp.id}`)
    assert.equal(page.status, 200)
    assert.match(page.body, /<meta http-equiv="refresh" content="2">/)
    assert.match(page.text, /Checking the file/)
    const size = (
      await t.database.db
        .selectFrom('indicator_imports')
        .select('file_size')
        .where('id', '=', imp.id)
        .executeTakeFirstOrThrow()
    ).file_size
    assert.match(page.text, new RegExp(`${Math.floor((20 / size) * 100)}% done \\(1 rows read\\)`))

    // Its lease lapsed (the instance died): the page says so, and stops refreshing.
    await t.database.db
      .updateTable('indicator_imports')
      .set({ lease_expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', imp.id)
      .execute()
    const after = await agent.get(`/indicators/imports/${imp.id}`)
    assert.doesNotMatch(after.body, /http-equiv="refresh"/)
    assert.match(after.text, /Checking the file stopped before it finished/)
  })

  it('reads a file for one chosen indicator through the page, and keeps other roles and organisations out', async () => {
    const agent: Agent = await t.signIn(t.orgs.a.users.finance_officer)
    await agent.get('/indicators/imports/new')
    const { payload, contentType } = multipartBody(
      [
        ['_csrf', agent.csrf],
        ['indicatorId', String(phone)],
      ],
      {
        name: 'file',
        fileName: 'phone.csv',
        content: 'Month,Figure\nMay 2025,3900\nJune 2025,3800\n',
        type: 'text/csv',
      },
    )
    const posted = await t.app.inject({
      method: 'POST',
      url: '/indicators/imports',
      headers: {
        cookie: (agent as unknown as { cookieHeader(): string }).cookieHeader(),
        'content-type': contentType,
        accept: 'text/html',
      },
      payload,
    })
    assert.equal(posted.statusCode, 303, posted.body)
    const page = await agent.get(posted.headers.location as string)
    assert.match(page.text, /Rows that can be added 2 Rows with problems 0/)
    const committed = await agent.post(`${posted.headers.location as string}/commit`, {})
    assert.equal(committed.status, 303, committed.text)
    assert.deepEqual(await valuesOf(phone), [
      '2025-04=4000 From the switchboard',
      '2025-05=3900',
      '2025-06=3800',
    ])

    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    assert.equal((await upload(viewer, 'Indicator,Period,Value\n')).statusCode, 403)
    const b = await t.tokenFor(t.orgs.b.users.administrator)
    const mine = (await t.api(admin, 'GET', '/api/v1/indicator-imports')).json<{ items: ImportJson[] }>()
      .items
    assert.equal((await t.api(b, 'GET', `/api/v1/indicator-imports/${mine[0]!.id}`)).statusCode, 404)
    assert.equal(
      (await t.api(b, 'POST', `/api/v1/indicator-imports/${mine[0]!.id}/commit`, {})).statusCode,
      404,
    )
    // Another organisation's file cannot name our indicators: they are not found.
    const theirs = (
      await upload(b, 'Indicator,Period,Value\nContacts by web,July 2025,1\n')
    ).json<ImportJson>()
    assert.match(theirs.problems[0]?.reason ?? '', /No indicator is called "Contacts by web"/)
  })
})
