import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { addDays, formatDate, type IsoDate } from '../../domain/dates.ts'
import type { Period } from '../../domain/periods.ts'
import { ensureLifecycle } from '../gates/gates.repository.ts'
import { stageOrder } from '../projects/projects.rules.ts'

/** What a rule is run against: one organisation on one day, with its configured threshold. */
export interface HealthContext {
  db: Kysely<DB>
  organisationId: number
  today: IsoDate
  period: Period
  /** The organisation's threshold for this rule, or the rule's default. */
  threshold: number | null
}

/** One record that fails a rule, with a link to it. */
export interface Finding {
  recordType: string
  recordId: number
  title: string
  detail: string
  url: string
  programmeId: number | null
  projectId: number | null
}

/**
 * A governance health rule. Each area contributes its rules through this interface (finance: budget
 * monitoring not signed off, forecast over budget; scrutiny: response overdue), registered in the list
 * the governance service is built with; the page, the API and the snapshots need nothing else.
 */
export interface HealthRule {
  id: string
  title: string
  /** Why this rule exists, in the council's words. */
  why: string
  /** The lesson from the Performance Monitoring Panel's minute that the rule answers. */
  lesson: string
  threshold?: { label: string; hint: string; default: number; min: number; max: number }
  evaluate(ctx: HealthContext): Promise<Finding[]>
}

const LIVE = ['approved', 'delivery', 'closure']

export const GOVERNANCE_HEALTH_RULES: HealthRule[] = [
  {
    id: 'delivery-without-gate',
    title: 'Project in delivery without a passed gate',
    why: 'Delivery must not start until the business case, scope, resources and budget have been approved at every gate the lifecycle sets before delivery, or an override has been recorded as a decision with its reasons.',
    lesson:
      'The panel found the programme "had been drafted at a high strategic level without an accompanying detailed business case or scoping exercise".',
    async evaluate({ db, organisationId }) {
      // The gates a project must have passed to be in delivery, as the organisation configures its
      // lifecycle: the gate guarding delivery and any guarding an earlier stage.
      const needed = (await ensureLifecycle(db, organisationId)).filter(
        (g) => g.required_for_stage !== null && stageOrder(g.required_for_stage) <= stageOrder('delivery'),
      )
      if (needed.length === 0) return []
      const rows = await db
        .selectFrom('projects as p')
        .select(['p.id', 'p.programme_id', 'p.reference', 'p.name'])
        .where('p.organisation_id', '=', organisationId)
        .where('p.stage', '=', 'delivery')
        .orderBy('p.reference')
        .execute()
      if (rows.length === 0) return []
      const passed = new Set(
        (
          await db
            .selectFrom('project_gates')
            .select(['project_id', 'gate_id'])
            .where('organisation_id', '=', organisationId)
            .where('status', 'in', ['passed', 'overridden', 'before_oversight'])
            .where(
              'gate_id',
              'in',
              needed.map((g) => g.id),
            )
            .execute()
        ).map((r) => `${r.project_id}:${r.gate_id}`),
      )
      return rows.flatMap((p) => {
        const missing = needed.filter((g) => !passed.has(`${p.id}:${g.id}`))
        if (missing.length === 0) return []
        return [
          {
            recordType: 'project',
            recordId: p.id,
            title: `${p.reference} ${p.name}`,
            detail: `In delivery without passing the ${missing.map((g) => g.name).join(' and ')} ${missing.length === 1 ? 'gate' : 'gates'}`,
            url: `/projects/${p.id}`,
            programmeId: p.programme_id,
            projectId: p.id,
          },
        ]
      })
    },
  },
  {
    id: 'no-current-status-report',
    title: 'No status report for the current period',
    why: "A live project reports its delivery confidence every month; a missing report means the board and the panel are relying on last month's picture.",
    lesson:
      'Members "requested the expeditious reporting of issues when projects had encountered difficulties".',
    async evaluate({ db, organisationId, period }) {
      const rows = await db
        .selectFrom('projects as p')
        .select(['p.id', 'p.programme_id', 'p.reference', 'p.name'])
        .where('p.organisation_id', '=', organisationId)
        .where('p.stage', 'in', LIVE)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('status_reports as r')
                .select('r.id')
                .whereRef('r.project_id', '=', 'p.id')
                .where('r.period', '=', period),
            ),
          ),
        )
        .orderBy('p.reference')
        .execute()
      return rows.map((p) => ({
        recordType: 'project',
        recordId: p.id,
        title: `${p.reference} ${p.name}`,
        detail: `No status report for ${period}`,
        url: `/projects/${p.id}`,
        programmeId: p.programme_id,
        projectId: p.id,
      }))
    },
  },
  {
    id: 'milestone-past-forecast',
    title: 'Milestone past its forecast without an actual date',
    why: 'A milestone whose forecast date has passed is either done (record the actual date) or late (re-forecast it and say why); leaving it hides slippage.',
    lesson:
      'The nine-month delay in securing staff resources was reported to the panel long after it happened.',
    threshold: {
      label: 'Days of grace after the forecast date',
      hint: 'Time to record the actual date before the rule counts the milestone',
      default: 0,
      min: 0,
      max: 90,
    },
    async evaluate({ db, organisationId, today, threshold }) {
      const rows = await db
        .selectFrom('milestones as m')
        // Joined on the organisation too, so PostgreSQL reads this organisation's projects by the
        // (organisation_id, id) key rather than scanning every council's (found by bench/w100.ts).
        .innerJoin('projects as p', (j) =>
          j.onRef('p.id', '=', 'm.project_id').onRef('p.organisation_id', '=', 'm.organisation_id'),
        )
        .select([
          'm.id',
          'm.name',
          'm.forecast_date',
          'm.baseline_date',
          'p.id as project_id',
          'p.programme_id',
          'p.reference',
        ])
        .where('m.organisation_id', '=', organisationId)
        .where('m.actual_date', 'is', null)
        .where('m.status', 'not in', ['complete', 'cancelled'])
        .where('p.stage', 'not in', ['closed', 'cancelled'])
        .execute()
      const grace = threshold ?? 0
      return rows
        .map((m) => ({ ...m, due: m.forecast_date ?? m.baseline_date }))
        .filter((m) => m.due !== null && addDays(m.due, grace) < today)
        .map((m) => ({
          recordType: 'milestone',
          recordId: m.id,
          title: `${m.reference}: ${m.name}`,
          detail: `Due ${formatDate(m.due)}, no actual date recorded`,
          url: `/projects/${m.project_id}#milestones`,
          programmeId: m.programme_id,
          projectId: m.project_id,
        }))
    },
  },
  {
    id: 'breach-without-report',
    title: 'Tolerance breach without an exception report',
    why: 'A project forecast beyond its tolerances must be brought to the board with an exception report (cause, impact, options, recommendation) so the board decides, not drifts.',
    lesson:
      'Members "expressed disappointment that ... the budget had been spent" and asked why "a monitoring process had not been in place".',
    async evaluate({ db, organisationId }) {
      const rows = await db
        .selectFrom('tolerance_exceptions as e')
        .innerJoin('projects as p', 'p.id', 'e.project_id')
        .select(['e.id', 'e.summary', 'e.report_due', 'e.programme_id', 'e.project_id', 'p.reference'])
        .where('e.organisation_id', '=', organisationId)
        .where('e.status', '=', 'raised')
        .where('e.cleared_at', 'is', null)
        .orderBy('e.report_due')
        .execute()
      return rows.map((e) => ({
        recordType: 'exception',
        recordId: e.id,
        title: `${e.reference}: ${e.summary}`,
        detail: `Exception report due by ${formatDate(e.report_due)}`,
        url: `/exceptions/${e.id}`,
        programmeId: e.programme_id,
        projectId: e.project_id,
      }))
    },
  },
  {
    id: 'risk-past-review',
    title: 'Risk past its review date',
    why: 'An open risk not reviewed by its date may have grown unnoticed; its owner re-scores it and updates the mitigations.',
    lesson:
      'The panel asked whether resilience had been included; officers said mitigations were in place for network failure. Reviews keep that true.',
    async evaluate({ db, organisationId, today }) {
      const rows = await db
        .selectFrom('risks as r')
        .innerJoin('projects as p', 'p.id', 'r.project_id')
        .select(['r.id', 'r.title', 'r.review_date', 'p.id as project_id', 'p.programme_id', 'p.reference'])
        .where('r.organisation_id', '=', organisationId)
        .where('r.status', '=', 'open')
        .where('r.review_date', '<', today)
        .orderBy('r.review_date')
        .execute()
      return rows.map((r) => ({
        recordType: 'risk',
        recordId: r.id,
        title: `${r.reference}: ${r.title}`,
        detail: `Review was due ${formatDate(r.review_date)}`,
        url: `/risks/${r.id}`,
        programmeId: r.programme_id,
        projectId: r.project_id,
      }))
    },
  },
  {
    id: 'issue-without-owner',
    title: 'Issue without an owner',
    why: 'An issue nobody owns is an issue nobody is resolving.',
    lesson: 'The panel "stated that governance had been missing from the delivery process".',
    async evaluate({ db, organisationId }) {
      const rows = await db
        .selectFrom('raid_issues as i')
        .innerJoin('projects as p', 'p.id', 'i.project_id')
        .select(['i.id', 'i.title', 'p.id as project_id', 'p.programme_id', 'p.reference'])
        .where('i.organisation_id', '=', organisationId)
        .where('i.status', '=', 'open')
        .where((eb) => eb.or([eb('i.owner', 'is', null), eb('i.owner', '=', '')]))
        .orderBy('i.id')
        .execute()
      return rows.map((i) => ({
        recordType: 'issue',
        recordId: i.id,
        title: `${i.reference}: ${i.title}`,
        detail: 'No owner',
        url: `/issues/${i.id}`,
        programmeId: i.programme_id,
        projectId: i.project_id,
      }))
    },
  },
  {
    id: 'decision-awaiting-portfolio-holder',
    title: 'Decision awaiting a Portfolio Holder',
    why: 'A decision that only the Portfolio Holder can take holds up the work until it is taken; the panel can ask why.',
    lesson: 'The Portfolio Holder confirmed "that Portfolio Holders were accountable for their decisions".',
    threshold: {
      label: 'Days waiting before it counts',
      hint: 'How long a decision may wait for the Portfolio Holder before the rule counts it',
      default: 0,
      min: 0,
      max: 90,
    },
    async evaluate({ db, organisationId, today, threshold }) {
      const rows = await db
        .selectFrom('decisions as d')
        .select(['d.id', 'd.title', 'd.created_at'])
        .where('d.organisation_id', '=', organisationId)
        .where('d.status', '=', 'awaiting_decision')
        .where('d.capacity', '=', 'portfolio_holder')
        .orderBy('d.created_at')
        .execute()
      const wait = threshold ?? 0
      const links = rows.length
        ? await db
            .selectFrom('decision_links as l')
            .innerJoin('projects as p', 'p.id', 'l.record_id')
            .select(['l.decision_id', 'p.id as project_id', 'p.programme_id'])
            .where('l.record_type', '=', 'project')
            .where(
              'l.decision_id',
              'in',
              rows.map((r) => r.id),
            )
            .execute()
        : []
      return rows
        .filter((d) => wait === 0 || addDays(d.created_at.slice(0, 10), wait) < today)
        .map((d) => {
          const link = links.find((l) => l.decision_id === d.id)
          return {
            recordType: 'decision',
            recordId: d.id,
            title: d.title,
            detail: `Awaiting the Portfolio Holder since ${formatDate(d.created_at.slice(0, 10))}`,
            url: `/decisions/${d.id}`,
            programmeId: link?.programme_id ?? null,
            projectId: link?.project_id ?? null,
          }
        })
    },
  },
]
