import type { Kysely } from 'kysely'
import { auditActorOf, type Actor, type Scope } from '../../auth/actor.ts'
import { ownRow } from '../../db/owned-row.ts'
import { foreignIdErrors, type ForeignId } from '../../db/foreign-ids.ts'
import type { DB, ForwardPlanEntry } from '../../db/schema.ts'
import { isIsoDate, todayInLondon, type IsoDate } from '../../domain/dates.ts'
import { ConflictError, HttpError, notFound, ValidationError } from '../../errors.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import { updateOrganisation } from '../organisation/organisation.service.ts'
import type { WorkingCalendarService } from '../organisation/working-calendar.service.ts'
import { forwardPlanRepository as repo, type Db, type EntryRow } from './forward-plan.repository.ts'
import {
  callInEndsOn,
  clearDaysBetween,
  givesNotice,
  implementationProblem,
  readDecisionMaker,
  validateEntry,
  type EntryInput,
} from './forward-plan.rules.ts'

const MAX_CALL_IN_DAYS = 20

/** An entry with whether it gives the 28 clear days' notice its decision needs. */
export interface EntryView extends EntryRow {
  clearDays: number
  givesNotice: boolean
}

const viewOf = (e: EntryRow): EntryView => {
  const on = e.decision_decided_on ?? e.expected_on
  return { ...e, clearDays: clearDaysBetween(e.listed_on, on), givesNotice: givesNotice(e.listed_on, on) }
}

/**
 * The published forward plan for the public site (issue 12): entries not withdrawn, with exempt ones left
 * out entirely. Nothing else of an entry (who is alerted, links to projects) leaves the council.
 */
export function publicForwardPlan(db: Db, organisationId: number) {
  return repo.publicEntries(db, organisationId)
}

/** The forward plan of key decisions and the call-in of decisions (issue 12). Rules in forward-plan.rules.ts. */
export function createForwardPlanService(
  db: Kysely<DB>,
  deps: { workingCalendar: Pick<WorkingCalendarService, 'holidaysOf'> },
) {
  async function valuesOf(trx: Db, actor: Actor, input: EntryInput, previousExpectedOn: IsoDate | null) {
    const errors = validateEntry(input, todayInLondon(), previousExpectedOn)
    const maker = readDecisionMaker(input.decisionMaker)
    const refs: ForeignId[] = [
      {
        field: 'decisionMaker',
        table: 'boards',
        id: maker?.boardId,
        message: 'Select who takes the decision',
      },
      { field: 'decisionMaker', table: 'users', id: maker?.userId, message: 'Select who takes the decision' },
      { field: 'programmeId', table: 'programmes', id: input.programmeId },
      { field: 'projectId', table: 'projects', id: input.projectId },
      {
        field: 'decisionId',
        table: 'decisions',
        id: input.decisionId,
        message: 'Select a decision from the list',
      },
    ]
    for (const [k, v] of Object.entries(await foreignIdErrors(trx, actor, refs))) errors[k] ??= v
    if (Object.keys(errors).length > 0) throw new ValidationError(errors)
    const makers = await repo.makers(trx, actor.organisationId)
    const name =
      maker?.boardId != null
        ? makers.boards.find((b) => b.id === maker.boardId)?.name
        : makers.users.find((u) => u.id === maker?.userId)?.name
    return {
      title: input.title.trim(),
      description: input.description.trim(),
      board_id: maker?.boardId ?? null,
      decision_maker_user_id: maker?.userId ?? null,
      decision_maker: name ?? '',
      expected_on: input.expectedOn,
      is_exempt: input.isExempt ? 1 : 0,
      exempt_paragraph: input.isExempt ? input.exemptParagraph : '',
      status: input.status,
      decision_id: input.decisionId,
      programme_id: input.programmeId,
      project_id: input.projectId,
    }
  }

  return {
    async list(scope: Scope, w: { offset?: number; limit?: number } = {}): Promise<EntryView[]> {
      return (await repo.list(db, scope, w)).map(viewOf)
    },
    count: (scope: Scope) => repo.count(db, scope),
    async view(scope: Scope, id: number): Promise<EntryView | undefined> {
      const e = await repo.get(db, scope, id)
      return e && viewOf(e)
    },

    /** What the form offers: decision-makers, programmes, projects and the key decisions to link. */
    async options(organisationId: number) {
      const [makers, programmes, projects, decisions] = await Promise.all([
        repo.makers(db, organisationId),
        repo.programmes(db, organisationId),
        repo.projects(db, organisationId),
        repo.keyDecisions(db, organisationId),
      ])
      return { ...makers, programmes, projects, decisions }
    },

    async create(actor: Actor, input: EntryInput): Promise<ForwardPlanEntry> {
      return db.transaction().execute(async (trx) => {
        const values = await valuesOf(trx, actor, input, null)
        return insertAudited(trx, {
          table: 'forward_plan_entries',
          entityType: 'forward_plan_entry',
          actor,
          // The 28 clear days count from the day the entry is first on the plan.
          values: { ...values, listed_on: todayInLondon() },
        })
      })
    },

    async update(actor: Actor, id: number, version: number, input: EntryInput): Promise<ForwardPlanEntry> {
      return db.transaction().execute(async (trx) => {
        const row = await ownRow(trx, 'forward_plan_entries', actor, id)
        if (!row) throw notFound('Forward plan entry')
        if (row.version !== version) throw new ConflictError(row)
        const values = await valuesOf(trx, actor, input, row.expected_on)
        return updateVersioned(trx, {
          table: 'forward_plan_entries',
          entityType: 'forward_plan_entry',
          actor,
          current: row,
          version,
          changes: values,
        })
      })
    },

    /** The organisation's call-in period, in clear working days, with the version to change it by. */
    async callInPeriod(organisationId: number) {
      const o = await db
        .selectFrom('organisations')
        .select(['call_in_working_days', 'version'])
        .where('id', '=', organisationId)
        .executeTakeFirstOrThrow()
      return { workingDays: o.call_in_working_days, version: o.version }
    },

    /** Sets the call-in period the council's constitution gives (usually five clear working days). */
    async setCallInPeriod(actor: Actor, version: number, workingDays: number) {
      if (!Number.isInteger(workingDays) || workingDays < 1 || workingDays > MAX_CALL_IN_DAYS)
        throw new ValidationError({
          workingDays: `Enter the call-in period as a whole number of working days from 1 to ${MAX_CALL_IN_DAYS}`,
        })
      return db.transaction().execute(async (trx) => {
        const { current, updated } = await updateOrganisation(trx, actor, version, {
          call_in_working_days: workingDays,
        })
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'update',
          entityType: 'organisation',
          entityId: actor.organisationId,
          before: { call_in_working_days: current.call_in_working_days },
          after: { call_in_working_days: updated.call_in_working_days },
        })
        return { workingDays: updated.call_in_working_days, version: updated.version }
      })
    },

    /** The call-in of a published decision: when its period ends, and when it was implemented. */
    async callIn(organisationId: number, decisionId: number) {
      const d = await repo.decision(db, organisationId, decisionId)
      if (!d || d.status !== 'published' || d.published_at === null) return null
      const [days, isHoliday, implemented] = await Promise.all([
        repo.callInDays(db, organisationId),
        deps.workingCalendar.holidaysOf(db, organisationId),
        repo.implementation(db, organisationId, decisionId),
      ])
      const publishedOn = todayInLondon(new Date(d.published_at))
      return {
        publishedOn,
        endsOn: callInEndsOn(publishedOn, days, isHoliday),
        implementedOn: implemented?.implemented_on ?? null,
      }
    },

    /**
     * Records that a published decision was carried out on a day. Refused within the call-in period: members
     * may call a decision in for scrutiny before it is acted on, so acting first would defeat the call-in.
     */
    async implement(actor: Actor, decisionId: number, on: string) {
      return db.transaction().execute(async (trx) => {
        const d = await repo.decision(trx, actor.organisationId, decisionId)
        if (!d) throw notFound('Decision')
        if (!isIsoDate(on))
          throw new ValidationError({ implementedOn: 'Enter the date the decision was implemented' })
        if (on > todayInLondon())
          throw new ValidationError({
            implementedOn: 'The date it was implemented must be today or in the past',
          })
        if (await repo.implementation(trx, actor.organisationId, decisionId))
          throw new HttpError(409, 'This decision is already recorded as implemented', {
            implementedOn: 'This decision is already recorded as implemented',
          })
        const days = await repo.callInDays(trx, actor.organisationId)
        const isHoliday = await deps.workingCalendar.holidaysOf(trx, actor.organisationId)
        const publishedOn = d.published_at === null ? null : todayInLondon(new Date(d.published_at))
        const problem = implementationProblem(
          on,
          d.status === 'published' ? publishedOn : null,
          days,
          isHoliday,
        )
        if (problem) throw new ValidationError({ implementedOn: problem })
        await trx
          .insertInto('decision_implementations')
          .values({
            organisation_id: actor.organisationId,
            decision_id: decisionId,
            implemented_on: on,
            recorded_by: actor.userId,
            created_at: new Date().toISOString(),
          })
          .execute()
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'implement',
          entityType: 'decision',
          entityId: decisionId,
          after: { implemented_on: on },
        })
        return { decisionId, implementedOn: on }
      })
    },
  }
}

export type ForwardPlanService = ReturnType<typeof createForwardPlanService>
