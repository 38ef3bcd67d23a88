import assert from 'node:assert/strict'
import { todayInLondon } from '../../src/domain/dates.ts'
import { after, before, describe, it } from 'node:test'
import { startServer, type RunningServer } from '../helpers/server.ts'
import { dialectName } from '../helpers/database.ts'

const ROWS = 200_000

describe(`spend.csv export streams (${dialectName()})`, () => {
  let server: RunningServer
  let cookie: string
  let programmeId: number
  let projectId: number

  before(async () => {
    server = await startServer()
    const { t } = server
    const token = await t.tokenFor(t.orgs.a.users.programme_manager)
    programmeId = (
      await t.api(token, 'POST', '/api/v1/programmes', { reference: 'SP/1', name: 'Spend' })
    ).json<{
      id: number
    }>().id
    projectId = (
      await t.api(token, 'POST', '/api/v1/projects', {
        reference: 'SP-1',
        name: 'Spender',
        programmeId,
        projectManager: 'P M',
        baselineEnd: '2026-03-31',
        forecastEnd: '2026-03-31',
      })
    ).json<{ id: number }>().id
    const agent = await t.signIn(t.orgs.a.users.viewer)
    cookie = (agent as unknown as { cookieHeader(): string }).cookieHeader()
  })
  after(() => server.close())

  function row(i: number, over: Partial<Record<string, string | number | null>> = {}) {
    return {
      organisation_id: server.t.orgs.a.id,
      project_id: projectId,
      import_id: null,
      transaction_ref: `T${i}`,
      dedupe_key: `k${i}`,
      content_hash: `h${i}`,
      transaction_date: '2025-08-01',
      period: '2025-08',
      financial_year: '2025/26',
      amount_pence: 12345 + i,
      supplier_name: `Supplier ${i}`,
      description: 'Consultancy',
      cost_centre: 'ICT4410',
      account_code: '5001',
      expense_type: 'Professional fees',
      service_area: 'Digital',
      created_at: '2025-08-02T00:00:00.000Z',
      ...over,
    }
  }

  it('writes exactly the LGA format: byte order mark, CRLF, quoting, formulas neutralised', async () => {
    await server.t.database.db
      .insertInto('ledger_transactions')
      .values([
        row(1, { supplier_name: 'Acme, "Ltd"', amount_pence: -20000 }),
        row(2, { supplier_name: '=HYPERLINK("http://evil")', transaction_ref: null, cost_centre: '' }),
      ])
      .execute()
    const res = await fetch(`${server.baseUrl}/programmes/${programmeId}/spend.csv`, { headers: { cookie } })
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8')
    const today = todayInLondon()
    assert.equal(
      res.headers.get('content-disposition'),
      `attachment; filename="${server.t.orgs.a.slug}-SP_1-spend-${today}.csv"`,
    )
    const org = `${server.t.orgs.a.name},http://localhost:3000/organisations/${server.t.orgs.a.slug},${today}`
    const body = Buffer.from(await res.arrayBuffer()).toString('utf8')
    assert.equal(
      body,
      '\uFEFFOrganisationLabel,OrganisationURI,EffectiveDate,OrganisationalUnit,BeneficiaryName,' +
        'BeneficiaryOtherID,PaymentDate,TransactionNumber,Amount,IrrecoverableVATAmount,Purpose,' +
        'ProclassLabel,ProclassCode,InvoiceNumber,ProfitCentre,VATRegistrationNumber\r\n' +
        `${org},Digital,"Acme, ""Ltd""",,2025-08-01,T1,-200.00,,Consultancy,Professional fees,,,ICT4410,\r\n` +
        `${org},Digital,"'=HYPERLINK(""http://evil"")",,2025-08-01,,123.47,,Consultancy,Professional fees,,,SP-1,\r\n`,
    )
  })

  it(`streams ${ROWS.toLocaleString('en-GB')} rows while /health still answers within a second`, async () => {
    const db = server.t.database.db
    await db.deleteFrom('ledger_transactions').execute()
    await db.transaction().execute(async (trx) => {
      for (let start = 0; start < ROWS; start += 1000)
        await trx
          .insertInto('ledger_transactions')
          .values(Array.from({ length: 1000 }, (_, k) => row(start + k)))
          .execute()
    })

    // Someone else keeps asking the server for /health the whole time the export runs.
    let exporting = true
    const healthMs: number[] = []
    const polling = (async () => {
      while (exporting) {
        const started = performance.now()
        const health = await fetch(`${server.baseUrl}/health`)
        await health.arrayBuffer()
        if (exporting) healthMs.push(performance.now() - started)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    })()
    let bytes = 0
    let lines = 0
    try {
      const res = await fetch(`${server.baseUrl}/programmes/${programmeId}/spend.csv`, {
        headers: { cookie },
      })
      assert.equal(res.status, 200)
      for await (const chunk of res.body!) {
        bytes += chunk.length
        for (const b of chunk) if (b === 10) lines++
      }
    } finally {
      exporting = false
      await polling
    }
    assert.ok(healthMs.length >= 3, `only ${healthMs.length} health checks answered during the export`)
    const slowest = Math.max(...healthMs)
    assert.ok(
      slowest < 1000,
      `/health took ${Math.round(slowest)} ms during the export (${healthMs.map(Math.round).join(', ')})`,
    )
    assert.equal(lines, ROWS + 1, 'the header and every row')
    assert.ok(bytes > ROWS * 100, `${bytes} bytes`)
  })
})
