import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { formatDateTime } from '../../src/domain/dates.ts'
import { sha256 } from '../../src/modules/auth/auth.service.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { sessionFor } from '../helpers/sessions.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

const DAY_MS = 24 * 60 * 60 * 1000

// ASVS V7.3.2: API tokens expire. Chosen when the token is made: 90 days unless said otherwise, a year at most.
describe('API token expiry', () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(async () => t.close())

  async function tokenRow(token: string) {
    return t.database.db
      .selectFrom('api_tokens')
      .select(['expires_at', 'created_at'])
      .where('token_hash', '=', sha256(token))
      .executeTakeFirstOrThrow()
  }

  it('a token made on the page lasts the days chosen, and the list shows when it expires', async () => {
    const person = await sessionFor(t, t.orgs.a.users.finance_officer)
    const form = await person.get('/account/tokens')
    assert.equal(form.document.querySelector('input[name="days"]')?.getAttribute('value'), '90')
    const made = await person.post('/account/tokens', { name: 'Monthly export', days: '30' })
    assert.equal(made.status, 200)
    const token = made.document.querySelector<HTMLInputElement>('#newToken')!.getAttribute('value')!
    const row = await tokenRow(token)
    const days = (Date.parse(row.expires_at!) - Date.parse(row.created_at)) / DAY_MS
    assert.ok(Math.abs(days - 30) < 0.01, `expires in ${days} days`)
    assert.match(made.text, /Last used Expires Status Monthly export ovt_/)
    const expiry = formatDateTime(row.expires_at!)
    assert.ok(made.text.includes(expiry), `shows ${expiry}`)
  })

  it('refuses a token of no days or of more than a year, with a message', async () => {
    const person = await sessionFor(t, t.orgs.a.users.finance_officer)
    await person.get('/account/tokens')
    for (const [days, message] of [
      ['366', /A token can last at most 365 days/],
      ['0', /A token must last at least 1 day/],
      ['ninety', /Enter the number of days as a whole number, like 90/],
    ] as const) {
      const refused = await person.post('/account/tokens', { name: 'Too long', days })
      assert.equal(refused.status, 400, days)
      assert.match(refused.text, /There is a problem/)
      assert.match(refused.text, message)
    }
    const count = await t.database.db
      .selectFrom('api_tokens')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('name', '=', 'Too long')
      .executeTakeFirstOrThrow()
    assert.equal(Number(count.n), 0)
  })

  it('an expired token answers 401 as a revoked one does, and is listed as expired', async () => {
    const user = t.orgs.a.users.programme_manager
    const { token } = await inOrganisation(user, () =>
      t.app.services.tokens.create(user.organisationId, user.id, 'Old script'),
    )
    const { token: revokedToken, id } = await inOrganisation(user, () =>
      t.app.services.tokens.create(user.organisationId, user.id, 'Revoked script'),
    )
    await inOrganisation(user, () => t.app.services.tokens.revoke(user.organisationId, user.id, id))
    assert.equal((await t.api(token, 'GET', '/api/v1/programmes')).statusCode, 200)
    await t.database.db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('token_hash', '=', sha256(token))
      .execute()
    const expired = await t.api(token, 'GET', '/api/v1/programmes')
    const revoked = await t.api(revokedToken, 'GET', '/api/v1/programmes')
    assert.equal(expired.statusCode, 401)
    assert.deepEqual(expired.json(), revoked.json())
    const page = await (await sessionFor(t, user)).get('/account/tokens')
    assert.match(page.text, /Old script .*Expired/)
  })
})
