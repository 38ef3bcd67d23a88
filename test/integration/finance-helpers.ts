import assert from 'node:assert/strict'
import type { Actor } from '../../src/auth/actor.ts'
import type { TestApp, TestUser } from '../helpers/build-app.ts'

export function actorOf(u: TestUser): Actor {
  return {
    userId: u.id,
    name: u.name,
    email: u.email,
    role: u.role,
    organisationId: u.organisationId,
    organisationName: '',
    organisationSlug: '',
    ratingScale: 'ipa5',
    isDemo: false,
    via: 'session',
    partnerId: null,
    sessionId: null,
  }
}

/** A ledger payment, as the import would write it. */
export async function pay(
  t: TestApp,
  organisationId: number,
  projectId: number | null,
  date: string,
  pence: number,
  supplier = 'Acme Ltd',
) {
  const month = Number(date.slice(5, 7))
  const year = Number(date.slice(0, 4))
  const start = month >= 4 ? year : year - 1
  const ref = `T${Math.random().toString(36).slice(2)}`
  await t.database.db
    .insertInto('ledger_transactions')
    .values({
      organisation_id: organisationId,
      project_id: projectId,
      import_id: null,
      transaction_ref: ref,
      dedupe_key: `ref:${ref}`,
      content_hash: ref,
      transaction_date: date,
      period: date.slice(0, 7),
      financial_year: `${start}/${String((start + 1) % 100).padStart(2, '0')}`,
      amount_pence: pence,
      supplier_name: supplier,
      description: 'Payment',
      cost_centre: 'CC1',
      account_code: 'A1',
      expense_type: '',
      service_area: '',
      created_at: new Date().toISOString(),
    })
    .execute()
}

/** A table's text with one space between cells, as a person reads across it. */
export function tableText(el: Element | null): string {
  assert.ok(el, 'table is on the page')
  return [...el.querySelectorAll('tr')]
    .map((tr) =>
      [...tr.querySelectorAll('th, td')]
        .map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim())
        .join(' '),
    )
    .join('\n')
}
