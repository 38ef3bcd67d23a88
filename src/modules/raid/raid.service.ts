import { whereProjectVisible } from '../../auth/visibility.ts'
import type { Kysely, Transaction } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import type { DB, Project, RaidIssue, Risk, RiskAction } from '../../db/schema.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { ConflictError, notFound, ValidationError, throwIfInvalid } from '../../errors.ts'
import { insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import type { ProjectChangeListener } from '../projects/projects.service.ts'
import { namedOnly, ownerColumns } from '../resourcing/person-refs.ts'
import {
  escalates,
  riskScore,
  validateAction,
  validateIssue,
  validateRisk,
  type ActionInput,
  type IssueInput,
  type RiskInput,
} from './raid.rules.ts'

type Db = Kysely<DB> | Transaction<DB>

export interface RaidFilter {
  projectId?: number
  programmeId?: number
  status?: string
  /** Only risks escalated to the programme. */
  escalated?: boolean
  offset?: number
  limit?: number
}

export type RiskRow = Risk & { project_reference: string; project_name: string; programme_id: number }
export type IssueRow = RaidIssue & { project_reference: string; project_name: string; programme_id: number }

/** A project within scope: RAID entries hang off projects, so a partner sees those of shared projects. */
async function projectIn(db: Db, scope: Scope, projectId: number): Promise<Project | undefined> {
  let q = db
    .selectFrom('projects')
    .selectAll()
    .where('organisation_id', '=', scope.organisationId)
    .where('id', '=', projectId)
  q = whereProjectVisible(q, scope, 'projects.id')
  return q.executeTakeFirst()
}

function risksIn(db: Db, scope: Scope) {
  let q = db
    .selectFrom('risks')
    .innerJoin('projects as p', 'p.id', 'risks.project_id')
    .selectAll('risks')
    .select(['p.reference as project_reference', 'p.name as project_name', 'p.programme_id'])
    .where('risks.organisation_id', '=', scope.organisationId)
  q = whereProjectVisible(q, scope, 'p.id')
  return q
}

function issuesIn(db: Db, scope: Scope) {
  let q = db
    .selectFrom('raid_issues')
    .innerJoin('projects as p', 'p.id', 'raid_issues.project_id')
    .selectAll('raid_issues')
    .select(['p.reference as project_reference', 'p.name as project_name', 'p.programme_id'])
    .where('raid_issues.organisation_id', '=', scope.organisationId)
  q = whereProjectVisible(q, scope, 'p.id')
  return q
}

async function threshold(db: Db, organisationId: number): Promise<number> {
  const org = await db
    .selectFrom('organisations')
    .select('risk_escalation_threshold')
    .where('id', '=', organisationId)
    .executeTakeFirstOrThrow()
  return org.risk_escalation_threshold
}

export function toRiskInput(r: Risk): RiskInput {
  return {
    title: r.title,
    cause: r.cause,
    event: r.event,
    effect: r.effect,
    category: r.category,
    likelihood: r.likelihood,
    impact: r.impact,
    residualLikelihood: r.residual_likelihood,
    residualImpact: r.residual_impact,
    proximity: r.proximity,
    ownerPersonId: r.owner_person_id,
    owner: r.owner,
    reviewDate: r.review_date,
    status: r.status,
  }
}

export function toIssueInput(i: RaidIssue): IssueInput {
  return {
    title: i.title,
    description: i.description,
    priority: i.priority,
    ownerPersonId: i.owner_person_id,
    owner: i.owner,
    resolution: i.resolution,
    dueDate: i.due_date,
    status: i.status,
  }
}

/** The stored risk row: scores are computed here, never typed, and escalation follows the threshold. */
function riskRow(input: RiskInput, escalationThreshold: number) {
  const likelihood = input.likelihood!
  const impact = input.impact!
  const inherent = riskScore(likelihood, impact)
  const residual =
    input.residualLikelihood !== null && input.residualImpact !== null
      ? riskScore(input.residualLikelihood, input.residualImpact)
      : null
  return {
    title: input.title.trim(),
    cause: input.cause.trim(),
    event: input.event.trim(),
    effect: input.effect.trim(),
    category: input.category,
    likelihood,
    impact,
    inherent_score: inherent,
    residual_likelihood: input.residualLikelihood,
    residual_impact: input.residualImpact,
    residual_score: residual,
    proximity: input.proximity,
    review_date: input.reviewDate,
    status: input.status,
    escalated: escalates(residual ?? inherent, input.status, escalationThreshold) ? 1 : 0,
  }
}

function issueRow(input: IssueInput) {
  return {
    title: input.title.trim(),
    description: input.description.trim(),
    priority: input.priority,
    resolution: input.resolution.trim(),
    due_date: input.dueDate,
    status: input.status,
  }
}

/** The owner of a risk or an issue as a person of the register, found or added in the write's transaction. */
const ownerOf = (
  trx: Transaction<DB>,
  actor: Actor,
  input: { ownerPersonId?: number | null; owner: string | null },
) => ownerColumns(trx, actor, { field: 'ownerPersonId', personId: input.ownerPersonId, name: input.owner })

/** An issue without an owner stores none (null): the governance page flags it. */
async function issueOwnerOf(trx: Transaction<DB>, actor: Actor, input: IssueInput) {
  const o = await ownerOf(trx, actor, input)
  return { owner_person_id: o.owner_person_id, owner: o.owner_person_id === null ? null : o.owner }
}

/** An owner changed by name only (the API's old field) is that name's person, not the one the record had. */
const byName = (patch: object) => (namedOnly(patch, 'owner', 'ownerPersonId') ? { ownerPersonId: null } : {})

/**
 * `listeners` hear of every risk saved, as they do of project and milestone saves: a risk scored above
 * the risk tolerance is an exception the board must see, raised in the same transaction as the save.
 */
export function createRaidService(db: Kysely<DB>, listeners: readonly ProjectChangeListener[] = []) {
  const getRisk = (scope: Scope, id: number, trx?: Db): Promise<RiskRow | undefined> =>
    risksIn(trx ?? db, scope)
      .where('risks.id', '=', id)
      .executeTakeFirst()
  const getIssue = (scope: Scope, id: number, trx?: Db): Promise<IssueRow | undefined> =>
    issuesIn(trx ?? db, scope)
      .where('raid_issues.id', '=', id)
      .executeTakeFirst()

  return {
    getRisk,
    getIssue,
    project: (scope: Scope, projectId: number) => projectIn(db, scope, projectId),
    threshold: (scope: Scope) => threshold(db, scope.organisationId),

    async listRisks(scope: Scope, f: RaidFilter = {}): Promise<RiskRow[]> {
      let q = risksIn(db, scope)
      if (f.projectId) q = q.where('risks.project_id', '=', f.projectId)
      if (f.programmeId) q = q.where('p.programme_id', '=', f.programmeId)
      if (f.status) q = q.where('risks.status', '=', f.status)
      if (f.escalated) q = q.where('risks.escalated', '=', 1)
      return q
        .orderBy('risks.status', 'desc')
        .orderBy('risks.inherent_score', 'desc')
        .orderBy('risks.id')
        .limit(f.limit ?? 1000)
        .offset(f.offset ?? 0)
        .execute()
    },

    async createRisk(actor: Actor, projectId: number, input: RiskInput): Promise<Risk> {
      throwIfInvalid(validateRisk(input))
      return db.transaction().execute(async (trx) => {
        if (!(await projectIn(trx, scopeOf(actor), projectId)))
          throw new ValidationError({ projectId: 'Select a project from the list' })
        const risk = await insertAudited(trx, {
          table: 'risks',
          entityType: 'risk',
          actor,
          values: {
            project_id: projectId,
            ...riskRow(input, await threshold(trx, actor.organisationId)),
            ...(await ownerOf(trx, actor, input)),
          },
        })
        for (const l of listeners) await l.projectChanged(trx, actor, projectId)
        return risk
      })
    },

    async updateRisk(actor: Actor, id: number, version: number, patch: Partial<RiskInput>): Promise<Risk> {
      return db.transaction().execute(async (trx) => {
        const found = await getRisk(scopeOf(actor), id, trx)
        if (!found) throw notFound('Risk')
        const { project_reference: _r, project_name: _n, programme_id: _p, ...current } = found
        if (current.version !== version) throw new ConflictError(current)
        const merged = { ...toRiskInput(current), ...byName(patch), ...patch }
        throwIfInvalid(validateRisk(merged))
        const risk = await updateVersioned(trx, {
          table: 'risks',
          entityType: 'risk',
          actor,
          current,
          version,
          changes: {
            ...riskRow(merged, await threshold(trx, actor.organisationId)),
            ...(await ownerOf(trx, actor, merged)),
          },
        })
        for (const l of listeners) await l.projectChanged(trx, actor, risk.project_id)
        return risk
      })
    },

    actions: (scope: Scope, riskId: number): Promise<RiskAction[]> =>
      db
        .selectFrom('risk_actions')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('risk_id', '=', riskId)
        .orderBy('id')
        .execute(),

    async addAction(actor: Actor, riskId: number, input: ActionInput): Promise<RiskAction> {
      throwIfInvalid(validateAction(input))
      return db.transaction().execute(async (trx) => {
        if (!(await getRisk(scopeOf(actor), riskId, trx))) throw notFound('Risk')
        return insertAudited(trx, {
          table: 'risk_actions',
          entityType: 'risk_action',
          actor,
          values: {
            risk_id: riskId,
            action: input.action.trim(),
            ...(await ownerColumns(trx, actor, {
              field: 'actionOwnerPersonId',
              personId: input.ownerPersonId,
              name: input.owner,
            })),
            due_date: input.dueDate,
            done: 0,
          },
        })
      })
    },

    async completeAction(
      actor: Actor,
      riskId: number,
      actionId: number,
      version: number,
    ): Promise<RiskAction> {
      return db.transaction().execute(async (trx) => {
        if (!(await getRisk(scopeOf(actor), riskId, trx))) throw notFound('Risk')
        const current = await trx
          .selectFrom('risk_actions')
          .selectAll()
          .where('organisation_id', '=', actor.organisationId)
          .where('risk_id', '=', riskId)
          .where('id', '=', actionId)
          .executeTakeFirst()
        if (!current) throw notFound('Action')
        return updateVersioned(trx, {
          table: 'risk_actions',
          entityType: 'risk_action',
          actor,
          current,
          version,
          changes: { done: 1 },
        })
      })
    },

    async listIssues(scope: Scope, f: RaidFilter = {}): Promise<IssueRow[]> {
      let q = issuesIn(db, scope)
      if (f.projectId) q = q.where('raid_issues.project_id', '=', f.projectId)
      if (f.programmeId) q = q.where('p.programme_id', '=', f.programmeId)
      if (f.status) q = q.where('raid_issues.status', '=', f.status)
      return q
        .orderBy('raid_issues.id')
        .limit(f.limit ?? 1000)
        .offset(f.offset ?? 0)
        .execute()
    },

    async createIssue(actor: Actor, projectId: number, input: IssueInput): Promise<RaidIssue> {
      throwIfInvalid(validateIssue(input))
      return db.transaction().execute(async (trx) => {
        if (!(await projectIn(trx, scopeOf(actor), projectId)))
          throw new ValidationError({ projectId: 'Select a project from the list' })
        return insertAudited(trx, {
          table: 'raid_issues',
          entityType: 'raid_issue',
          actor,
          values: { project_id: projectId, ...issueRow(input), ...(await issueOwnerOf(trx, actor, input)) },
        })
      })
    },

    async updateIssue(
      actor: Actor,
      id: number,
      version: number,
      patch: Partial<IssueInput>,
    ): Promise<RaidIssue> {
      return db.transaction().execute(async (trx) => {
        const found = await getIssue(scopeOf(actor), id, trx)
        if (!found) throw notFound('Issue')
        const { project_reference: _r, project_name: _n, programme_id: _p, ...current } = found
        if (current.version !== version) throw new ConflictError(current)
        const merged = { ...toIssueInput(current), ...byName(patch), ...patch }
        throwIfInvalid(validateIssue(merged))
        return updateVersioned(trx, {
          table: 'raid_issues',
          entityType: 'raid_issue',
          actor,
          current,
          version,
          changes: { ...issueRow(merged), ...(await issueOwnerOf(trx, actor, merged)) },
        })
      })
    },

    /** Health rule: open risks whose review date has passed (today in London). */
    risksPastReviewDate: (scope: Scope, today = todayInLondon()): Promise<RiskRow[]> =>
      risksIn(db, scope)
        .where('risks.status', '=', 'open')
        .where('risks.review_date', '<', today)
        .orderBy('risks.review_date')
        .execute(),

    /** Health rule: open issues nobody owns. */
    issuesWithoutOwner: (scope: Scope): Promise<IssueRow[]> =>
      issuesIn(db, scope)
        .where('raid_issues.status', '=', 'open')
        .where((eb) => eb.or([eb('raid_issues.owner', 'is', null), eb('raid_issues.owner', '=', '')]))
        .orderBy('raid_issues.id')
        .execute(),
  }
}

export type RaidService = ReturnType<typeof createRaidService>
