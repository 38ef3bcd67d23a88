import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { formatDate, todayInLondon } from '../../src/domain/dates.ts'
import { buildTestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

const t = await buildTestApp()
const a = t.orgs.a
const ph = a.users.portfolio_holder

describe(`the Portfolio Holder's page lists decisions and exceptions awaiting them (${dialectName()})`, () => {
  let token = ''
  let decisionId = 0
  let exceptionId = 0
  after(() => t.close())

  before(async () => {
    token = await t.tokenFor(a.users.administrator)
    const create = async (url: string, body: Record<string, unknown>) => {
      const res = await t.api(token, 'POST', url, body)
      assert.equal(res.statusCode, 201, res.body)
      return res.json<{ id: number }>().id
    }
    decisionId = await create('/api/v1/decisions', {
      title: 'Approve the resourcing plan',
      capacity: 'portfolio_holder',
      status: 'awaiting_decision',
    })
    await create('/api/v1/decisions', { title: 'A draft not yet put forward', capacity: 'portfolio_holder' })
    const programmeId = await create('/api/v1/programmes', { reference: 'ICT-P', name: 'ICT and Digital' })
    const projectId = await create('/api/v1/projects', {
      reference: 'ICT-02',
      name: 'Online contact forms',
      programmeId,
    })
    exceptionId = await create('/api/v1/exceptions', {
      projectId,
      kind: 'scope',
      summary: 'Payments module dropped from scope',
    })
    // The exception report is written: it now waits for the board (its writing is the tolerances area's test).
    await t.database.db
      .updateTable('tolerance_exceptions')
      .set({ status: 'reported', reported_at: new Date().toISOString() })
      .where('id', '=', exceptionId)
      .execute()
  })

  it('shows decisions awaiting a Portfolio Holder with the date and a link, not drafts', async () => {
    const page = await (await t.signIn(ph)).get('/scrutiny/awaiting-response')
    assert.equal(page.status, 200)
    const section = page.document.querySelector('#decisions + .app-table-wrap table')
    assert.ok(section, 'a table of decisions follows the heading')
    const text = section.textContent ?? ''
    assert.match(text, /Approve the resourcing plan/)
    assert.match(text, new RegExp(formatDate(todayInLondon())))
    assert.doesNotMatch(text, /A draft not yet put forward/)
    assert.ok(section.querySelector(`a[href="/decisions/${decisionId}"]`), 'links to the decision')
  })

  it('shows exceptions awaiting the board only to someone who sits on a board', async () => {
    const before = await (await t.signIn(ph)).get('/scrutiny/awaiting-response')
    assert.doesNotMatch(before.text, /Payments module dropped from scope/)
    const board = await t.api(token, 'POST', '/api/v1/boards', { name: 'Digital Programme Board' })
    assert.equal(board.statusCode, 201, board.body)
    const member = await t.api(token, 'POST', `/api/v1/boards/${board.json<{ id: number }>().id}/members`, {
      userId: ph.id,
      capacity: 'portfolio_holder',
    })
    assert.equal(member.statusCode, 201, member.body)
    const page = await (await t.signIn(ph)).get('/scrutiny/awaiting-response')
    const table = page.document.querySelector('#exceptions + .app-table-wrap table')
    assert.ok(table, 'a table of exceptions follows the heading')
    assert.match(table.textContent ?? '', /ICT-02 Online contact forms/)
    assert.ok(table.querySelector(`a[href="/exceptions/${exceptionId}"]`), 'links to the exception')
  })

  it('shows another council none of it', async () => {
    const page = await (await t.signIn(t.orgs.b.users.portfolio_holder)).get('/scrutiny/awaiting-response')
    assert.equal(page.status, 200)
    assert.doesNotMatch(page.text, /Approve the resourcing plan|Payments module/)
  })
})
