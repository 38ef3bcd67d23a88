import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { hashPassword } from '../../src/auth/passwords.ts'
import { buildTestApp, TEST_PASSWORD, type TestUser } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

/**
 * Partners as the council deals with them (issue 10): kind, agreement, services and staff, on the page and
 * through the API, with field errors; and two partners in one council, each officer seeing only their own
 * partner's record and recharges, never the other's name.
 */
const t = await buildTestApp()
const a = t.orgs.a

interface PartnerJson {
  id: number
  version: number
  name: string
  kind: string
  agreementStartsOn: string | null
  agreementEndsOn: string | null
  services: string[]
  endedOn: string | null
}

describe(`partners: kind, agreement, services and staff; two partners apart (${dialectName()})`, () => {
  let admin = ''
  let psps = 0
  let supplier = 0
  let supplierOfficer: TestUser
  let projectId = 0
  after(() => t.close())

  before(async () => {
    admin = await t.tokenFor(a.users.administrator)
    const at = new Date().toISOString()
    const user = await t.database.db
      .insertInto('users')
      .values({
        email: 'supplier.officer@alpha.test',
        name: 'Supplier officer',
        password_hash: await hashPassword(TEST_PASSWORD),
        is_active: 1,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await t.database.db
      .insertInto('memberships')
      .values({ organisation_id: a.id, user_id: user.id, role: 'partner_officer', created_at: at })
      .execute()
    supplierOfficer = {
      id: user.id,
      email: 'supplier.officer@alpha.test',
      name: 'Supplier officer',
      role: 'partner_officer',
      organisationId: a.id,
    }
    psps = await t.partner(a, 'PSPS', a.users.partner_officer)
    supplier = await t.partner(a, 'Web Supplies Ltd', supplierOfficer)
    const programme = await t.api(admin, 'POST', '/api/v1/programmes', {
      reference: 'PRG-P',
      name: 'Digital',
    })
    const project = await t.api(admin, 'POST', '/api/v1/projects', {
      reference: 'PP-1',
      name: 'Website shared with both',
      programmeId: programme.json<{ id: number }>().id,
      stage: 'approved',
    })
    assert.equal(project.statusCode, 201, project.body)
    projectId = project.json<{ id: number }>().id
    await t.share(projectId, [psps, supplier])
    for (const [partnerId, description] of [
      [psps, 'PSPS web developer'],
      [supplier, 'Supplier hosting'],
    ] as const) {
      const r = await t.api(admin, 'POST', `/api/v1/projects/${projectId}/recharges`, {
        partnerId,
        description,
        period: '2025-06',
        amountPence: 100_00,
        costBasis: 'non_base',
      })
      assert.equal(r.statusCode, 201, r.body)
    }
  })

  it('records a partner’s kind, agreement and services through the API, and changes them against a version', async () => {
    const created = await t.api(admin, 'POST', '/api/v1/partners', {
      name: 'Fenland District Council',
      kind: 'neighbouring_council',
      agreementStartsOn: '2016-04-01',
      agreementEndsOn: '2026-03-31',
      services: ['Revenues and benefits', ' Web hosting '],
    })
    assert.equal(created.statusCode, 201, created.body)
    const p = created.json<PartnerJson>()
    assert.equal(p.kind, 'neighbouring_council')
    assert.equal(p.agreementStartsOn, '2016-04-01')
    assert.deepEqual(p.services, ['Revenues and benefits', 'Web hosting'])
    assert.equal(p.endedOn, null)

    const changed = await t.api(admin, 'PATCH', `/api/v1/partners/${p.id}`, {
      version: p.version,
      kind: 'supplier',
      services: ['Hosting'],
    })
    assert.equal(changed.statusCode, 200, changed.body)
    const c = changed.json<PartnerJson>()
    assert.equal(c.kind, 'supplier')
    assert.equal(c.agreementEndsOn, '2026-03-31', 'a field left out keeps its value')
    assert.deepEqual(c.services, ['Hosting'])

    const bad = await t.api(admin, 'PATCH', `/api/v1/partners/${p.id}`, {
      version: c.version,
      agreementEndsOn: '2015-01-01',
    })
    assert.equal(bad.statusCode, 400, bad.body)
    assert.match(
      bad.json<{ fields: Record<string, string> }>().fields.agreementEndsOn ?? '',
      /after the agreement start/,
    )
    const history = await (await t.signIn(a.users.administrator)).get(`/history/partner/${p.id}`)
    assert.equal(history.status, 200)
    assert.match(history.text, /Hosting/)
  })

  it('shows the partner’s page with its staff, and the form’s errors in a GOV.UK summary', async () => {
    const person = await t.api(admin, 'POST', '/api/v1/people', {
      name: 'Priya Web',
      kind: 'partner_staff',
      partnerId: psps,
      userId: null,
      jobTitle: 'Web developer',
      team: 'Digital',
      email: '',
    })
    assert.equal(person.statusCode, 201, person.body)
    const browser = await t.signIn(a.users.administrator)
    const page = await browser.get(`/partners/${psps}`)
    assert.equal(page.status, 200)
    assert.match(page.text, /Staff/)
    assert.match(page.text, /Priya Web/)
    assert.match(page.text, /Web developer/)

    await browser.get('/partners/new')
    const bad = await browser.post('/partners', {
      name: 'Bad dates',
      kind: 'supplier',
      'agreementStartsOn-day': '1',
      'agreementStartsOn-month': '4',
      'agreementStartsOn-year': '2020',
      'agreementEndsOn-day': '31',
      'agreementEndsOn-month': '3',
      'agreementEndsOn-year': '2019',
      services: '',
      baseContract: '',
      annualBaseContract: '',
    })
    assert.equal(bad.status, 400)
    assert.match(
      bad.document.querySelector('.govuk-error-summary')?.textContent ?? '',
      /Agreement end must be the same as or after/,
    )
    const none = await t.api(admin, 'GET', '/api/v1/partners')
    assert.ok(!none.body.includes('Bad dates'), 'nothing saved')
  })

  it('shows each partner officer only their own partner and its recharges: pages and API', async () => {
    for (const [officer, own, other, ownText, otherText] of [
      [supplierOfficer, supplier, psps, 'Supplier hosting', 'PSPS'],
      [a.users.partner_officer, psps, supplier, 'PSPS web developer', 'Web Supplies'],
    ] as const) {
      const browser = await t.signIn(officer)
      const list = await browser.get('/partners')
      assert.equal(list.status, 200)
      assert.ok(!list.text.includes(otherText), `the partner list names no other partner: ${list.text}`)
      assert.equal((await browser.get(`/partners/${other}`)).status, 404)
      assert.equal((await browser.get(`/partners/${own}`)).status, 200)
      const finance = await browser.get(`/projects/${projectId}/finance?year=2025-26`)
      assert.equal(finance.status, 200)
      assert.match(finance.text, new RegExp(ownText))
      assert.ok(!finance.text.includes(otherText), 'the project’s finance shows no other partner’s recharge')

      const token = await t.tokenFor(officer)
      const partners = await t.api(token, 'GET', '/api/v1/partners')
      assert.deepEqual(
        partners.json<{ items: PartnerJson[] }>().items.map((p) => p.id),
        [own],
      )
      assert.equal((await t.api(token, 'GET', `/api/v1/partners/${other}`)).statusCode, 404)
      const recharges = await t.api(token, 'GET', `/api/v1/projects/${projectId}/recharges`)
      assert.deepEqual(
        recharges.json<{ items: Array<{ partnerId: number }> }>().items.map((r) => r.partnerId),
        [own],
      )
    }
  })
})
