import { whereProjectVisible } from '../../auth/visibility.ts'
import type { Kysely, Transaction } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import type { DB, Milestone } from '../../db/schema.ts'

export interface MilestoneFilter {
  projectId?: number
  /** These milestones only (not empty). */
  ids?: readonly number[]
  status?: string
  /** Late or not late as of `today`: open and due (forecast, else baseline) before today. */
  late?: boolean
  today: string
  offset?: number
  limit?: number
}

const CLOSED = ['complete', 'cancelled']
// Sorts after every real date, so a missing date never counts as passed and orders the same on both dialects.
const NEVER = '9999-12-31'

/**
 * Milestones hang off projects: every query is confined to the organisation, and a partner officer sees only
 * milestones of projects shared with the partner.
 */
function scoped(db: Kysely<DB> | Transaction<DB>, scope: Scope) {
  let q = db
    .selectFrom('milestones')
    .innerJoin('projects', 'projects.id', 'milestones.project_id')
    .where('milestones.organisation_id', '=', scope.organisationId)
    .where('projects.organisation_id', '=', scope.organisationId)
  q = whereProjectVisible(q, scope, 'projects.id')
  return q
}

/** What a milestone's slippage is judged on. */
export type SlipDates = Pick<Milestone, 'id' | 'status' | 'baseline_date' | 'forecast_date' | 'actual_date'>

/** A milestone in a list with its project's reference and name, for exports. */
export type MilestoneWithProject = Milestone & { project_reference: string; project_name: string }

export function createMilestonesRepository(db: Kysely<DB>) {
  return {
    async list(scope: Scope, f: MilestoneFilter): Promise<MilestoneWithProject[]> {
      let q = scoped(db, scope)
        .selectAll('milestones')
        .select(['projects.reference as project_reference', 'projects.name as project_name'])
      if (f.projectId !== undefined) q = q.where('milestones.project_id', '=', f.projectId)
      if (f.ids !== undefined) q = q.where('milestones.id', 'in', f.ids)
      if (f.status) q = q.where('milestones.status', '=', f.status)
      if (f.late !== undefined) {
        const late = f.late
        q = q.where((eb) => {
          const isLate = eb.and([
            eb('milestones.status', 'not in', CLOSED),
            eb(
              eb.fn.coalesce('milestones.forecast_date', 'milestones.baseline_date', eb.val(NEVER)),
              '<',
              f.today,
            ),
          ])
          return late ? isLate : eb.not(isLate)
        })
      }
      return q
        .orderBy('milestones.project_id')
        .orderBy((eb) => eb.fn.coalesce('milestones.baseline_date', eb.val(NEVER)))
        .orderBy('milestones.id')
        .limit(f.limit ?? 100)
        .offset(f.offset ?? 0)
        .execute()
    },

    async forProject(scope: Scope, projectId: number): Promise<Milestone[]> {
      return scoped(db, scope)
        .selectAll('milestones')
        .where('milestones.project_id', '=', projectId)
        .orderBy((eb) => eb.fn.coalesce('milestones.baseline_date', eb.val(NEVER)))
        .orderBy('milestones.id')
        .execute()
    },

    /** The milestones of a programme's projects the reader may see (the programme timeline). */
    async forProgramme(scope: Scope, programmeId: number): Promise<Milestone[]> {
      return scoped(db, scope)
        .selectAll('milestones')
        .where('projects.programme_id', '=', programmeId)
        .orderBy('milestones.project_id')
        .orderBy((eb) => eb.fn.coalesce('milestones.baseline_date', eb.val(NEVER)))
        .orderBy('milestones.id')
        .limit(5000)
        .execute()
    },

    /**
     * Open milestones forecast after baseline or already past due: the candidates for "slipped". Only what
     * slippage is judged on is read (a W1 organisation has thousands); the few shown are then read in full.
     */
    async slippedCandidates(scope: Scope, today: string): Promise<SlipDates[]> {
      return scoped(db, scope)
        .select([
          'milestones.id',
          'milestones.status',
          'milestones.baseline_date',
          'milestones.forecast_date',
          'milestones.actual_date',
        ])
        .where('milestones.status', 'not in', CLOSED)
        .where((eb) =>
          eb.or([
            eb('milestones.forecast_date', '>', eb.ref('milestones.baseline_date')),
            eb(
              eb.fn.coalesce('milestones.forecast_date', 'milestones.baseline_date', eb.val(NEVER)),
              '<',
              today,
            ),
          ]),
        )
        .execute()
    },

    async get(scope: Scope, id: number, trx?: Transaction<DB>): Promise<Milestone | undefined> {
      return scoped(trx ?? db, scope)
        .selectAll('milestones')
        .where('milestones.id', '=', id)
        .executeTakeFirst()
    },
  }
}
