import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

// The ledger import reads its file once: the commit adds what the check read and previewed.
const t = await buildTestApp()
const a = t.orgs.a
after(() => t.close())

const LGA_HEAD =
  'OrganisationLabel,OrganisationURI,EffectiveDate,OrganisationalUnit,BeneficiaryName,BeneficiaryOtherID,PaymentDate,TransactionNumber,Amount,IrrecoverableVATAmount,Purpose,ProclassLabel,ProclassCode,InvoiceNumber,ProfitCentre,VATRegistrationNumber'
function lgaFile(refs: string[], profitCentre = 'ONCE100'): string {
  return [
    LGA_HEAD,
    ...refs.map(
      (ref, i) =>
        `Alpha,http://x,2025-07-01,Digital,Webworks Ltd,,2025-07-03,${ref},${i + 1}.50,0,Website build,ICT,1,INV-${ref},${profitCentre},`,
    ),
  ].join('\n')
}

interface ImportJson {
  id: number
  status: string
  rowsGood: number
  rowsAdded: number
}

async function upload(token: string, body: string, fileName: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/ledger/imports?fileName=${encodeURIComponent(fileName)}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', accept: 'application/json' },
    payload: body,
  })
  assert.equal(res.statusCode, 201, res.body)
  return res.json<ImportJson>()
}

async function ledgerRefs(importId: number) {
  const rows = await t.database.db
    .selectFrom('ledger_transactions')
    .select(['transaction_ref', 'project_id'])
    .where('import_id', '=', importId)
    .orderBy('transaction_ref')
    .execute()
  return rows
}

async function staged(importId: number) {
  const r = await t.database.db
    .selectFrom('ledger_import_rows')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('import_id', '=', importId)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

describe(`ledger import reads its file once (${dialectName()})`, () => {
  let token = ''
  let projectId = 0
  before(async () => {
    token = await t.tokenFor(a.users.finance_officer)
    const admin = await t.tokenFor(a.users.administrator)
    const prog = await t.api(admin, 'POST', '/api/v1/programmes', { reference: 'ONCE', name: 'Once' })
    const proj = await t.api(admin, 'POST', '/api/v1/projects', {
      reference: 'ONCE-01',
      name: 'Read once',
      programmeId: prog.json<{ id: number }>().id,
    })
    projectId = proj.json<{ id: number }>().id
  })

  it('has no stored_path column on ledger imports (the file store holds the file)', async () => {
    const tables = await t.database.db.introspection.getTables()
    const imports = tables.find((x) => x.name === 'ledger_imports')
    assert.ok(imports)
    assert.ok(imports.columns.some((c) => c.name === 'stored_file_id'))
    assert.equal(
      imports.columns.some((c) => c.name === 'stored_path'),
      false,
    )
  })

  it('gives SQLite its own page cache back after a check, whether the file was a ledger or not', async () => {
    const sqlite = t.database.sqlite
    if (!sqlite) return // PostgreSQL: the check leaves its settings alone
    const cacheSize = () => sqlite.pragma('cache_size', { simple: true })
    const own = cacheSize()
    assert.equal((await upload(token, lgaFile(['CACHE-1', 'CACHE-2']), 'cache.csv')).status, 'validated')
    assert.equal(cacheSize(), own)
    assert.equal((await upload(token, 'Name,Colour\nApple,Red\n', 'not-a-ledger.csv')).status, 'failed')
    assert.equal(cacheSize(), own)
  })

  it('adds what the check read, not a second reading of the stored file', async () => {
    const imp = await upload(token, lgaFile(['ONCE-A1', 'ONCE-A2', 'ONCE-A3']), 'once.csv')
    assert.equal(imp.status, 'validated')
    assert.equal(imp.rowsGood, 3)
    // The stored file changes under the import after its check (as a second reading would see it).
    const row = await t.database.db
      .selectFrom('ledger_imports')
      .select('stored_file_id')
      .where('id', '=', imp.id)
      .executeTakeFirstOrThrow()
    assert.ok(row.stored_file_id)
    await t.database.db
      .updateTable('stored_file_chunks')
      .set({ bytes: Buffer.from(lgaFile(['OTHER-1', 'OTHER-2', 'OTHER-3', 'OTHER-4'])) })
      .where('file_id', '=', row.stored_file_id)
      .execute()
    const done = await t.api(token, 'POST', `/api/v1/ledger/imports/${imp.id}/commit`)
    assert.equal(done.statusCode, 200, done.body)
    assert.equal(done.json<ImportJson>().rowsAdded, 3)
    assert.deepEqual(
      (await ledgerRefs(imp.id)).map((r) => r.transaction_ref),
      ['ONCE-A1', 'ONCE-A2', 'ONCE-A3'],
    )
    assert.equal(await staged(imp.id), 0, 'the staged rows go with the commit')
  })

  it('keeps one staged copy when checked again, and places rows by the rules at commit time', async () => {
    const imp = await upload(token, lgaFile(['ONCE-B1', 'ONCE-B2', 'ONCE-B3'], 'RULE77'), 'rules.csv')
    assert.equal(imp.rowsGood, 3)
    assert.equal(await staged(imp.id), 3)
    const imports = t.app.services.ledgerImports
    await inOrganisation(a, () => imports.recheck(a.id, imp.id))
    assert.equal((await inOrganisation(a, () => imports.validate(a.id, imp.id))).status, 'validated')
    assert.equal(await staged(imp.id), 3, 'checking again replaces the staged rows')
    // A rule added after the check still places the rows when they are added.
    const rule = await t.api(token, 'POST', '/api/v1/ledger/rules', {
      matchField: 'cost_centre',
      matchType: 'exact',
      matchValue: 'rule77',
      projectId,
    })
    assert.equal(rule.statusCode, 201, rule.body)
    const done = await t.api(token, 'POST', `/api/v1/ledger/imports/${imp.id}/commit`)
    assert.equal(done.statusCode, 200, done.body)
    assert.equal(done.json<ImportJson>().rowsAdded, 3)
    assert.deepEqual(await ledgerRefs(imp.id), [
      { transaction_ref: 'ONCE-B1', project_id: projectId },
      { transaction_ref: 'ONCE-B2', project_id: projectId },
      { transaction_ref: 'ONCE-B3', project_id: projectId },
    ])
  })

  it('keeps nothing staged for a file that failed its check', async () => {
    const imp = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ledger/imports?fileName=empty.csv',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', accept: 'application/json' },
      payload: `${LGA_HEAD}\nAlpha,http://x,2025-07-01,Digital,W,,not a date,X1,abc,0,P,ICT,1,I,C,\n`,
    })
    const id = imp.json<ImportJson>().id
    assert.equal(imp.json<ImportJson>().status, 'failed', imp.body)
    assert.equal(await staged(id), 0)
  })

  it('sweeps the rows staged by a check that was killed half-way, once its lease lapses', async () => {
    const imp = await upload(token, lgaFile(['ONCE-C1', 'ONCE-C2', 'ONCE-C3']), 'killed.csv')
    assert.equal(await staged(imp.id), 3)
    // As a check killed (kill -9) after staging some rows leaves it: still "validating", its lease lapsed.
    await t.database.db
      .updateTable('ledger_imports')
      .set({
        status: 'validating',
        lease_owner: 'gone',
        lease_expires_at: new Date(Date.now() - 60_000).toISOString(),
      })
      .where('id', '=', imp.id)
      .execute()
    const res = await t.api(token, 'GET', `/api/v1/ledger/imports/${imp.id}`)
    assert.equal(res.statusCode, 200, res.body)
    assert.equal(res.json<ImportJson>().status, 'failed')
    assert.equal(await staged(imp.id), 0, 'the killed check leaves no staged rows behind')
  })
})
