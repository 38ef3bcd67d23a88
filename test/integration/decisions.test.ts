import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { wholeOrganisation } from '../../src/auth/visibility.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

interface DecisionJson {
  id: number
  version: number
  status: string
  title: string
  supersedesId: number | null
  supersededById: number | null
  links: { recordType: string; recordId: number }[]
}
interface ErrorJson {
  message: string
  fields: Record<string, string>
}

describe(`decisions and boards (${dialectName()})`, () => {
  let t: TestApp
  let token: string

  before(async () => {
    t = await buildTestApp()
    token = await t.tokenFor(t.orgs.a.users.portfolio_holder)
  })
  after(() => t.close())

  const published = {
    title: 'Extend the ICT and Digital programme to March 2022',
    decisionText: 'The programme is extended by twelve months after the 2021 review.',
    decidedOn: '2021-03-10',
    decidedByName: 'Cllr Amelia Patel',
    capacity: 'portfolio_holder',
    reasons: 'Covid-19 delayed the website and forms projects.',
    status: 'published',
    isKey: true,
  }

  it('refuses to publish a decision without what, when, who and why', async () => {
    const res = await t.api(token, 'POST', '/api/v1/decisions', {
      title: 'Incomplete',
      capacity: 'board',
      status: 'published',
    })
    assert.equal(res.statusCode, 400)
    const fields = res.json<ErrorJson>().fields
    assert.deepEqual(Object.keys(fields).sort(), [
      'boardId',
      'decidedByName',
      'decidedOn',
      'decisionText',
      'reasons',
    ])
  })

  it('keeps a published decision immutable; a correction supersedes it and both stay visible', async () => {
    const created = await t.api(token, 'POST', '/api/v1/decisions', published)
    assert.equal(created.statusCode, 201, created.body)
    const d = created.json<DecisionJson>()

    const edit = await t.api(token, 'PATCH', `/api/v1/decisions/${d.id}`, {
      version: d.version,
      title: 'Changed',
    })
    assert.equal(edit.statusCode, 409)
    assert.match(edit.json<ErrorJson>().message, /published decision cannot be changed/)

    // Through the page, too: the edit page explains and offers a correction instead.
    const ph = await t.signIn(t.orgs.a.users.portfolio_holder)
    const editPage = await ph.get(`/decisions/${d.id}/edit`)
    assert.equal(editPage.status, 409)
    assert.match(editPage.text, /record a correction/i)

    const correction = await ph.post(`/decisions/${d.id}/supersede`, {
      title: 'Extend the ICT and Digital programme to June 2022',
      decisionText: 'The programme is extended to June 2022, not March.',
      capacity: 'portfolio_holder',
      decidedByName: 'Cllr Amelia Patel',
      'decidedOn-day': '24',
      'decidedOn-month': '3',
      'decidedOn-year': '2021',
      reasons: 'The March date in the original entry was a clerical error.',
      status: 'published',
    })
    assert.equal(correction.status, 303, correction.text)
    const newId = Number(correction.location?.split('/').pop())

    const original = (await t.api(token, 'GET', `/api/v1/decisions/${d.id}`)).json<DecisionJson>()
    assert.equal(original.title, published.title, 'the original is unchanged')
    assert.equal(original.supersededById, newId)
    const corrected = (await t.api(token, 'GET', `/api/v1/decisions/${newId}`)).json<DecisionJson>()
    assert.equal(corrected.supersedesId, d.id)

    const originalPage = await ph.get(`/decisions/${d.id}`)
    assert.match(originalPage.text, /This decision was superseded by/)
    const log = await ph.get('/decisions')
    assert.match(log.text, /to March 2022/)
    assert.match(log.text, /to June 2022/)

    const again = await t.api(token, 'POST', `/api/v1/decisions/${d.id}/supersede`, published)
    assert.equal(again.statusCode, 409, 'a superseded decision is corrected through its newer entry')
  })

  it('lets a draft change, and lists decisions awaiting a Portfolio Holder', async () => {
    const draft = await t.api(token, 'POST', '/api/v1/decisions', {
      title: 'Approve the resourcing plan',
      capacity: 'portfolio_holder',
      status: 'awaiting_decision',
    })
    assert.equal(draft.statusCode, 201, draft.body)
    const d = draft.json<DecisionJson>()
    const waiting = await inOrganisation(t.orgs.a, () =>
      t.app.services.decisions.awaitingPortfolioHolder(wholeOrganisation(t.orgs.a.id)),
    )
    assert.deepEqual(
      waiting.map((w) => w.id),
      [d.id],
    )
    const changed = await t.api(token, 'PATCH', `/api/v1/decisions/${d.id}`, {
      version: d.version,
      title: 'Approve the resourcing plan 2021/22',
    })
    assert.equal(changed.statusCode, 200, changed.body)
    assert.equal(changed.json<DecisionJson>().version, d.version + 1)
  })

  it('keeps boards with members and their capacity; another council sees none of it', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const bad = await pm.post('/boards', { name: '', remit: '' })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Enter the name of the board/)
    const made = await pm.post('/boards', {
      name: 'Digital Programme Board',
      remit: 'Oversees the ICT and Digital programme',
    })
    assert.equal(made.status, 303)
    const boardUrl = made.location!
    const member = await pm.post(`${boardUrl}/members`, {
      name: 'Cllr Amelia Patel',
      capacity: 'portfolio_holder',
    })
    assert.equal(member.status, 303)
    const page = await pm.get(boardUrl)
    assert.match(page.text, /Cllr Amelia Patel/)
    assert.match(page.text, /Portfolio Holder/)

    const other = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await other.get(boardUrl)).status, 404)
    const otherToken = await t.tokenFor(t.orgs.b.users.administrator)
    const list = await t.api(otherToken, 'GET', '/api/v1/decisions')
    assert.deepEqual(list.json<{ items: unknown[] }>().items, [])
  })
})
