import type { Insertable } from 'kysely'
import type { DB } from '../db/schema.ts'
import { addDays, type IsoDate } from '../domain/dates.ts'
import { recordAudit } from '../modules/audit/audit.service.ts'
import { ensureLifecycle } from '../modules/gates/gates.service.ts'
import { DEMO_ACTOR } from './demo-loader.ts'
import type { DemoExtension } from './extensions.ts'

/**
 * Gates, the business case, decisions, the Digital Programme Board and the RAID log for Marshland, as the
 * minute tells it: the programme was signed off in 2019 "at a high strategic level without an accompanying
 * detailed business case or scoping exercise", so the projects still in delivery have passed only their
 * strategic outline gate and the governance check flags them; resilience was "considered" with
 * mitigations against network failure; the Portfolio Holder extended the programme after the 2021 review.
 */
export const governanceDemo: DemoExtension = async (ctx) => {
  const { trx, organisationId, people, today } = ctx
  const at = ctx.now.toISOString()
  const stamp = { organisation_id: organisationId, created_at: at, updated_at: at }

  type Audited =
    | 'boards'
    | 'board_members'
    | 'decisions'
    | 'project_gates'
    | 'business_cases'
    | 'risks'
    | 'risk_actions'
    | 'raid_issues'
    | 'assumptions'
    | 'dependencies'
  async function add<T extends Audited>(
    table: T,
    entityType: string,
    values: Omit<Insertable<DB[T]>, 'organisation_id' | 'created_at' | 'updated_at'> & {
      /** When the story says it was recorded, if not as the demo loads. */
      created_at?: string
    },
  ) {
    const row = (await trx
      .insertInto(table)
      .values({ ...stamp, ...values } as never)
      .returningAll()
      .executeTakeFirstOrThrow()) as unknown as { id: number }
    await recordAudit(trx, {
      organisationId,
      actor: DEMO_ACTOR,
      action: 'create',
      entityType,
      entityId: row.id,
      after: row,
    })
    return row.id
  }
  async function link(decisionId: number, recordType: string, recordId: number) {
    await trx
      .insertInto('decision_links')
      .values({
        organisation_id: organisationId,
        decision_id: decisionId,
        record_type: recordType,
        record_id: recordId,
        created_at: at,
      })
      .execute()
  }

  const projects = await trx
    .selectFrom('projects')
    .select(['id', 'reference'])
    .where('organisation_id', '=', organisationId)
    .execute()
  const project = (ref: string) => {
    const p = projects.find((x) => x.reference === ref)
    if (!p) throw new Error(`governance demo: project ${ref} not found`)
    return p.id
  }
  const gates = await ensureLifecycle(trx, organisationId)
  const soc = gates.find((g) => g.code === 'SOC')!

  const ph = people.portfolio_holder
  const pm = people.programme_manager
  const board = await add('boards', 'board', {
    name: 'Digital Programme Board',
    remit:
      'Oversees the ICT and Digital Work Programme 2019–2022: approves gates, exception plans and changes to scope, time and budget.',
    programme_id: null,
  })
  for (const [person, name, capacity] of [
    [ph, ph?.name, 'chair'],
    [pm, pm?.name, 'programme_manager'],
    [people.partner_officer, people.partner_officer?.name, 'member'],
    [people.finance_officer, people.finance_officer?.name, 'finance'],
    [people.service_manager, people.service_manager?.name, 'member'],
  ] as const) {
    if (person && name)
      await add('board_members', 'board_member', { board_id: board, user_id: person.id, name, capacity })
  }

  const decision = (
    v: Partial<Insertable<DB['decisions']>> & { title: string; capacity: string; status: string },
  ) =>
    add('decisions', 'decision', {
      kind: 'general',
      decision_text: '',
      decided_on: null,
      decided_by_user_id: null,
      decided_by_name: '',
      board_id: null,
      options_considered: '',
      reasons: '',
      is_key: 0,
      approved_budget_pence: null,
      supersedes_id: null,
      published_at: v.status === 'published' ? at : null,
      recorded_by: null,
      ...v,
    })

  const signOff = await decision({
    kind: 'gate_approval',
    title: 'ICT and Digital Work Programme 2019–2022 signed off',
    decision_text: 'The programme is approved as the council’s digital strategy for 2019 to 2022.',
    decided_on: '2019-07-15',
    decided_by_user_id: ph?.id ?? null,
    decided_by_name: ph?.name ?? 'Portfolio Holder',
    capacity: 'portfolio_holder',
    options_considered: 'Approve the programme; defer to a detailed business case.',
    reasons:
      'A strategic direction for digital services was needed. The minute records that the programme was drafted at a high strategic level without an accompanying detailed business case or scoping exercise.',
    is_key: 1,
    status: 'published',
  })
  for (const ref of ['ICT-01', 'ICT-05', 'ICT-06']) {
    const projectId = project(ref)
    await link(signOff, 'project', projectId)
    const gate = await add('project_gates', 'project_gate', {
      project_id: projectId,
      gate_id: soc.id,
      status: 'passed',
      decision_id: signOff,
      passed_on: '2019-07-15',
    })
    await link(signOff, 'gate', gate)
  }

  const extension = await decision({
    title: 'Programme extended after the 2021 review',
    decision_text:
      'Work outstanding from the 2019 programme continues beyond March 2022, reviewed for relevance against the council’s priorities.',
    decided_on: '2021-06-24',
    decided_by_user_id: ph?.id ?? null,
    decided_by_name: ph?.name ?? 'Portfolio Holder',
    capacity: 'portfolio_holder',
    board_id: board,
    options_considered:
      'Close the programme at March 2022; extend it with the outstanding work; re-scope it as a new programme.',
    reasons:
      'A nine-month delay in agreeing staff resources and the Covid response slowed delivery; the separation of the strategic partnership in 2021 had not been anticipated.',
    is_key: 1,
    status: 'published',
  })
  for (const ref of ['ICT-01', 'ICT-05', 'ICT-06']) await link(extension, 'project', project(ref))

  await decision({
    title: 'Governance integral to future strategic projects',
    decision_text:
      'No project moves into delivery without a passed full business case gate; exceptions are reported to this board.',
    decided_on: '2021-06-24',
    decided_by_name: pm?.name ?? 'Programme Manager',
    capacity: 'board',
    board_id: board,
    reasons: 'The panel found that governance had been missing from the delivery process.',
    status: 'published',
  })

  const review = await decision({
    title: 'Review outstanding work from the original strategy for relevance',
    decision_text: 'Confirm which outstanding projects continue, and on what business case.',
    capacity: 'portfolio_holder',
    decided_by_user_id: ph?.id ?? null,
    decided_by_name: ph?.name ?? '',
    reasons:
      'The Portfolio Holder told the panel that outstanding work would be reviewed to ensure relevance.',
    status: 'awaiting_decision',
  })
  await link(review, 'project', project('ICT-06'))

  // ICT-06 has the start of a business case: strategic only, the rest never written (the minute's first lesson).
  await add('business_cases', 'business_case', {
    project_id: project('ICT-06'),
    strategic_case:
      'The digital skill set does not exist within the council and there is no post in the establishment for project delivery or day-to-day digital work.',
    strategic_state: 'complete',
    economic_case: '',
    economic_state: 'not_started',
    commercial_case: '',
    commercial_state: 'not_started',
    financial_case: 'Secondments from the interim management arrangements during the pandemic.',
    financial_state: 'in_progress',
    management_case: '',
    management_state: 'not_started',
    scope_in: 'Digital team posts and skills for South Holland’s work programme',
    scope_out: '',
    options_appraised: '',
    budget_requested_pence: null,
  })

  const risk = async (
    ref: string,
    v: {
      title: string
      cause: string
      event: string
      effect: string
      category: string
      l: number
      i: number
      rl?: number
      ri?: number
      owner: string
      review: string
      proximity: string
      /** When it was raised: a paper dated before it does not show it. */
      raised: IsoDate
    },
    actions: [string, string, string | null, boolean][] = [],
  ) => {
    const residual = v.rl && v.ri ? v.rl * v.ri : null
    const score = residual ?? v.l * v.i
    const id = await add('risks', 'risk', {
      project_id: project(ref),
      title: v.title,
      cause: v.cause,
      event: v.event,
      effect: v.effect,
      category: v.category,
      likelihood: v.l,
      impact: v.i,
      inherent_score: v.l * v.i,
      residual_likelihood: v.rl ?? null,
      residual_impact: v.ri ?? null,
      residual_score: residual,
      proximity: v.proximity,
      owner: v.owner,
      review_date: v.review,
      status: 'open',
      escalated: score >= 15 ? 1 : 0,
      created_at: `${v.raised}T09:00:00.000Z`,
    })
    for (const [action, owner, due, done] of actions)
      await add('risk_actions', 'risk_action', {
        risk_id: id,
        action,
        owner,
        due_date: due,
        done: done ? 1 : 0,
      })
    return id
  }
  const ict = people.partner_officer?.name ?? 'Head of ICT and Digital (PSPS)'
  await risk(
    'ICT-01',
    {
      title: 'Network failure takes online services offline',
      cause: 'Council offices and the data centre share a single network route',
      event: 'The network fails',
      effect: 'The website, online forms and payments are unavailable to residents',
      category: 'resilience',
      l: 3,
      i: 5,
      rl: 2,
      ri: 4,
      owner: ict,
      review: addDays(today, 45),
      proximity: 'within_year',
      raised: '2020-06-01',
    },
    [
      ['Second network route and automatic failover', ict, '2021-03-31', true],
      ['Test failover twice a year', ict, addDays(today, 60), false],
    ],
  )
  await risk(
    'ICT-05',
    {
      title: 'PSPS hosting outage',
      cause: 'Systems are hosted by the shared-service partner in one data centre',
      event: 'The hosting service is unavailable for more than a working day',
      effect: 'Revenues, benefits and the Northgate integration stop',
      category: 'resilience',
      l: 3,
      i: 5,
      owner: ict,
      review: addDays(today, -21),
      proximity: 'within_year',
      raised: '2020-10-05',
    },
    [['Agree a recovery time objective with PSPS', ict, addDays(today, -10), false]],
  )
  await risk('ICT-06', {
    title: 'Digital skills not in the establishment',
    cause: 'No post exists for digital project delivery',
    event: 'Projects cannot be staffed when planned',
    effect: 'Further delay across the programme, as with the nine-month delay at the start',
    category: 'resourcing',
    l: 5,
    i: 4,
    owner: pm?.name ?? 'Programme Manager',
    review: addDays(today, -40),
    proximity: 'imminent',
    raised: '2019-07-01',
  })
  await risk('ICT-05', {
    title: 'Separation of the strategic partnership',
    cause: 'The strategic partnership with the partner council ends',
    event: 'Shared strategic resource is withdrawn',
    effect: 'Work championed by the shared resource stalls',
    category: 'strategic',
    l: 4,
    i: 4,
    rl: 3,
    ri: 4,
    owner: ph?.name ?? 'Portfolio Holder',
    review: addDays(today, 30),
    proximity: 'within_quarter',
    raised: '2021-01-15',
  })

  const issue = (
    ref: string,
    v: Omit<Insertable<DB['raid_issues']>, 'organisation_id' | 'project_id' | 'created_at' | 'updated_at'>,
  ) => add('raid_issues', 'raid_issue', { project_id: project(ref), ...v })
  await issue('ICT-06', {
    title: 'Nine-month delay in agreeing staff resources',
    description: 'Staff resources were agreed nine months after the proposed start date.',
    priority: 'high',
    owner: pm?.name ?? null,
    resolution: '',
    due_date: addDays(today, 30),
    status: 'open',
  })
  await issue('ICT-05', {
    title: 'Integration test environment not available',
    description: 'PSPS cannot provide a Northgate test environment until the hosting migration completes.',
    priority: 'medium',
    owner: null,
    resolution: '',
    due_date: addDays(today, 14),
    status: 'open',
  })

  await add('assumptions', 'assumption', {
    project_id: project('ICT-01'),
    description: 'Service areas are responsible for web content; PSPS provides the infrastructure.',
    owner: people.service_manager?.name ?? '',
    status: 'open',
  })
  await add('dependencies', 'dependency', {
    project_id: project('ICT-05'),
    depends_on_project_id: null,
    partner_name: 'PSPS (shared-service partner)',
    description: 'Hosting migration and a Northgate test environment',
    needed_by: addDays(today, 60),
    status: 'open',
  })
  await add('dependencies', 'dependency', {
    project_id: project('ICT-02'),
    depends_on_project_id: project('ICT-01'),
    partner_name: '',
    description: 'Forms are published on the new website platform',
    needed_by: '2020-09-30',
    status: 'met',
  })
}
