import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface ImportJson {
  id: number
  status: string
  failureReason: string
  changes: Record<string, { created: number; updated: number; unchanged: number }> | null
}

// Issue 13, "column mapping (saved and reused)": the columns named for a portfolio file whose headings are not
// recognised are saved when it is imported, and a later file with the same headings is read with them
// without being named again. They are the portfolio's: the ledger's saved mappings do not list them.
describe(`saved portfolio column mappings (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let adminB: string
  const HEADINGS = 'Directorate,Scheme ID,Scheme title,Stage,RAG'
  const file = (rows: string[]) => `${HEADINGS}\n${rows.join('\n')}\n`

  const upload = async (token: string, body: string, query = '') => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/portfolio-imports?fileName=schemes.csv${query}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', accept: 'application/json' },
      payload: body,
    })
    assert.equal(res.statusCode, 201, res.body)
    return res.json<ImportJson>()
  }
  const commit = async (token: string, id: number) => {
    const res = await t.api(token, 'POST', `/api/v1/portfolio-imports/${id}/commit`, {})
    assert.equal(res.statusCode, 200, res.body)
    return res.json<ImportJson>()
  }

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    adminB = await t.tokenFor(t.orgs.b.users.administrator)
  })
  after(() => t.close())

  it('saves the columns named for a layout and reads the next file laid out the same way with them', async () => {
    const first = file(['Housing,SC-1,Homes at Marsh Lane,Delivery,Green'])
    const unnamed = await upload(admin, first)
    assert.equal(unnamed.status, 'failed', 'these headings are not recognised without a mapping')

    const named = await upload(admin, first, '&codeColumn=Scheme%20ID&nameColumn=Scheme%20title')
    assert.equal(named.status, 'validated', named.failureReason)
    await commit(admin, named.id)
    const saved = await t.database.db
      .selectFrom('column_mappings')
      .select(['kind', 'columns_json'])
      .where('organisation_id', '=', t.orgs.a.id)
      .execute()
    assert.equal(saved.length, 1)
    assert.equal(saved[0]!.kind, 'portfolio')
    assert.deepEqual(JSON.parse(saved[0]!.columns_json), { code: 'Scheme ID', name: 'Scheme title' })

    // The next return, the same headings: read with the saved columns, nothing named.
    const next = await upload(admin, file(['Housing,SC-2,Depot solar roof,Delivery,Amber']))
    assert.equal(next.status, 'validated', next.failureReason)
    assert.deepEqual(next.changes?.projects, { created: 1, updated: 0, unchanged: 0 })
    const page = await (await t.signIn(t.orgs.a.users.administrator)).get(`/imports/portfolio/${next.id}`)
    assert.match(page.text, /columns you named for a file with these headings/)
    // Committing it with the same columns saves nothing new.
    await commit(admin, next.id)
    assert.equal(
      (
        await t.database.db
          .selectFrom('column_mappings')
          .select('id')
          .where('organisation_id', '=', t.orgs.a.id)
          .execute()
      ).length,
      1,
    )
  })

  it("keeps the portfolio's saved columns out of the ledger's mappings and away from another council", async () => {
    const ledger = await t.api(admin, 'GET', '/api/v1/ledger/mappings')
    assert.equal(ledger.statusCode, 200, ledger.body)
    assert.deepEqual(ledger.json<{ items: unknown[] }>().items, [])
    const other = await upload(adminB, file(['Housing,SC-9,Elsewhere,Delivery,Green']))
    assert.equal(other.status, 'failed')
  })
})
