import { addMonths } from '../domain/dates.ts'
import { periodOf, periodsBetween } from '../domain/periods.ts'
import { ensureLifecycle } from '../modules/gates/gates.repository.ts'
import { PASSED_BEFORE_OVERSIGHT } from '../modules/gates/gates.rules.ts'
import { demoInserter } from './demo-insert.ts'
import type { DemoContext } from './extensions.ts'

/** Issue 10's demo links, told after the capacity demo: the resources gate, and PSPS's recharge to its person. */
export async function resourcingLinksDemo(ctx: DemoContext) {
  await gateResourcesDemo(ctx)
  await rechargePersonDemo(ctx)
}

/**
 * PSPS's web developer (Lee Harper, of PSPS's staff in the people register) is whom its monthly recharges to
 * the website programme are for: the finance demo recharges them before the register exists, so the link is
 * made here, as the recharges were recorded.
 */
async function rechargePersonDemo({ trx, organisationId: org }: DemoContext) {
  const lee = await trx
    .selectFrom('people')
    .innerJoin('partners', 'partners.id', 'people.partner_id')
    .select('people.id')
    .where('people.organisation_id', '=', org)
    .where('people.name', '=', 'Lee Harper')
    .where('partners.name', '=', 'PSPS')
    .executeTakeFirstOrThrow()
  const psps = trx
    .selectFrom('partners')
    .select('id')
    .where('organisation_id', '=', org)
    .where('name', '=', 'PSPS')
  await trx
    .updateTable('partner_recharges')
    .set({ person_id: lee.id })
    .where('organisation_id', '=', org)
    .where('partner_id', 'in', psps)
    .where('description', '=', 'Web developer')
    .execute()
}

/**
 * The delivery gate requires resources in place (issue 10): after the panel heard that the staff were in post
 * nine months after the proposed start, Marshland's full business case gate checks that every role a project
 * needs in the three months after the decision has people allocated. Northgate (ICT-05), whose outline
 * business case was approved before the council used Oversight, is the project that shows it: its next gate
 * is the full business case, and the system administrator it needs from next month has no one allocated, so
 * the gates page says the gate needs resources in place and passing it is refused naming the role.
 */
async function gateResourcesDemo({ trx, organisationId: org, today, now }: DemoContext) {
  const add = demoInserter(trx, org, now)
  const gates = await ensureLifecycle(trx, org)
  const obc = gates.find((g) => g.code === 'OBC')!
  const fbc = gates.find((g) => g.code === 'FBC')!
  // As the lifecycle was set up: the demo's gates are created with the organisation, not changed later.
  await trx.updateTable('lifecycle_gates').set({ requires_resources: 1 }).where('id', '=', fbc.id).execute()

  const northgate = (
    await trx
      .selectFrom('projects')
      .select('id')
      .where('organisation_id', '=', org)
      .where('reference', '=', 'ICT-05')
      .executeTakeFirstOrThrow()
  ).id
  const decision = await add('decisions', 'decision', {
    kind: 'gate_before_oversight',
    title: `${obc.name} gate passed before Oversight`,
    decision_text: `The ${obc.name} gate was passed before the project was recorded in Oversight: approved by the Digital Programme Board, on 7 September 2020.`,
    decided_on: '2020-09-07',
    decided_by_user_id: null,
    decided_by_name: 'Digital Programme Board',
    capacity: '',
    board_id: null,
    options_considered: '',
    reasons: PASSED_BEFORE_OVERSIGHT,
    is_key: 0,
    status: 'published',
    approved_budget_pence: null,
    supersedes_id: null,
    published_at: now.toISOString(),
    recorded_by: null,
  })
  await add('project_gates', 'project_gate', {
    project_id: northgate,
    gate_id: obc.id,
    status: 'before_oversight',
    decision_id: decision,
    passed_on: '2020-09-07',
  })

  const role = await add('project_roles', 'project_role', {
    project_id: northgate,
    title: 'Northgate system administrator',
    team: 'Revenues and Benefits',
    source: '',
  })
  await trx
    .insertInto('project_role_months')
    .values(
      periodsBetween(periodOf(addMonths(today, 1)), periodOf(addMonths(today, 12))).map((period) => ({
        organisation_id: org,
        role_id: role,
        period,
        fte_hundredths: 100,
      })),
    )
    .execute()
}
