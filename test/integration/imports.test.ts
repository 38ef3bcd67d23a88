import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { buildApp } from '../../src/app.ts'
import { openDatabase } from '../../src/db/database.ts'
import { buildTestApp, type Agent } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { multipartBody } from '../helpers/multipart.ts'
import { xlsxBomb } from '../helpers/xlsx-bomb.ts'

const t = await buildTestApp()
const a = t.orgs.a
after(() => t.close())

const LGA_HEAD =
  'OrganisationLabel,OrganisationURI,EffectiveDate,OrganisationalUnit,BeneficiaryName,BeneficiaryOtherID,PaymentDate,TransactionNumber,Amount,IrrecoverableVATAmount,Purpose,ProclassLabel,ProclassCode,InvoiceNumber,ProfitCentre,VATRegistrationNumber'
function ledgerCsv(prefix: string, rows: number): string {
  const lines = [LGA_HEAD]
  for (let i = 0; i < rows; i++)
    lines.push(
      `Alpha,http://x,2025-07-01,Digital,Webworks Ltd,,2025-07-03,${prefix}-${i},${(i % 900) + 1}.25,0,Website build and hosting for the digital programme,ICT,1,INV-${prefix}-${i},ICT4410,`,
    )
  return `${lines.join('\n')}\n`
}

async function uploadPage(agent: Agent, fileName: string, content: string | Buffer, type = 'text/csv') {
  if (!agent.csrf) await agent.get('/finance/imports/new')
  const { payload, contentType } = multipartBody([['_csrf', agent.csrf]], {
    name: 'file',
    fileName,
    content,
    type,
  })
  return t.app.inject({
    method: 'POST',
    url: '/finance/imports',
    headers: {
      cookie: (agent as unknown as { cookieHeader(): string }).cookieHeader(),
      'content-type': contentType,
      accept: 'text/html',
    },
    payload,
  })
}

async function importRow(id: number) {
  return t.database.db.selectFrom('ledger_imports').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

async function until<T>(what: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await what()
    if (v) return v
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe(`import pipeline (${dialectName()})`, () => {
  it('refuses an XLSX bomb in its worker, with a clear message, while /health keeps answering', async () => {
    const agent = await t.signIn(a.users.finance_officer)
    // 400 KB on disk; its shared strings unpack to 150 MB.
    const bomb = xlsxBomb(150)
    assert.ok(bomb.length < 500 * 1024)
    const healthTimes: number[] = []
    let uploading = true
    const started = Date.now()
    const upload = uploadPage(
      agent,
      'bomb.xlsx',
      bomb,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ).finally(() => (uploading = false))
    const probe = (async () => {
      while (uploading) {
        const t0 = Date.now()
        const h = await t.app.inject({ method: 'GET', url: '/health' })
        healthTimes.push(Date.now() - t0)
        assert.equal(h.statusCode, 200)
        await new Promise((r) => setTimeout(r, 100))
      }
    })()
    const res = await upload
    await probe
    assert.equal(res.statusCode, 303, res.body)
    assert.ok(Date.now() - started < 10_000, 'the upload answers without waiting for the whole parse')
    const id = Number(/\/finance\/imports\/(\d+)/.exec(res.headers.location as string)![1])
    const done = await until(async () => {
      const row = await importRow(id)
      return row.status === 'failed' ? row : null
    })
    assert.match(done.failure_reason, /needs more memory to read than an import may use|unpacks to more than/)
    assert.ok(healthTimes.length > 0)
    assert.ok(Math.max(...healthTimes) < 1000, `health took ${Math.max(...healthTimes)} ms`)
    const page = await agent.get(`/finance/imports/${id}`)
    assert.match(page.text, /This file was not imported/)
    assert.match(page.text, /Nothing from this file has been added/)
    // The server still serves.
    const other = await agent.get('/finance/imports')
    assert.equal(other.status, 200)
  })

  it('keeps an upload in the database in chunks of at most 1 MiB', async () => {
    const token = await t.tokenFor(a.users.finance_officer)
    const csv = ledgerCsv('CHUNK', 14_000)
    assert.ok(csv.length > 2 * 1024 * 1024)
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ledger/imports?fileName=chunks.csv',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', accept: 'application/json' },
      payload: csv,
    })
    assert.equal(res.statusCode, 201, res.body)
    const id = res.json<{ id: number }>().id
    const imp = await importRow(id)
    assert.ok(imp.stored_file_id)
    const chunks = await t.database.db
      .selectFrom('stored_file_chunks')
      .select(['seq', 'bytes'])
      .where('file_id', '=', imp.stored_file_id)
      .orderBy('seq')
      .execute()
    assert.equal(chunks.length, Math.ceil(Buffer.byteLength(csv) / (1024 * 1024)))
    for (const c of chunks) assert.ok(c.bytes.length <= 1024 * 1024)
    assert.equal(Buffer.concat(chunks.map((c) => Buffer.from(c.bytes))).toString(), csv)
  })

  it('removes an upload whose instance died before it completed', async () => {
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000).toISOString()
    const file = await t.database.db
      .insertInto('stored_files')
      .values({
        organisation_id: a.id,
        file_name: 'half.csv',
        size: 0,
        sha256: '',
        complete: 0,
        created_at: old,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await t.database.db
      .insertInto('stored_file_chunks')
      .values({ organisation_id: a.id, file_id: file.id, seq: 0, bytes: Buffer.from('Date,Amount\n') })
      .execute()
    const agent = await t.signIn(a.users.finance_officer)
    assert.equal((await agent.get('/finance/imports')).status, 200)
    const left = await t.database.db
      .selectFrom('stored_file_chunks')
      .select('seq')
      .where('file_id', '=', file.id)
      .execute()
    assert.equal(left.length, 0)
  })

  it('shows the progress of a pass still running, never "stopped", and ends on the result', async () => {
    const agent = await t.signIn(a.users.finance_officer)
    const csv = ledgerCsv('PROG', 30_000)
    assert.ok(csv.length > 2 * 1024 * 1024)
    const res = await uploadPage(agent, 'progress.csv', csv)
    assert.equal(res.statusCode, 303, res.body)
    const first = await agent.get(res.headers.location as string)
    assert.doesNotMatch(first.text, /stopped before it finished/)
    const id = Number(/(\d+)$/.exec(res.headers.location as string)![1])
    if ((await importRow(id)).status === 'validating') {
      assert.match(first.text, /Checking the file/)
      assert.match(first.text, /% done/)
      assert.ok(first.document.querySelector('meta[http-equiv="refresh"]'))
    }
    const ready = await until(async () => {
      const page = await agent.get(res.headers.location as string)
      assert.doesNotMatch(page.text, /stopped before it finished/)
      return /Ready to add/.test(page.text) ? page : null
    })
    assert.equal(ready.document.querySelector('meta[http-equiv="refresh"]'), null)
    assert.match(ready.text, /30,000/)
  })

  it('fails a pass whose lease lapsed (its instance died); a commit can then be made again', async () => {
    const token = await t.tokenFor(a.users.finance_officer)
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ledger/imports?fileName=lease.csv',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', accept: 'application/json' },
      payload: ledgerCsv('LEASE', 20),
    })
    assert.equal(res.statusCode, 201, res.body)
    const id = res.json<{ id: number }>().id
    // As a commit whose instance was killed leaves it: committing, and a lease nobody renews.
    const past = new Date(Date.now() - 60_000).toISOString()
    await t.database.db
      .updateTable('ledger_imports')
      .set({ status: 'committing', lease_owner: 'gone', lease_expires_at: past })
      .where('id', '=', id)
      .execute()
    const live = new Date(Date.now() + 60_000).toISOString()
    // A live lease is left alone: that import is being worked on elsewhere.
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ledger/imports?fileName=live.csv',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', accept: 'application/json' },
      payload: ledgerCsv('LIVE', 5),
    })
    const otherId = other.json<{ id: number }>().id
    await t.database.db
      .updateTable('ledger_imports')
      .set({ status: 'committing', lease_owner: 'elsewhere', lease_expires_at: live })
      .where('id', '=', otherId)
      .execute()

    const agent = await t.signIn(a.users.finance_officer)
    const page = await agent.get(`/finance/imports/${id}`)
    assert.match(page.text, /Ready to add/)
    assert.match(page.text, /stopped before it finished .*nothing was added/)
    const livePage = await agent.get(`/finance/imports/${otherId}`)
    assert.match(livePage.text, /Adding the rows to the ledger/)
    assert.equal((await importRow(otherId)).status, 'committing')

    const committed = await t.api(token, 'POST', `/api/v1/ledger/imports/${id}/commit`)
    assert.equal(committed.statusCode, 200, committed.body)
    assert.equal(committed.json<{ rowsAdded: number }>().rowsAdded, 20)
    const busy = await t.api(token, 'POST', `/api/v1/ledger/imports/${otherId}/commit`)
    assert.equal(busy.statusCode, 409)
  })

  it('commits on a second instance an upload the first instance took', async () => {
    const second = await buildApp({ config: t.config, database: openDatabase(t.databaseConfig) })
    await second.ready()
    try {
      const token = await t.tokenFor(a.users.finance_officer)
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/ledger/imports?fileName=two.csv',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', accept: 'application/json' },
        payload: ledgerCsv('TWO', 300),
      })
      assert.equal(res.statusCode, 201, res.body)
      const id = res.json<{ id: number }>().id
      const commit = await second.inject({
        method: 'POST',
        url: `/api/v1/ledger/imports/${id}/commit`,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      })
      assert.equal(commit.statusCode, 200, commit.body)
      assert.equal(commit.json<{ status: string; rowsAdded: number }>().rowsAdded, 300)
      const rows = await t.database.db
        .selectFrom('ledger_transactions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('import_id', '=', id)
        .executeTakeFirstOrThrow()
      assert.equal(Number(rows.n), 300)
      // The file is gone from the store with the commit: the ledger holds the rows now.
      assert.equal((await importRow(id)).stored_file_id, null)
    } finally {
      await second.close()
      await second.database.close()
    }
  })
})
