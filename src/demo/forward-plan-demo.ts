import { addDays, type IsoDate } from '../domain/dates.ts'
import { isWorkingDay } from '../domain/working-days.ts'
import { demoInserter } from './demo-insert.ts'
import type { DemoContext } from './extensions.ts'

/** The working day on or before `d`: a plan is published, and a decision taken, on a day the offices are open. */
function workingDayBy(d: IsoDate): IsoDate {
  let day = d
  while (!isWorkingDay(day)) day = addDays(day, -1)
  return day
}

/**
 * Marshland's forward plan (issue 12): the ICT decisions Cabinet and the Portfolio Holder expect to take. The
 * CRM replacement contract award is exempt (Schedule 12A paragraph 3, the bidders' commercial information);
 * the 2021 extension of the programme was put on the plan only 13 clear days before it was taken (the 28-day
 * rule broken, as the panel found "a monitoring process had not been in place"); the telephony decision was
 * published yesterday and is in its call-in period. The papers for the panel of 18 March 2021 went out on
 * 10 March, five clear working days before.
 */
export async function forwardPlanDemo({ trx, organisationId: org, people, today, now }: DemoContext) {
  const add = demoInserter(trx, org, now)
  const ph = people.portfolio_holder
  const projectId = async (reference: string) =>
    (
      await trx
        .selectFrom('projects')
        .select('id')
        .where('organisation_id', '=', org)
        .where('reference', '=', reference)
        .executeTakeFirst()
    )?.id ?? null
  const programme = await trx
    .selectFrom('programmes')
    .select('id')
    .where('organisation_id', '=', org)
    .where('reference', '=', 'ICT-2019')
    .executeTakeFirst()
  const cabinet = await add('boards', 'board', {
    name: 'Cabinet',
    remit: 'The council’s executive: takes key decisions that are not delegated to a Portfolio Holder.',
    programme_id: null,
  })
  const entry = (v: {
    title: string
    description: string
    board?: number
    expected: IsoDate
    listed: IsoDate
    exemptParagraph?: string
    status: string
    decisionId?: number | null
    projectId?: number | null
  }) =>
    add('forward_plan_entries', 'forward_plan_entry', {
      title: v.title,
      description: v.description,
      board_id: v.board ?? null,
      decision_maker_user_id: v.board ? null : (ph?.id ?? null),
      decision_maker: v.board ? 'Cabinet' : (ph?.name ?? 'Portfolio Holder'),
      expected_on: v.expected,
      listed_on: v.listed,
      is_exempt: v.exemptParagraph ? 1 : 0,
      exempt_paragraph: v.exemptParagraph ?? '',
      status: v.status,
      decision_id: v.decisionId ?? null,
      programme_id: programme?.id ?? null,
      project_id: v.projectId ?? null,
    })

  await entry({
    title: 'Award of the CRM replacement contract',
    description:
      'Award of a five-year contract for a customer relationship management system to replace the current CRM, after a further competition under a public sector framework.',
    board: cabinet,
    expected: workingDayBy(addDays(today, 45)),
    listed: workingDayBy(addDays(today, -6)),
    exemptParagraph: '3',
    status: 'planned',
    projectId: await projectId('ICT-03'),
  })

  // The extension of 2021, on the plan only from 10 June for a decision taken on 24 June.
  const extension = await trx
    .selectFrom('decisions')
    .select('id')
    .where('organisation_id', '=', org)
    .where('title', '=', 'Programme extended after the 2021 review')
    .executeTakeFirst()
  await entry({
    title: 'Extension of the ICT and Digital Work Programme beyond March 2022',
    description: 'Continue the outstanding work of the 2019 programme, reviewed for relevance.',
    expected: '2021-06-24',
    listed: '2021-06-10',
    status: 'taken',
    decisionId: extension?.id ?? null,
  })

  // Published yesterday (the last working day): in its call-in period for five clear working days.
  const takenOn = workingDayBy(addDays(today, -1))
  const telephony = await add('decisions', 'decision', {
    kind: 'general',
    title: 'Replacement of the telephony platform',
    decision_text: 'Move the council’s telephony to a cloud contact centre platform integrated with the CRM.',
    decided_on: takenOn,
    decided_by_user_id: ph?.id ?? null,
    decided_by_name: ph?.name ?? 'Portfolio Holder',
    capacity: 'portfolio_holder',
    board_id: null,
    options_considered: 'Renew the on-premises system; move to a cloud platform.',
    reasons:
      'The on-premises system is out of support in March; the cloud platform costs less over five years.',
    is_key: 1,
    status: 'published',
    approved_budget_pence: null,
    supersedes_id: null,
    published_at: `${takenOn}T16:00:00.000Z`,
    recorded_by: null,
  })
  await entry({
    title: 'Replacement of the telephony platform',
    description: 'Cloud contact centre replacing the on-premises telephony.',
    expected: takenOn,
    listed: workingDayBy(addDays(takenOn, -42)),
    status: 'taken',
    decisionId: telephony,
    projectId: await projectId('ICT-03'),
  })

  await trx
    .updateTable('meetings')
    .set({ papers_published_on: '2021-03-10' })
    .where('organisation_id', '=', org)
    .where('meeting_date', '=', '2021-03-18')
    .execute()
}
