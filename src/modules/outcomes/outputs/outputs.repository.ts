import type { Kysely, Transaction } from 'kysely'
import type { Scope } from '../../../auth/actor.ts'
import { whereProjectVisible } from '../../../auth/visibility.ts'
import type { DB, Output } from '../../../db/schema.ts'

// The SQL of outputs. Every read goes through outputsIn, which confines it to the organisation and to the
// projects the reader may see: a partner officer sees the outputs of projects shared with their partner only.

type Db = Kysely<DB> | Transaction<DB>

/** An output with the project it belongs to, as lists and pages name it. */
export interface OutputRow extends Output {
  project_reference: string
  project_name: string
  programme_id: number
}

export interface OutputFilter {
  projectId?: number
  programmeId?: number
  type?: string
  offset?: number
  limit?: number
}

export interface LinkedMilestone {
  outputId: number
  id: number
  name: string
}

function outputsIn(db: Db, scope: Scope) {
  const q = db
    .selectFrom('outputs')
    .innerJoin('projects', 'projects.id', 'outputs.project_id')
    .selectAll('outputs')
    .select([
      'projects.reference as project_reference',
      'projects.name as project_name',
      'projects.programme_id',
    ])
    .where('outputs.organisation_id', '=', scope.organisationId)
    .where('projects.organisation_id', '=', scope.organisationId)
  return whereProjectVisible(q, scope, 'projects.id')
}

// Sorts after every real date, so an output with no plan lists last on both dialects.
const NEVER = '9999-12-31'

export const outputsRepository = {
  get: (db: Db, scope: Scope, id: number): Promise<OutputRow | undefined> =>
    outputsIn(db, scope).where('outputs.id', '=', id).executeTakeFirst(),

  list(db: Db, scope: Scope, f: OutputFilter = {}): Promise<OutputRow[]> {
    let q = outputsIn(db, scope)
    if (f.projectId !== undefined) q = q.where('outputs.project_id', '=', f.projectId)
    if (f.programmeId !== undefined) q = q.where('projects.programme_id', '=', f.programmeId)
    if (f.type) q = q.where('outputs.type', '=', f.type)
    return q
      .orderBy('projects.reference')
      .orderBy((eb) => eb.fn.coalesce('outputs.planned_on', eb.val(NEVER)))
      .orderBy('outputs.id')
      .limit(f.limit ?? 5000)
      .offset(f.offset ?? 0)
      .execute()
  },

  /** The milestones each output is delivered at: always of the output's own project. */
  async milestones(db: Db, organisationId: number, outputIds: readonly number[]): Promise<LinkedMilestone[]> {
    if (outputIds.length === 0) return []
    return db
      .selectFrom('output_milestones as om')
      .innerJoin('milestones', 'milestones.id', 'om.milestone_id')
      .select(['om.output_id as outputId', 'milestones.id', 'milestones.name'])
      .where('om.organisation_id', '=', organisationId)
      .where('om.output_id', 'in', [...outputIds])
      .orderBy('milestones.baseline_date')
      .orderBy('milestones.id')
      .execute()
  },

  /** Replaces an output's milestones, inside the transaction that saves the output. */
  async replaceMilestones(
    trx: Transaction<DB>,
    organisationId: number,
    outputId: number,
    milestoneIds: readonly number[],
  ) {
    await trx.deleteFrom('output_milestones').where('output_id', '=', outputId).execute()
    const ids = [...new Set(milestoneIds)]
    if (ids.length > 0)
      await trx
        .insertInto('output_milestones')
        .values(
          ids.map((milestone_id) => ({ organisation_id: organisationId, output_id: outputId, milestone_id })),
        )
        .execute()
  },
}
