/**
 * The project list API answers from a remembered page while nothing has changed: it must never be
 * stale after a change, never cross from one reader's scope to another's, and be byte for byte the
 * answer it would have computed.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { wholeOrganisation } from '../../src/auth/visibility.ts'
import type { ProgrammesService } from '../../src/modules/programmes/programmes.service.ts'
import { createProjectsService } from '../../src/modules/projects/projects.service.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { statementsDuring } from '../helpers/statements.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

interface ListJson {
  items: Array<{ id: number; reference: string; name: string }>
  next: string | null
}

describe(`the remembered project list (${dialectName()})`, () => {
  let t: TestApp
  let pm: string
  let partner: string
  let programmeId: number

  before(async () => {
    t = await buildTestApp()
    pm = await t.tokenFor(t.orgs.a.users.programme_manager)
    partner = await t.tokenFor(t.orgs.a.users.partner_officer)
    const programme = await t.api(pm, 'POST', '/api/v1/programmes', {
      reference: 'CACHE',
      name: 'Cache programme',
    })
    programmeId = programme.json<{ id: number }>().id
    const partnerId = await t.partner(t.orgs.a)
    for (const [reference, shared] of [
      ['C-1', true],
      ['C-2', false],
    ] as const) {
      const res = await t.api(pm, 'POST', '/api/v1/projects', {
        reference,
        name: `Project ${reference}`,
        programmeId,
        partnerIds: shared ? [partnerId] : [],
      })
      assert.equal(res.statusCode, 201, res.body)
    }
  })
  after(() => t.close())

  const list = async (token: string, qs = '') => {
    const res = await t.api(token, 'GET', `/api/v1/projects?programmeId=${programmeId}${qs}`)
    assert.equal(res.statusCode, 200, res.body)
    return res
  }
  const refs = (body: string) => (JSON.parse(body) as ListJson).items.map((p) => p.reference)

  it('answers the same bytes twice, and a change is seen at once', async () => {
    const first = await list(pm)
    const second = await list(pm)
    assert.equal(second.body, first.body)
    assert.match(String(second.headers['content-type']), /^application\/json/)
    assert.deepEqual(refs(first.body), ['C-1', 'C-2'])

    const id = (JSON.parse(first.body) as ListJson).items[0]!.id
    const renamed = await t.api(pm, 'PATCH', `/api/v1/projects/${id}`, { name: 'Renamed', version: 1 })
    assert.equal(renamed.statusCode, 200, renamed.body)
    const after = JSON.parse((await list(pm)).body) as ListJson
    assert.equal(after.items[0]!.name, 'Renamed')
  })

  it('keeps each reader to their own scope and query', async () => {
    await list(pm) // remembered for the programme manager first
    assert.deepEqual(refs((await list(partner)).body), ['C-1'])
    assert.deepEqual(refs((await list(pm)).body), ['C-1', 'C-2'])
    assert.deepEqual(refs((await list(pm, '&limit=1')).body), ['C-1'])
    const foreign = await t.api(await t.tokenFor(t.orgs.b.users.programme_manager), 'GET', '/api/v1/projects')
    assert.deepEqual(refs(foreign.body), [])
  })

  it('a remembered answer costs one database read: the token, with the change counter in the same query', async () => {
    await list(pm) // remembered, and the token's last use recorded (kept to the minute)
    const asked = await statementsDuring(t.appDatabase, () => list(pm))
    assert.equal(asked.length, 1, asked.join('\n---\n'))
    assert.match(asked[0]!, /from api_tokens/)
  })

  it("a page computed afresh reads its projects with their partners in one statement, and the programmes' names beside it", async () => {
    // A page size asked for nowhere else, so it is not remembered.
    const asked = await statementsDuring(t.appDatabase, () => list(pm, '&limit=7'))
    const reads = asked.filter((s) => !/from api_tokens/.test(s))
    assert.equal(reads.length, 2, reads.join('\n---\n'))
    assert.equal(reads.filter((s) => /from "?projects"? /.test(s) && /project_partners/.test(s)).length, 1)
    assert.equal(reads.filter((s) => /from "?programmes"?/.test(s)).length, 1)
    const partnerPage = JSON.parse((await list(partner, '&limit=7')).body) as {
      items: Array<{ reference: string; programme: { name: string }; partners: Array<{ name: string }> }>
    }
    assert.deepEqual(
      partnerPage.items.map((p) => [p.reference, p.programme.name, p.partners.length]),
      [['C-1', 'Cache programme', 1]],
    )
  })

  it("names a project's programme when the names were read before the project moved to it", async () => {
    const user = t.orgs.a.users.programme_manager
    const scope = wholeOrganisation(user.organisationId)
    const real = t.app.services.programmes
    // The programmes' names as a statement that started before the move saw them.
    const earlier = await inOrganisation(user, () => real.options(scope))
    const later = await t.api(pm, 'POST', '/api/v1/programmes', {
      reference: 'LATER',
      name: 'Later programme',
    })
    const laterId = later.json<{ id: number }>().id
    const project = await t.api(pm, 'POST', '/api/v1/projects', {
      reference: 'C-3',
      name: 'Moved',
      programmeId,
    })
    const { id, version } = project.json<{ id: number; version: number }>()
    const moved = await t.api(pm, 'PATCH', `/api/v1/projects/${id}`, { programmeId: laterId, version })
    assert.equal(moved.statusCode, 200, moved.body)
    let reads = 0
    const stale: ProgrammesService = {
      ...real,
      options: (s) => (reads++ === 0 ? Promise.resolve(earlier) : real.options(s)),
    }
    const projects = createProjectsService(t.appDatabase.db, stale)
    const rows = await inOrganisation(user, () =>
      projects.listProjects(scope, { programmeId: laterId, limit: 10 }),
    )
    assert.deepEqual(
      rows.map((p) => [p.reference, p.programme.reference, p.programme.name]),
      [['C-3', 'LATER', 'Later programme']],
    )
  })

  it('a change not yet committed is not seen by the token lookup: a revocation rolled back refuses nothing', async () => {
    const viewer = t.orgs.a.users.viewer
    const token = (
      await inOrganisation(viewer, () =>
        t.app.services.tokens.create(viewer.organisationId, viewer.id, 'rolled back'),
      )
    ).token
    await list(token)
    const rollback = new Error('roll back')
    let answer: Promise<{ statusCode: number }> | null = null
    await assert.rejects(
      t.database.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('api_tokens')
          .set({ revoked_at: new Date().toISOString() })
          .where('name', '=', 'rolled back')
          .execute()
        // A request arriving while the revocation is uncommitted (on SQLite it waits for the transaction).
        answer = t.api(token, 'GET', `/api/v1/projects?programmeId=${programmeId}`)
        await new Promise((resolve) => setImmediate(resolve))
        throw rollback
      }),
      rollback,
    )
    assert.equal((await answer!)?.statusCode, 200)
  })

  it('a revoked token is refused at once, even for a remembered answer', async () => {
    const viewer = t.orgs.a.users.viewer
    const token = (
      await inOrganisation(viewer, () =>
        t.app.services.tokens.create(viewer.organisationId, viewer.id, 'revoke me'),
      )
    ).token
    await list(token)
    const [summary] = await inOrganisation(viewer, () =>
      t.app.services.tokens.list(viewer.organisationId, viewer.id),
    )
    assert.ok(
      await inOrganisation(viewer, () =>
        t.app.services.tokens.revoke(viewer.organisationId, viewer.id, summary!.id),
      ),
    )
    const refused = await t.api(token, 'GET', `/api/v1/projects?programmeId=${programmeId}`)
    assert.equal(refused.statusCode, 401)
  })
})
