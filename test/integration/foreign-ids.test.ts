import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

// Issue 9: every id in a body names a record of the organisation (src/db/foreign-ids.ts). Another council's
// record, or none at all, is a 400 naming the field, and nothing is stored.

interface ErrorJson {
  error: string
  message: string
  fields: Record<string, string>
}

describe(`Ids in bodies are resolved within the organisation (${dialectName()})`, () => {
  let t: TestApp
  let token: string
  let foreignExceptionId: number

  /** A programme and a project in the organisation of the token. */
  async function project(tok: string, reference: string): Promise<number> {
    const programmeId = (
      await t.api(tok, 'POST', '/api/v1/programmes', {
        reference: `P-${reference}`,
        name: `Programme ${reference}`,
      })
    ).json<{ id: number }>().id
    const res = await t.api(tok, 'POST', '/api/v1/projects', {
      programmeId,
      reference,
      name: `Project ${reference}`,
    })
    assert.equal(res.statusCode, 201, res.body)
    return res.json<{ id: number }>().id
  }

  const decisions = async () =>
    Number(
      (
        await t.database.db
          .selectFrom('decisions')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  before(async () => {
    t = await buildTestApp()
    token = await t.tokenFor(t.orgs.a.users.administrator)
    await project(token, 'A-01')
    const foreignToken = await t.tokenFor(t.orgs.b.users.administrator)
    const foreignProject = await project(foreignToken, 'B-01')
    const admin = await t.signIn(t.orgs.b.users.administrator)
    const raised = await admin.post(`/projects/${foreignProject}/exceptions`, {
      kind: 'scope',
      summary: 'Another council’s breach',
    })
    assert.equal(raised.status, 303, raised.text)
    foreignExceptionId = Number(/(\d+)$/.exec(raised.location ?? '')?.[1])
  })
  after(() => t.close())

  it('a decision linked to another council’s exception, or to none, is refused and not stored', async () => {
    const before = await decisions()
    for (const recordId of [foreignExceptionId, 999_999]) {
      const res = await t.api(token, 'POST', '/api/v1/decisions', {
        title: 'Extend the project',
        capacity: 'sro',
        status: 'draft',
        links: [{ recordType: 'exception', recordId }],
      })
      assert.equal(res.statusCode, 400, res.body)
      assert.ok(res.json<ErrorJson>().fields.links, 'names the links field')
    }
    assert.equal(await decisions(), before, 'nothing stored')
  })
})
