import type { Actor } from '../auth/actor.ts'
import { formatDate } from '../domain/dates.ts'
import { createDecisionsService } from '../modules/decisions/decisions.service.ts'
import { recordAudit } from '../modules/audit/audit.service.ts'
import { exceptionDecisionRecorder } from '../modules/tolerances/exception-decisions.ts'
import { addWorkingDays } from '../domain/working-days.ts'
import { DEMO_ACTOR } from './demo-loader.ts'
import type { DemoExtension } from './extensions.ts'

const RAISED_ON = '2020-06-15'
const DECIDED_ON = '2020-07-02'

/**
 * Tolerances for the ICT and Digital programme, and the exception the Covid response caused: the website
 * programme (ICT-01) forecast six months beyond its September 2020 end date once the team was seconded to
 * the pandemic response. The report was written and the board approved an exception plan — the
 * "expeditious reporting of issues" the panel asked for.
 */
export const governanceControlDemo: DemoExtension = async ({ trx, organisationId, people, now }) => {
  const at = now.toISOString()
  const website = await trx
    .selectFrom('projects')
    .select(['id', 'programme_id', 'reference', 'baseline_end'])
    .where('organisation_id', '=', organisationId)
    .where('reference', '=', 'ICT-01')
    .executeTakeFirst()
  if (!website) return

  const settings = await trx
    .insertInto('tolerance_settings')
    .values({
      organisation_id: organisationId,
      programme_id: website.programme_id,
      project_id: null,
      time_days: 60,
      cost_percent: 10,
      cost_pence: 2_500_000,
      scope_note: 'No new services added to the programme without the board',
      benefits_note: 'Channel shift to web and social no more than a quarter below the plan',
      risk_score: 15,
      report_working_days: 5,
      created_at: at,
      updated_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  await recordAudit(trx, {
    organisationId,
    actor: DEMO_ACTOR,
    action: 'create',
    entityType: 'tolerance_settings',
    entityId: settings.id,
    after: settings,
  })

  const forecastThen = '2021-03-31'
  const facts = [
    { label: 'Time tolerance', value: '60 days' },
    {
      label: 'End date',
      value: `182 days beyond the baseline of 30 September 2020 (forecast ${formatDate(forecastThen)})`,
    },
  ]
  const exception = await trx
    .insertInto('tolerance_exceptions')
    .values({
      organisation_id: organisationId,
      programme_id: website.programme_id,
      project_id: website.id,
      kind: 'time',
      source: 'forecast',
      status: 'reported',
      summary: 'Forecast slippage beyond the time tolerance of 60 days',
      facts_json: JSON.stringify({
        summary: 'Forecast slippage beyond the time tolerance of 60 days',
        facts,
      }),
      raised_at: `${RAISED_ON}T08:30:00.000Z`,
      raised_by: 'Scheduled tolerance check',
      report_due: addWorkingDays(RAISED_ON, 5),
      cause:
        'The Digital team was seconded to the Covid response in April 2020 under interim management’s formalised approach. Website content work stopped while the team delivered Covid content, grant applications and customer insight.',
      impact:
        'Website accessibility and content work is forecast to finish six months late. The accessibility regulations deadline of September 2020 will be missed for part of the site.',
      options:
        '1. Accept the delay and re-plan once the team returns.\n2. Buy in a contract web developer through PSPS (recharged as non-base contract cost).\n3. Reduce scope to the accessibility fixes only.',
      recommendation:
        'Option 1 with the accessibility statement published now: approve an exception plan with a new end date of 31 March 2021 and review monthly at the Digital Programme Board.',
      reported_at: '2020-06-19T15:00:00.000Z',
      reported_by: people.project_manager?.name ?? 'Project manager',
      created_at: at,
      updated_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  await recordAudit(trx, {
    organisationId,
    actor: DEMO_ACTOR,
    action: 'raise',
    entityType: 'exception',
    entityId: exception.id,
    after: exception,
  })

  // The board's decision goes into the decision log the way the page records it, in the Portfolio Holder's name.
  const ph = people.portfolio_holder
  if (!ph) return
  const actor: Actor = {
    userId: ph.id,
    name: ph.name,
    email: '',
    role: 'portfolio_holder',
    organisationId,
    organisationName: '',
    organisationSlug: '',
    ratingScale: 'ipa5',
    isDemo: true,
    via: 'session',
    partnerId: null,
    sessionId: null,
  }
  const outcome = 'Exception plan approved'
  const reasons =
    'The delay follows the redeployment of the team to the pandemic response, which the council prioritised. The board accepts the new end date and asks for monthly reporting against the exception plan.'
  const decision = await exceptionDecisionRecorder(createDecisionsService(trx)).recordExceptionDecision(
    trx,
    actor,
    {
      exceptionId: exception.id,
      projectId: website.id,
      title: `${website.reference}: Time exception – ${outcome}`,
      decisionText: outcome,
      reasons,
      optionsConsidered: exception.options,
      decidedOn: DECIDED_ON,
    },
  )
  const decided = await trx
    .updateTable('tolerance_exceptions')
    .set({
      status: 'decided',
      outcome: 'exception_plan_approved',
      outcome_reasons: reasons,
      decision_id: decision.id,
      decided_at: DECIDED_ON,
      decided_by: ph.name,
      // Demo data, written as the demo (DEMO_ACTOR), not a signed-in person: no stale version to guard against.
      // eslint-disable-next-line no-restricted-syntax -- see above
      version: exception.version + 1,
    })
    .where('id', '=', exception.id)
    .returningAll()
    .executeTakeFirstOrThrow()
  await recordAudit(trx, {
    organisationId,
    actor: DEMO_ACTOR,
    action: 'decide',
    entityType: 'exception',
    entityId: exception.id,
    before: exception,
    after: decided,
  })
}
