import type { Kysely, Transaction } from 'kysely'
import type { AuditActor } from '../auth/actor.ts'
import type { Role } from '../auth/roles.ts'
import { shareProject } from '../auth/visibility.ts'
import type { RatingScaleId } from '../domain/dca.ts'
import {
  currentPeriod,
  nextPeriod,
  periodOf,
  periodsBetween,
  previousPeriod,
  type Period,
} from '../domain/periods.ts'
import type { DB } from '../db/schema.ts'
import type { IsoDate } from '../domain/dates.ts'
import { recordAudit } from '../modules/audit/audit.service.ts'
import { seedSkills } from '../modules/resourcing/skills.service.ts'
import type { DemoProgramme, DemoProject, DemoReporter } from './demo-types.ts'

/** Every demo record is recorded as created by the loader, so history pages and `audit verify` work on it. */
export const DEMO_ACTOR: AuditActor = { userId: null, label: 'Demo loader' }

export interface DemoPerson {
  id: number
  name: string
}

/** `n` months before `p`; a fixed period is returned as it is. */
function resolvePeriod(at: Period | number, current: Period): Period {
  if (typeof at === 'string') return at
  let p = current
  for (let i = 0; i < at; i++) p = previousPeriod(p)
  return p
}

/** Written early in the month after the period, as officers do; never in the future. */
function reportedAt(period: Period, now: Date): string {
  const usual = `${nextPeriod(period)}-05T09:30:00.000Z`
  return usual < now.toISOString() ? usual : now.toISOString()
}

/** Inserts the demo inside the caller's transaction, writing an audit 'create' event for each record. */
export function createDemoLoader(trx: Transaction<DB>, now: Date) {
  const at = now.toISOString()
  const current = currentPeriod(now)

  async function audit(organisationId: number, entityType: string, entityId: number, after: unknown) {
    await recordAudit(trx, {
      organisationId,
      actor: DEMO_ACTOR,
      action: 'create',
      entityType,
      entityId,
      after,
    })
  }

  /**
   * A change the story says was made on `on` (a re-forecast, a project's closure): the row moves to its
   * values of today, and the audit trail records the change on that day, so a paper dated before it shows
   * the values as they stood then.
   */
  async function changedOn(
    organisationId: number,
    table: 'projects' | 'milestones',
    entityType: string,
    before: { id: number; version: number },
    changes: Partial<Record<string, unknown>>,
    on: IsoDate,
  ) {
    // Both tables share id and version; the narrow view lets one update serve them.
    const db = trx as unknown as Kysely<Record<'versioned', { id: number; version: number }>>
    const after = await db
      .updateTable(table as 'versioned')
      // Not updateVersioned: the demo files a change under the day it happened in its story (occurredAt).
      // eslint-disable-next-line no-restricted-syntax -- see above
      .set({ ...changes, version: before.version + 1 } as never)
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, {
      organisationId,
      actor: DEMO_ACTOR,
      action: 'update',
      entityType,
      entityId: before.id,
      before,
      after,
      occurredAt: `${on}T09:00:00.000Z`,
    })
  }

  async function project(
    organisationId: number,
    programmeId: number,
    p: DemoProject,
    reporters: Partial<Record<DemoReporter, DemoPerson>>,
    partnerIds: readonly number[],
  ) {
    const row = await trx
      .insertInto('projects')
      .values({
        organisation_id: organisationId,
        programme_id: programmeId,
        reference: p.reference,
        name: p.name,
        description: p.description,
        project_manager: p.projectManager,
        sponsor: p.sponsor,
        stage: p.was?.stage ?? p.stage,
        baseline_start: p.baselineStart,
        baseline_end: p.baselineEnd,
        forecast_start: p.forecastStart,
        forecast_end: p.was ? p.was.forecastEnd : p.forecastEnd,
        actual_start: p.actualStart,
        actual_end: p.was ? p.was.actualEnd : p.actualEnd,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    // A shared project is shared from the start: its creation event names the partners.
    const sharedWith = p.shared ? [...partnerIds] : []
    await shareProject(trx, organisationId, row.id, sharedWith)
    await audit(
      organisationId,
      'project',
      row.id,
      sharedWith.length > 0 ? { ...row, partnerIds: sharedWith } : row,
    )

    if (p.was)
      await changedOn(
        organisationId,
        'projects',
        'project',
        row,
        { stage: p.stage, forecast_end: p.forecastEnd, actual_end: p.actualEnd },
        p.was.until,
      )

    // One statement per project for its milestones and for its reports, then an event for each row.
    if (p.milestones.length === 0) throw new Error(`Demo project ${p.reference} has no milestones`)
    // Planned at the project's start unless the story says later: a paper dated before shows none of it.
    const planned = `${p.actualStart ?? p.baselineStart}T09:00:00.000Z`
    const milestones = await trx
      .insertInto('milestones')
      .values(
        p.milestones.map((m) => ({
          organisation_id: organisationId,
          project_id: row.id,
          name: m.name,
          description: m.description,
          baseline_date: m.baseline,
          forecast_date: m.was ? m.was.forecast : m.forecast,
          actual_date: m.was ? null : m.actual,
          status: m.was?.status ?? m.status,
          is_key: m.key ? 1 : 0,
          created_at: m.added ? `${m.added}T09:00:00.000Z` : planned < at ? planned : at,
          updated_at: at,
        })),
      )
      .returningAll()
      .execute()
    const sorted = milestones.sort((a, b) => a.id - b.id)
    for (const ms of sorted) await audit(organisationId, 'milestone', ms.id, ms)
    for (const [i, m] of p.milestones.entries())
      if (m.was)
        await changedOn(
          organisationId,
          'milestones',
          'milestone',
          sorted[i]!,
          { forecast_date: m.forecast, actual_date: m.actual, status: m.status },
          m.was.until,
        )

    const reporter = reporters[p.reporter]
    if (!reporter) throw new Error(`Demo project ${p.reference} has no ${p.reporter} to report`)
    const from =
      p.reportsFrom !== undefined
        ? resolvePeriod(p.reportsFrom, current)
        : periodOf(p.actualStart ?? p.baselineStart)
    const phaseEnds = p.phases.map((ph) => resolvePeriod(ph.to, current))
    const periods = periodsBetween(from, resolvePeriod(p.reportsUntil, current))
    if (periods.length === 0) throw new Error(`Demo project ${p.reference} has no reporting periods`)
    const reports = await trx
      .insertInto('status_reports')
      .values(
        periods.map((period) => {
          const index = phaseEnds.findIndex((end) => period <= end)
          const phase = p.phases[index === -1 ? p.phases.length - 1 : index]!
          return {
            organisation_id: organisationId,
            project_id: row.id,
            period,
            rating: phase.rating,
            narrative: phase.narrative,
            achievements: phase.achievements,
            next_steps: phase.nextSteps,
            key_issues: phase.keyIssues,
            reported_by: reporter.id,
            reported_by_name: reporter.name,
            reported_at: reportedAt(period, now),
            created_at: at,
            updated_at: at,
          }
        }),
      )
      .returningAll()
      .execute()
    for (const r of reports.sort((a, b) => a.id - b.id)) await audit(organisationId, 'status_report', r.id, r)
  }

  return {
    async organisation(o: { slug: string; name: string; scale: RatingScaleId }): Promise<number> {
      const row = await trx
        .insertInto('organisations')
        .values({
          slug: o.slug,
          name: o.name,
          rating_scale: o.scale,
          is_demo: 1,
          created_at: at,
          updated_at: at,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await audit(row.id, 'organisation', row.id, row)
      await seedSkills(trx, row.id)
      return row.id
    },

    /** A person and their membership; the audit records the membership, never the password hash. */
    async person(
      organisationId: number,
      email: string,
      name: string,
      role: Role,
      passwordHash: string,
      partnerId: number | null = null,
    ): Promise<DemoPerson> {
      const user = await trx
        .insertInto('users')
        .values({ email, name, password_hash: passwordHash, is_active: 1, created_at: at, updated_at: at })
        .returning('id')
        .executeTakeFirstOrThrow()
      const membership = await trx
        .insertInto('memberships')
        .values({
          organisation_id: organisationId,
          user_id: user.id,
          role,
          partner_id: partnerId,
          created_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await audit(organisationId, 'membership', membership.id, {
        user_id: user.id,
        name,
        role,
        partner_id: partnerId,
      })
      return { id: user.id, name }
    },

    /** A partner organisation: the demo's shared projects are shared with it, and its officer works for it. */
    async partner(
      organisationId: number,
      p: { name: string; baseContract: string; annualBaseContractPence: number },
    ): Promise<number> {
      const row = await trx
        .insertInto('partners')
        .values({
          organisation_id: organisationId,
          name: p.name,
          base_contract: p.baseContract,
          annual_base_contract_pence: p.annualBaseContractPence,
          created_at: at,
          updated_at: at,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await audit(organisationId, 'partner', row.id, row)
      return row.id
    },

    /** A programme and its projects; the projects marked `shared` are shared with `sharedWith`. */
    async programme(
      organisationId: number,
      p: DemoProgramme,
      reporters: Partial<Record<DemoReporter, DemoPerson>>,
      sharedWith: readonly number[] = [],
    ): Promise<void> {
      const row = await trx
        .insertInto('programmes')
        .values({
          organisation_id: organisationId,
          reference: p.reference,
          name: p.name,
          purpose: p.purpose,
          sro: p.sro,
          portfolio_holder: p.portfolioHolder,
          start_date: p.startDate,
          end_date: p.endDate,
          status: p.status,
          created_at: at,
          updated_at: at,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await audit(organisationId, 'programme', row.id, row)
      for (const proj of p.projects) await project(organisationId, row.id, proj, reporters, sharedWith)
    },
  }
}
