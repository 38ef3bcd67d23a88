import type { Kysely, Transaction } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import {
  partnerIdsOf,
  partnerNamesOf,
  readSharedPartners,
  shareProject,
  type SharedPartner,
} from '../../auth/visibility.ts'
import type { DB, Project } from '../../db/schema.ts'
import { isRating, type Rating } from '../../domain/dca.ts'
import { currentPeriod, type Period } from '../../domain/periods.ts'
import { projectSlippage } from '../../domain/slippage.ts'
import { ConflictError, HttpError, notFound, ValidationError } from '../../errors.ts'
import { auditBy, insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import type { ProgrammesService } from '../programmes/programmes.service.ts'
import { namedOnly, resolvePeople } from '../resourcing/person-refs.ts'
import {
  createProjectsRepository,
  type ProjectListFilter,
  type ProjectWithLatest,
} from './projects.repository.ts'
import {
  projectStageLabel,
  stageChangeProblems,
  stagesOnTheWay,
  validateProject,
  type GatePassBeforeOversight,
  type ProjectInput,
} from './projects.rules.ts'

/** A project as lists show it: the record, its programme, its current delivery confidence and its slippage. */
export interface ProjectListRow extends Project {
  programme: { id: number; reference: string; name: string }
  /** The rating of the latest status report by period, whichever period that is; null if never reported. */
  rating: Rating | null
  /** The period of that latest report. */
  ratingPeriod: Period | null
  /** Whether the latest report is for the current period; a stale rating is not assurance. */
  hasCurrentReport: boolean
  /** Days later than baseline (negative = early), from `projectSlippage`; never stored. */
  slippage: { startDays: number | null; endDays: number | null }
  /** The partners it is shared with, as far as the reader may know (a partner officer: only their own). */
  partners: SharedPartner[]
}

/** A stage change that does not meet its conditions: 409, with each unmet condition named. */
export class StageChangeRefused extends HttpError {
  constructor(
    public readonly from: string,
    public readonly to: string,
    public readonly problems: string[],
  ) {
    super(
      409,
      `The project cannot move from ${projectStageLabel(from)} to ${projectStageLabel(to)}: ${problems.join('; ')}`,
      { stage: problems.join('; ') },
    )
  }
}

export function toProjectInput(p: Project, partnerIds: number[]): ProjectInput {
  return {
    reference: p.reference,
    name: p.name,
    programmeId: p.programme_id,
    description: p.description,
    projectManagerPersonId: p.project_manager_person_id,
    projectManager: p.project_manager,
    sponsorPersonId: p.sponsor_person_id,
    sponsor: p.sponsor,
    stage: p.stage,
    partnerIds,
    baselineStart: p.baseline_start,
    baselineEnd: p.baseline_end,
    forecastStart: p.forecast_start,
    forecastEnd: p.forecast_end,
    actualStart: p.actual_start,
    actualEnd: p.actual_end,
  }
}

/** The project's two owners as people of the register, found or added in the write's transaction. */
async function owners(trx: Transaction<DB>, actor: Actor, input: ProjectInput) {
  const [manager, sponsor] = await resolvePeople(trx, actor, [
    { field: 'projectManagerPersonId', personId: input.projectManagerPersonId, name: input.projectManager },
    { field: 'sponsorPersonId', personId: input.sponsorPersonId, name: input.sponsor },
  ])
  return {
    project_manager_person_id: manager!.id,
    project_manager: manager!.name,
    sponsor_person_id: sponsor!.id,
    sponsor: sponsor!.name,
  }
}

function toRow(input: ProjectInput & { programmeId: number }) {
  return {
    reference: input.reference.trim(),
    name: input.name.trim(),
    programme_id: input.programmeId,
    description: input.description.trim(),
    stage: input.stage,
    baseline_start: input.baselineStart,
    baseline_end: input.baselineEnd,
    forecast_start: input.forecastStart,
    forecast_end: input.forecastEnd,
    actual_start: input.actualStart,
    actual_end: input.actualEnd,
  }
}

function checked(input: ProjectInput): ProjectInput & { programmeId: number } {
  const errors = validateProject(input)
  if (Object.keys(errors).length > 0 || input.programmeId === null) throw new ValidationError(errors)
  return { ...input, programmeId: input.programmeId }
}

/** An area that must react when a project or its milestones are saved (tolerances), inside the same transaction. */
export interface ProjectChangeListener {
  projectChanged(trx: Transaction<DB>, actor: Actor, projectId: number): Promise<void>
}

/**
 * Stage gates kept by the gates area: the problems with moving a project into `next`, checked inside the
 * update's transaction so that a gate cannot be passed or withdrawn in between.
 */
export interface StageGate {
  stageProblems(
    trx: Transaction<DB>,
    organisationId: number,
    project: Project,
    next: string,
  ): Promise<string[]>
  /** The gates guarding these stages, in lifecycle order. */
  gatesGuarding(
    db: Kysely<DB> | Transaction<DB>,
    organisationId: number,
    stages: string[],
  ): Promise<Array<{ id: number; name: string; required_for_stage: string | null }>>
  /** Records one gate as passed before Oversight (its decision and its pass), in the caller's transaction. */
  passBeforeOversight(
    trx: Transaction<DB>,
    actor: Actor,
    projectId: number,
    pass: GatePassBeforeOversight,
  ): Promise<void>
}

/**
 * The unmet gate conditions of moving `project` forward to `to`: the gate of every gated stage on the way,
 * not only the last, so that a project cannot skip its delivery gate by going straight to closure. Moving
 * backwards or cancelling needs no gate (stopping work must never wait for an approval). Creating a project
 * in a later stage is the same move from "idea".
 */
async function gatesOnTheWay(
  gate: StageGate,
  trx: Transaction<DB>,
  organisationId: number,
  project: Project,
  to: string,
): Promise<string[]> {
  const problems: string[] = []
  let from = project
  for (const s of stagesOnTheWay(project.stage, to)) {
    for (const p of await gate.stageProblems(trx, organisationId, from, s))
      if (!problems.includes(p)) problems.push(p)
    from = { ...from, stage: s }
  }
  return problems
}

/**
 * A change of sharing is a change of who may see the project: recorded in the project's history by partner
 * name ("Shared with"), read before and after the change inside the caller's transaction.
 */
async function shareAudited(trx: Transaction<DB>, actor: Actor, projectId: number, partnerIds: number[]) {
  const before = await partnerNamesOf(trx, actor.organisationId, projectId)
  await shareProject(trx, actor.organisationId, projectId, partnerIds)
  await auditBy(trx, actor, {
    action: 'share',
    entityType: 'project',
    entityId: projectId,
    before: { shared_with: before.join(', ') || 'No partner' },
    after: {
      shared_with: (await partnerNamesOf(trx, actor.organisationId, projectId)).join(', ') || 'No partner',
    },
  })
}

type ProgrammeOption = Awaited<ReturnType<ProgrammesService['options']>>[number]

export function createProjectsService(
  db: Kysely<DB>,
  programmes: ProgrammesService,
  listeners: readonly ProjectChangeListener[] = [],
  gate?: StageGate,
) {
  const repo = createProjectsRepository(db)

  function toListRows(
    rows: ProjectWithLatest[],
    programmesById: ReadonlyMap<number, ProgrammeOption>,
  ): ProjectListRow[] {
    const now = currentPeriod()
    // Built field by field: object rest/spread over a driver row costs ~15 µs a row in V8, which on a
    // 100-row page was most of the API's time (measured by bench/run.ts).
    return rows.map((p) => ({
      id: p.id,
      organisation_id: p.organisation_id,
      programme_id: p.programme_id,
      reference: p.reference,
      name: p.name,
      description: p.description,
      project_manager_person_id: p.project_manager_person_id,
      project_manager: p.project_manager,
      sponsor_person_id: p.sponsor_person_id,
      sponsor: p.sponsor,
      stage: p.stage,
      baseline_start: p.baseline_start,
      baseline_end: p.baseline_end,
      forecast_start: p.forecast_start,
      forecast_end: p.forecast_end,
      actual_start: p.actual_start,
      actual_end: p.actual_end,
      version: p.version,
      created_at: p.created_at,
      updated_at: p.updated_at,
      programme: programmesById.get(p.programme_id) ?? { id: p.programme_id, reference: '', name: '' },
      rating: p.latest_rating !== null && isRating(p.latest_rating) ? p.latest_rating : null,
      ratingPeriod: p.latest_period,
      hasCurrentReport: p.latest_period === now,
      partners: readSharedPartners(p.shared_partners),
      slippage: projectSlippage({
        baselineStart: p.baseline_start,
        forecastStart: p.forecast_start,
        actualStart: p.actual_start,
        baselineEnd: p.baseline_end,
        forecastEnd: p.forecast_end,
        actualEnd: p.actual_end,
      }),
    }))
  }

  async function assertProgrammeVisible(actor: Actor, programmeId: number) {
    if (!(await programmes.get(scopeOf(actor), programmeId)))
      throw new ValidationError({ programmeId: 'Select a programme from the list' })
  }

  /**
   * Projects as lists show them. Programme names come from the programmes area (its service, not its table), read
   * beside the page's own statement rather than after it, so on PostgreSQL neither waits on the other. Two
   * statements may see two moments: a project moved to a programme made after the names were read has them
   * read again.
   */
  async function listProjects(
    scope: Scope,
    filter: ProjectListFilter & { id?: number },
  ): Promise<ProjectListRow[]> {
    const [rows, options] = await Promise.all([
      repo.listWithLatest(scope, filter, currentPeriod()),
      programmes.options(scope),
    ])
    let programmesById = new Map(options.map((p) => [p.id, p]))
    if (rows.some((p) => !programmesById.has(p.programme_id)))
      programmesById = new Map((await programmes.options(scope)).map((p) => [p.id, p]))
    return toListRows(rows, programmesById)
  }

  return {
    listProjects,

    /** The ids of the partners a project is shared with, for its form (the caller has checked it may see it). */
    partnerIds: (organisationId: number, projectId: number) => partnerIdsOf(db, organisationId, projectId),

    /** The raw project record, within the reader's scope. */
    get: (scope: Scope, id: number): Promise<Project | undefined> => repo.get(scope, id),

    /** One project as the list shows it, within the reader's scope. */
    async getListRow(scope: Scope, id: number): Promise<ProjectListRow | undefined> {
      return (await listProjects(scope, { id, limit: 1 }))[0]
    },

    /** The projects of one programme, in reference order, as the list shows them. */
    forProgramme: (scope: Scope, programmeId: number): Promise<ProjectListRow[]> =>
      listProjects(scope, { programmeId, limit: 1000 }),

    /** The gates a project created in `stage` has passed on the way, which a form asks about. */
    gatesOnTheWayTo: async (scope: Scope, stage: string) =>
      gate ? gate.gatesGuarding(db, scope.organisationId, stagesOnTheWay('idea', stage)) : [],

    /**
     * Creates a project. Work already under way comes with `gatesPassedBeforeOversight`: each gate on the
     * way to its stage that was passed before the council used Oversight, recorded with the project in the
     * same transaction (form, API and imports all come here), so the stage's gates are met, not overridden.
     */
    async create(
      actor: Actor,
      input: ProjectInput,
      options: { gatesPassedBeforeOversight?: readonly GatePassBeforeOversight[] } = {},
    ): Promise<Project> {
      const valid = checked(input)
      const passes = options.gatesPassedBeforeOversight ?? []
      await assertProgrammeVisible(actor, valid.programmeId)
      return db.transaction().execute(async (trx) => {
        if (await repo.referenceTaken(trx, actor.organisationId, valid.reference.trim())) {
          throw new ValidationError({ reference: 'A project with this reference already exists' })
        }
        const created = await insertAudited(trx, {
          table: 'projects',
          entityType: 'project',
          actor,
          values: { ...toRow(valid), ...(await owners(trx, actor, valid)) },
        })
        if (valid.partnerIds.length > 0) await shareAudited(trx, actor, created.id, valid.partnerIds)
        if (passes.length > 0) {
          const onTheWay = gate
            ? await gate.gatesGuarding(trx, actor.organisationId, stagesOnTheWay('idea', valid.stage))
            : []
          const seen = new Set<number>()
          for (const pass of passes) {
            if (!onTheWay.some((g) => g.id === pass.gateId) || seen.has(pass.gateId))
              throw new ValidationError({
                gatesPassedBeforeOversight: `Gate ${pass.gateId} is not a gate on the way to ${projectStageLabel(valid.stage)}, or is given twice`,
              })
            seen.add(pass.gateId)
            await gate!.passBeforeOversight(trx, actor, created.id, pass)
          }
        }
        // A new project has passed no gate: creating it in a later stage is refused exactly as moving it
        // there would be, for every gated stage on the way (the insert is rolled back with the refusal).
        if (gate) {
          const problems = await gatesOnTheWay(
            gate,
            trx,
            actor.organisationId,
            { ...created, stage: 'idea' },
            valid.stage,
          )
          if (problems.length > 0) throw new StageChangeRefused('idea', valid.stage, problems)
        }
        for (const l of listeners) await l.projectChanged(trx, actor, created.id)
        return created
      })
    },

    /**
     * Applies a change made against `version`; a stale version changes nothing and raises ConflictError with
     * the current record. A change of stage must meet `stageChangeProblems`, or nothing is saved (409).
     */
    async update(actor: Actor, id: number, version: number, patch: Partial<ProjectInput>): Promise<Project> {
      // A move to another programme is checked through the programmes area before the transaction, as on
      // SQLite a read outside the transaction would wait for its connection.
      const found = await repo.get(scopeOf(actor), id)
      if (!found) throw notFound('Project')
      if (patch.programmeId != null && patch.programmeId !== found.programme_id)
        await assertProgrammeVisible(actor, patch.programmeId)
      return db.transaction().execute(async (trx) => {
        const current = await repo.get(scopeOf(actor), id, trx)
        if (!current) throw notFound('Project')
        if (current.version !== version) throw new ConflictError(current)
        const sharedBefore = await partnerIdsOf(trx, actor.organisationId, id)
        const before = toProjectInput(current, sharedBefore)
        // An owner given by name only (the API's old field) is that name's person, not the one it had.
        const byName = {
          ...(namedOnly(patch, 'projectManager', 'projectManagerPersonId') && {
            projectManagerPersonId: null,
          }),
          ...(namedOnly(patch, 'sponsor', 'sponsorPersonId') && { sponsorPersonId: null }),
        }
        const merged = checked({ ...before, ...byName, ...patch })
        const problems = stageChangeProblems(before, merged)
        // Gate conditions only matter for a move the lifecycle allows at all (a closed project stays closed).
        if (problems.length === 0 && gate)
          problems.push(...(await gatesOnTheWay(gate, trx, actor.organisationId, current, merged.stage)))
        if (problems.length > 0) throw new StageChangeRefused(current.stage, merged.stage, problems)
        if (await repo.referenceTaken(trx, actor.organisationId, merged.reference.trim(), id)) {
          throw new ValidationError({ reference: 'A project with this reference already exists' })
        }
        const updated = await updateVersioned(trx, {
          table: 'projects',
          entityType: 'project',
          actor,
          current,
          version,
          changes: { ...toRow(merged), ...(await owners(trx, actor, merged)) },
        })
        const sharedAfter = [...new Set(merged.partnerIds)].sort((a, b) => a - b)
        if (sharedAfter.join() !== sharedBefore.join()) {
          await shareAudited(trx, actor, id, sharedAfter)
        }
        for (const l of listeners) await l.projectChanged(trx, actor, updated.id)
        return updated
      })
    },
  }
}

export type ProjectsService = ReturnType<typeof createProjectsService>
