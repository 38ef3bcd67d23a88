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

  const count = async (table: 'board_members' | 'committee_members' | 'agenda_items' | 'agenda_item_links') =>
    Number(
      (
        await t.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  it('a board member who is another council’s person, or no one, is refused and not stored', async () => {
    const board = await t.api(token, 'POST', '/api/v1/boards', { name: 'ICT Programme Board' })
    assert.equal(board.statusCode, 201, board.body)
    const boardId = board.json<{ id: number }>().id
    const before = await count('board_members')
    for (const userId of [t.orgs.b.users.administrator.id, 999_999]) {
      const res = await t.api(token, 'POST', `/api/v1/boards/${boardId}/members`, {
        userId,
        capacity: 'member',
      })
      assert.equal(res.statusCode, 400, res.body)
      assert.equal(res.json<ErrorJson>().fields.userId, 'Select a person from the list')
    }
    assert.equal(await count('board_members'), before, 'nothing stored')
  })

  it('a committee member or an agenda item’s programme from another council, or none, is refused', async () => {
    const clerk = await t.signIn(t.orgs.a.users.administrator)
    const committee = await clerk.post('/committees', {
      name: 'Panel',
      code: 'PNL',
      kind: 'scrutiny_panel',
      description: '',
      responseMonths: '2',
    })
    assert.equal(committee.status, 303, committee.text)
    const committeeUrl = committee.location ?? ''
    const members = await count('committee_members')
    for (const userId of [t.orgs.b.users.administrator.id, 999_999]) {
      const res = await clerk.post(`${committeeUrl}/members`, {
        userId: String(userId),
        name: '',
        role: 'member',
      })
      assert.equal(res.status, 400, res.text)
      assert.match(res.text, /Choose someone in your organisation/)
    }
    assert.equal(await count('committee_members'), members, 'no member stored')

    const meeting = await clerk.post(`${committeeUrl}/meetings`, {
      'meetingDate-day': '18',
      'meetingDate-month': '3',
      'meetingDate-year': '2021',
      startTime: '',
      place: 'Council Chamber',
      status: 'held',
    })
    assert.equal(meeting.status, 303, meeting.text)
    const foreignProgramme = (
      await t.api(await t.tokenFor(t.orgs.b.users.administrator), 'GET', '/api/v1/programmes')
    ).json<{ items: { id: number }[] }>().items[0]!.id
    const links = await count('agenda_item_links')
    const items = await count('agenda_items')
    for (const programmeId of [foreignProgramme, 999_999]) {
      const res = await clerk.post(`${meeting.location ?? ''}/items`, {
        number: '1',
        title: 'Budget',
        purpose: '',
        reportsPresented: '',
        presenters: '',
        minutes: '',
        programmeId: String(programmeId),
      })
      assert.equal(res.status, 400, res.text)
      assert.match(res.text, /Choose a programme of your organisation/)
    }
    assert.equal(await count('agenda_item_links'), links, 'no link stored')
    assert.equal(await count('agenda_items'), items, 'nor the item: one transaction')
  })
})
