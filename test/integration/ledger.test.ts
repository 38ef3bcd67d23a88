import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type Agent } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { multipartBody } from '../helpers/multipart.ts'

const DATA = '/work/shared/data'
const t = await buildTestApp()
const a = t.orgs.a
const b = t.orgs.b
after(() => t.close())

interface ImportJson {
  id: number
  status: string
  failureReason: string
  rowsRead: number
  rowsGood: number
  rowsBad: number
  rowsDuplicate: number
  rowsChanged: number
  rowsUnmatched: number
  rowsAdded: number
  totalPence: number
  layout: string
  byPeriod: Array<{ period: string; count: number; pence: number }>
  byProject: Array<{ projectId: number | null; count: number; pence: number }>
  problems: Array<{ kind: string; line: number; reason: string; raw: string }>
}

async function upload(token: string, body: Buffer | string, fileName: string, contentType = 'text/csv') {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/ledger/imports?fileName=${encodeURIComponent(fileName)}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType, accept: 'application/json' },
    payload: body,
  })
}

async function ledgerRows(organisationId: number): Promise<number> {
  const r = await t.database.db
    .selectFrom('ledger_transactions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organisation_id', '=', organisationId)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

const LGA_HEAD =
  'OrganisationLabel,OrganisationURI,EffectiveDate,OrganisationalUnit,BeneficiaryName,BeneficiaryOtherID,PaymentDate,TransactionNumber,Amount,IrrecoverableVATAmount,Purpose,ProclassLabel,ProclassCode,InvoiceNumber,ProfitCentre,VATRegistrationNumber'
function lgaRow(ref: string, date: string, amount: string, profitCentre: string, supplier = 'Webworks Ltd') {
  return `Alpha,http://x,2025-07-01,Digital,${supplier},,${date},${ref},${amount},0,Website build,ICT,1,INV-${ref},${profitCentre},`
}

describe(`ledger import (${dialectName()})`, () => {
  let token = ''
  let projectId = 0

  before(async () => {
    token = await t.tokenFor(a.users.finance_officer)
    const admin = await t.tokenFor(a.users.administrator)
    const prog = await t.api(admin, 'POST', '/api/v1/programmes', {
      reference: 'ICT',
      name: 'ICT and Digital',
    })
    const proj = await t.api(admin, 'POST', '/api/v1/projects', {
      reference: 'ICT-01',
      name: 'Website',
      programmeId: prog.json<{ id: number }>().id,
    })
    projectId = proj.json<{ id: number }>().id
  })

  it('imports the Lambeth file, reporting every unreadable row with its line and reason', async () => {
    const res = await upload(token, readFileSync(`${DATA}/lambeth-payments-2012-06.csv`), 'lambeth.csv')
    assert.equal(res.statusCode, 201, res.body)
    const imp = res.json<ImportJson>()
    assert.equal(imp.status, 'validated')
    assert.equal(imp.rowsRead, imp.rowsGood + imp.rowsBad)
    assert.ok(imp.rowsGood > 2000, `good ${imp.rowsGood}`)
    assert.ok(imp.rowsBad > 600, `bad ${imp.rowsBad}`)
    const first = imp.problems[0]!
    assert.equal(first.line, 19)
    assert.match(first.reason, /date and the amount have run together \(“25\/06\/2012900”\)/)
    assert.match(first.raw, /A A GuestHouses/)
    // Nothing is added by validating.
    assert.equal(await ledgerRows(a.id), 0)
    // Every bad row is listed through the problems endpoint.
    let listed = 0
    let cursor: string | null = ''
    while (cursor !== null) {
      const page = await t.api(
        token,
        'GET',
        `/api/v1/ledger/imports/${imp.id}/problems?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      )
      const body = page.json<{ items: unknown[]; next: string | null }>()
      listed += body.items.length
      cursor = body.next
    }
    assert.equal(listed, imp.rowsBad)

    const committed = await t.api(token, 'POST', `/api/v1/ledger/imports/${imp.id}/commit`)
    assert.equal(committed.statusCode, 200, committed.body)
    assert.equal(committed.json<ImportJson>().rowsAdded, imp.rowsGood)
    assert.equal(await ledgerRows(a.id), imp.rowsGood)
    // Nothing matched a project, so all of it is in suspense, none of it lost.
    const suspense = await t.api(token, 'GET', '/api/v1/ledger/suspense?limit=1')
    assert.equal(suspense.json<{ items: unknown[] }>().items.length, 1)
  })

  it('adds nothing twice when the same file is imported again', async () => {
    const before = await ledgerRows(a.id)
    const res = await upload(token, readFileSync(`${DATA}/lambeth-payments-2012-06.csv`), 'lambeth-again.csv')
    const imp = res.json<ImportJson>()
    assert.equal(imp.rowsDuplicate, imp.rowsGood)
    assert.equal(imp.byPeriod.length, 0)
    const committed = await t.api(token, 'POST', `/api/v1/ledger/imports/${imp.id}/commit`)
    assert.equal(committed.json<ImportJson>().rowsAdded, 0)
    assert.equal(await ledgerRows(a.id), before)
  })

  it('rejects the GMPP file as not a ledger, importing nothing', async () => {
    const before = await ledgerRows(a.id)
    const res = await upload(token, readFileSync(`${DATA}/gmpp-2022.csv`), 'gmpp-2022.csv')
    assert.equal(res.statusCode, 201)
    const imp = res.json<ImportJson>()
    assert.equal(imp.status, 'failed')
    assert.match(imp.failureReason, /does not look like a ledger/)
    assert.match(imp.failureReason, /project_name/)
    const commit = await t.api(token, 'POST', `/api/v1/ledger/imports/${imp.id}/commit`)
    assert.equal(commit.statusCode, 409)
    assert.equal(await ledgerRows(a.id), before)
  })

  it('rejects garbage without a server error', async () => {
    const junk = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256))
    const res = await upload(token, junk, 'junk.bin', 'application/octet-stream')
    assert.equal(res.statusCode, 201, res.body)
    assert.equal(res.json<ImportJson>().status, 'failed')
    const json = await t.api(token, 'POST', '/api/v1/ledger/imports', {})
    assert.equal(json.statusCode, 400)
  })

  it('ties payments to projects by rule, reports changed rows, and maps suspense rows later', async () => {
    const rule = await t.api(token, 'POST', '/api/v1/ledger/rules', {
      matchField: 'cost_centre',
      matchType: 'prefix',
      matchValue: 'ICT44',
      projectId,
    })
    assert.equal(rule.statusCode, 201, rule.body)
    const file = [
      LGA_HEAD,
      lgaRow('T1', '2025-05-02', '1200.00', 'ICT4410'),
      lgaRow('T2', '2025-06-03', '(200.00)', 'ICT4420'),
      lgaRow('T3', '2025-06-04', '50.00', 'HSG001'),
    ].join('\n')
    const imp = (await upload(token, file, 'lga.csv')).json<ImportJson>()
    assert.equal(imp.layout, 'LGA spend schema')
    assert.equal(imp.rowsGood, 3)
    assert.equal(imp.rowsUnmatched, 1)
    const onProject = imp.byProject.find((p) => p.projectId === projectId)
    assert.deepEqual(onProject && { count: onProject.count, pence: onProject.pence }, {
      count: 2,
      pence: 100000,
    })
    assert.deepEqual(
      imp.byPeriod.map((p) => [p.period, p.pence]),
      [
        ['2025-05', 120000],
        ['2025-06', -15000],
      ],
    )
    await t.api(token, 'POST', `/api/v1/ledger/imports/${imp.id}/commit`)

    // An overlapping file: T1 again, T2 with a changed amount, T4 new.
    const overlap = [
      LGA_HEAD,
      lgaRow('T1', '2025-05-02', '1200.00', 'ICT4410'),
      lgaRow('T2', '2025-06-03', '(250.00)', 'ICT4420'),
      lgaRow('T4', '2025-07-01', '10.00', 'ICT4410'),
    ].join('\n')
    const again = (await upload(token, overlap, 'lga-overlap.csv')).json<ImportJson>()
    assert.equal(again.rowsDuplicate, 1)
    assert.equal(again.rowsChanged, 1)
    assert.match(
      again.problems.find((p) => p.kind === 'changed')?.reason ?? '',
      /Transaction T2 is already in the ledger/,
    )
    const done = (await t.api(token, 'POST', `/api/v1/ledger/imports/${again.id}/commit`)).json<ImportJson>()
    assert.equal(done.rowsAdded, 1)

    const spend = await t.api(token, 'GET', `/api/v1/ledger/transactions?projectId=${projectId}`)
    const items = spend.json<{ items: Array<{ transactionRef: string; amountPence: number }> }>().items
    assert.deepEqual(items.map((i) => [i.transactionRef, i.amountPence]).sort(), [
      ['T1', 120000],
      ['T2', -20000],
      ['T4', 1000],
    ])

    // The unmatched HSG001 payment is in suspense; put it on the project.
    const suspense = await t.api(token, 'GET', '/api/v1/ledger/suspense?limit=500')
    const row = suspense
      .json<{ items: Array<{ id: number; version: number; transactionRef: string | null }> }>()
      .items.find((i) => i.transactionRef === 'T3')!
    const moved = await t.api(token, 'PATCH', `/api/v1/ledger/transactions/${row.id}`, {
      version: row.version,
      projectId,
    })
    assert.equal(moved.statusCode, 200, moved.body)
    const stale = await t.api(token, 'PATCH', `/api/v1/ledger/transactions/${row.id}`, {
      version: row.version,
      projectId: null,
    })
    assert.equal(stale.statusCode, 409)
  })

  it('keeps organisations apart', async () => {
    const foreign = await t.tokenFor(b.users.administrator)
    const list = await t.api(foreign, 'GET', '/api/v1/ledger/imports')
    assert.equal(list.json<{ items: unknown[] }>().items.length, 0)
    const first = await t.api(token, 'GET', '/api/v1/ledger/imports?limit=1')
    const id = first.json<{ items: Array<{ id: number }> }>().items[0]!.id
    assert.equal((await t.api(foreign, 'GET', `/api/v1/ledger/imports/${id}`)).statusCode, 404)
    assert.equal((await t.api(foreign, 'POST', `/api/v1/ledger/imports/${id}/commit`)).statusCode, 404)
    assert.equal(
      (await t.api(foreign, 'GET', '/api/v1/ledger/suspense')).json<{ items: unknown[] }>().items.length,
      0,
    )
  })

  it('exports the programme spend in the LGA schema with formulas neutralised', async () => {
    const admin = await t.tokenFor(a.users.administrator)
    const file = [LGA_HEAD, lgaRow('T9', '2025-08-01', '5.00', 'ICT4410', '=HYPERLINK("http://evil")')].join(
      '\n',
    )
    const imp = (await upload(token, file, 'evil.csv')).json<ImportJson>()
    await t.api(token, 'POST', `/api/v1/ledger/imports/${imp.id}/commit`)
    const progs = await t.api(admin, 'GET', '/api/v1/programmes')
    const progId = progs.json<{ items: Array<{ id: number }> }>().items[0]!.id
    const agent = await t.signIn(a.users.viewer)
    const csv = await agent.get(`/programmes/${progId}/spend.csv`)
    assert.equal(csv.status, 200)
    assert.match(csv.body, /^\uFEFFOrganisationLabel,OrganisationURI,EffectiveDate/)
    assert.match(csv.body, /'=HYPERLINK/)
    assert.match(csv.body, /,T2,-200\.00,/)
  })
})

describe(`ledger pages (${dialectName()})`, () => {
  let agent: Agent
  before(async () => {
    agent = await t.signIn(a.users.finance_officer)
  })

  async function multipart(url: string, fileName: string, content: string | Buffer, csrf = agent.csrf) {
    const { payload, contentType } = multipartBody(
      [
        ['_csrf', csrf],
        ['mappingId', ''],
      ],
      { name: 'file', fileName, content },
    )
    const cookie = (agent as unknown as { cookieHeader(): string }).cookieHeader()
    return t.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'content-type': contentType, accept: 'text/html' },
      payload,
    })
  }

  it('takes the CSRF token of the upload form from its first field, never from the URL', async () => {
    const form = await agent.get('/finance/imports/new')
    const action = form.document.querySelector('form[enctype="multipart/form-data"]')!.getAttribute('action')!
    assert.equal(action, '/finance/imports')
    const first = form.document.querySelector('form[enctype="multipart/form-data"] input')!
    assert.equal(first.getAttribute('name'), '_csrf')
    const csv = `${LGA_HEAD}\n${lgaRow('CSRF-1', '2025-07-03', '10.00', 'ICT4410')}\n`
    const refused = await multipart('/finance/imports', 'x.csv', csv, 'not-the-token')
    assert.equal(refused.statusCode, 403)
    // The token in the URL (where it was logged) no longer counts.
    const { payload, contentType } = multipartBody([], { name: 'file', fileName: 'x.csv', content: csv })
    const inUrl = await t.app.inject({
      method: 'POST',
      url: `/finance/imports?_csrf=${encodeURIComponent(agent.csrf)}`,
      headers: {
        cookie: (agent as unknown as { cookieHeader(): string }).cookieHeader(),
        'content-type': contentType,
      },
      payload,
    })
    assert.equal(inUrl.statusCode, 403)
    const accepted = await multipart('/finance/imports', 'x.csv', csv)
    assert.equal(accepted.statusCode, 303, accepted.body)
  })

  it('walks upload → mapping → preview → commit → result for a layout it does not know', async () => {
    const form = await agent.get('/finance/imports/new')
    assert.equal(form.status, 200)
    assert.match(form.text, /Import a ledger file/)
    const csv =
      'Finance system export\n\nPosted,Vendor,Net,Cost Code\n02/05/2025,Acme,100.00,ICT4410\n03/05/2025,Beta,x,ICT4410\n'
    const res = await multipart('/finance/imports', 'agresso.csv', csv)
    assert.equal(res.statusCode, 303, res.body)
    const page = await agent.get(res.headers.location as string)
    assert.match(page.text, /does not look like a ledger/)
    assert.match(page.text, /Nothing from this file has been added/)
    const mapping = await agent.get(`${res.headers.location as string}/mapping`)
    assert.equal(mapping.status, 200)
    assert.match(mapping.text, /headings come from line 3/)
    const missing = await agent.post(`${res.headers.location as string}/mapping`, { name: '' })
    assert.equal(missing.status, 400)
    assert.match(missing.text, /Enter a name for the mapping/)
    assert.match(missing.text, /Select the column that holds the payment date/)
    const saved = await agent.post(`${res.headers.location as string}/mapping`, {
      name: 'Agresso export',
      col_date: 'Posted',
      col_amount: 'Net',
      col_supplier: 'Vendor',
      col_costCentre: 'Cost Code',
      dateFormat: 'dmy',
    })
    assert.equal(saved.status, 303, saved.text)
    const preview = await agent.get(saved.location!)
    assert.match(preview.text, /Ready to add/)
    assert.match(preview.text, /Rows that cannot be read \(1\)/)
    assert.match(preview.text, /“x” is not an amount of money/)
    assert.match(preview.text, /May 2025/)
    const committed = await agent.post(`${saved.location!}/commit`, {})
    assert.equal(committed.status, 303)
    const result = await agent.get(committed.location!)
    assert.match(result.text, /1 payments added/)
    const mappings = await agent.get('/finance/mappings')
    assert.match(mappings.text, /Agresso export/)
  })

  it('refuses a file over the upload limit with a clear message', async () => {
    const small = await buildTestApp({ UPLOAD_LIMIT_MB: '1' })
    try {
      const user = await small.signIn(small.orgs.a.users.finance_officer)
      await user.get('/finance/imports/new')
      const big = Buffer.alloc(1024 * 1024 + 10, 0x41)
      const { payload, contentType } = multipartBody([['_csrf', user.csrf]], {
        name: 'file',
        fileName: 'big.csv',
        content: big,
      })
      const res = await small.app.inject({
        method: 'POST',
        url: '/finance/imports',
        headers: {
          cookie: (user as unknown as { cookieHeader(): string }).cookieHeader(),
          'content-type': contentType,
        },
        payload,
      })
      assert.equal(res.statusCode, 413)
      assert.match(res.body, /larger than 1 MB/)
    } finally {
      await small.close()
    }
  })

  it('shows the suspense list and assigns a payment to a project', async () => {
    const page = await agent.get('/finance/suspense')
    assert.equal(page.status, 200)
    const form = page.document.querySelector('form[action^="/finance/transactions/"]')!
    const action = form.getAttribute('action')!
    const version = form.querySelector('input[name="version"]')!.getAttribute('value')!
    const option = form.querySelector('option[value]:not([value=""])')!.getAttribute('value')!
    const none = await agent.post(action, { version, projectId: '' })
    assert.equal(none.status, 400)
    assert.match(none.text, /Choose the project/)
    const done = await agent.post(action, { version, projectId: option })
    assert.equal(done.status, 303)
    const after = await agent.get('/finance/suspense')
    assert.match(after.text, /put on the project/)
  })

  it('adds a cost mapping rule with GOV.UK errors when incomplete', async () => {
    const bad = await agent.post('/finance/rules', {
      matchField: '',
      matchType: 'exact',
      matchValue: '',
      projectId: '',
    })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /There is a problem/)
    assert.match(bad.text, /Enter the code to match/)
  })
})
