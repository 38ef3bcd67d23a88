import type { Kysely, Transaction } from 'kysely'
import type { Actor, Scope } from '../../auth/actor.ts'
import { ifProjectVisible } from '../../auth/visibility.ts'
import { ownRow } from '../../db/owned-row.ts'
import type { DB, Recommendation, RecommendationAction } from '../../db/schema.ts'
import type { IsoDate } from '../../domain/dates.ts'
import { responseDueOn } from '../../domain/due-dates.ts'
import type { WorkingCalendarService } from '../organisation/working-calendar.service.ts'
import { ConflictError, notFound, ValidationError, throwIfInvalid } from '../../errors.ts'
import { insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import { isMember, NotAddresseeError } from './scrutiny-access.ts'
import {
  SETTABLE_STATUSES,
  validateAction,
  validateRecommendation,
  validateResponse,
  type ActionInput,
  type RecommendationInput,
  type ResponseInput,
} from './scrutiny.rules.ts'

type Db = Kysely<DB> | Transaction<DB>
type Org = Pick<Scope, 'organisationId'>
export interface RecommendationFilter {
  committeeId?: number
  status?: string
  addresseeUserId?: number
  offset?: number
  limit?: number
}

export interface OverdueResponse {
  recommendationId: number
  reference: string
  committee: string
  dueOn: IsoDate
  addressee: string
}

export function createRecommendationsService(
  db: Kysely<DB>,
  workingCalendar: Pick<WorkingCalendarService, 'holidaysOf'>,
) {
  const base = (d: Db, scope: Org) =>
    d
      .selectFrom('recommendations')
      .innerJoin('committees', 'committees.id', 'recommendations.committee_id')
      .innerJoin('agenda_items', 'agenda_items.id', 'recommendations.agenda_item_id')
      .innerJoin('meetings', 'meetings.id', 'agenda_items.meeting_id')
      .leftJoin('users as addressee', 'addressee.id', 'recommendations.addressee_user_id')
      .leftJoin('users as lead', 'lead.id', 'recommendations.lead_officer_user_id')
      .selectAll('recommendations')
      .select([
        'committees.name as committee_name',
        'agenda_items.title as item_title',
        'agenda_items.number as item_number',
        'meetings.id as meeting_id',
        'meetings.meeting_date',
        'addressee.name as addressee_name',
        'lead.name as lead_officer_name',
      ])
      .where('recommendations.organisation_id', '=', scope.organisationId)
  const row = (d: Db, scope: Org, id: number) => ownRow(d, 'recommendations', scope, id)

  /** The addressee, the lead officer or an administrator: the service's half of `scrutiny.respond`. */
  function mayRespond(actor: Actor, r: Recommendation): boolean {
    return (
      actor.role === 'administrator' ||
      r.addressee_user_id === actor.userId ||
      r.lead_officer_user_id === actor.userId
    )
  }

  /** Saves a change against the version just loaded, filed in the history under its own verb. */
  const saveStatus = (
    trx: Transaction<DB>,
    actor: Actor,
    current: Recommendation,
    changes: Partial<Recommendation>,
    action: string,
  ) =>
    updateVersioned(trx, {
      table: 'recommendations',
      entityType: 'recommendation',
      action,
      actor,
      current,
      version: current.version,
      changes,
    })

  async function loadForChange(trx: Transaction<DB>, actor: Actor, id: number, version: number | null) {
    const current = await row(trx, actor, id)
    if (!current) throw notFound('Recommendation')
    if (version !== null && current.version !== version) throw new ConflictError(current)
    return current
  }

  return {
    mayRespond,
    get: (scope: Scope, id: number) =>
      base(db, scope).where('recommendations.id', '=', id).executeTakeFirst(),

    list: (scope: Scope, f: RecommendationFilter = {}) => {
      let q = base(db, scope)
      if (f.committeeId !== undefined) q = q.where('recommendations.committee_id', '=', f.committeeId)
      if (f.addresseeUserId !== undefined)
        q = q.where('recommendations.addressee_user_id', '=', f.addresseeUserId)
      if (f.status) q = q.where('recommendations.status', '=', f.status)
      return q
        .orderBy('recommendations.made_on', 'desc')
        .orderBy('recommendations.id', 'desc')
        .offset(f.offset ?? 0)
        .limit(f.limit ?? 500)
        .execute()
    },

    forItem: (scope: Scope, itemId: number) =>
      base(db, scope)
        .where('recommendations.agenda_item_id', '=', itemId)
        .orderBy('recommendations.id')
        .execute(),
    followedUpAt: (scope: Scope, itemId: number) =>
      base(db, scope)
        .where('recommendations.follow_up_item_id', '=', itemId)
        .orderBy('recommendations.id')
        .execute(),

    actions: (scope: Scope, recommendationId: number) =>
      db
        .selectFrom('recommendation_actions')
        .leftJoin('projects', 'projects.id', 'recommendation_actions.project_id')
        .leftJoin('programmes', 'programmes.id', 'recommendation_actions.programme_id')
        .selectAll('recommendation_actions')
        // A project the reader may not see is neither named nor linked (auth/visibility.ts).
        .select([
          ifProjectVisible<string>(scope, 'projects.id', 'projects.name').as('project_name'),
          'programmes.name as programme_name',
        ])
        .where('recommendation_actions.organisation_id', '=', scope.organisationId)
        .where('recommendation_actions.recommendation_id', '=', recommendationId)
        .orderBy('recommendation_actions.id')
        .execute(),

    getAction: (scope: Scope, id: number) => ownRow(db, 'recommendation_actions', scope, id),

    /** Made at an agenda item; the response is due the committee's number of months after the meeting. */
    async create(actor: Actor, agendaItemId: number, input: RecommendationInput): Promise<Recommendation> {
      return db.transaction().execute(async (trx) => {
        const item = await trx
          .selectFrom('agenda_items')
          .innerJoin('meetings', 'meetings.id', 'agenda_items.meeting_id')
          .innerJoin('committees', 'committees.id', 'meetings.committee_id')
          .select([
            'agenda_items.id',
            'meetings.meeting_date',
            'committees.id as committee_id',
            'committees.response_months',
          ])
          .where('agenda_items.organisation_id', '=', actor.organisationId)
          .where('agenda_items.id', '=', agendaItemId)
          .executeTakeFirst()
        if (!item) throw notFound('Agenda item')
        const errors = validateRecommendation(input)
        for (const [key, userId] of [
          ['addresseeUserId', input.addresseeUserId],
          ['leadOfficerUserId', input.leadOfficerUserId],
        ] as const) {
          if (userId !== null && !errors[key] && !(await isMember(trx, actor.organisationId, userId)))
            errors[key] = 'Choose someone in your organisation'
        }
        throwIfInvalid(errors)
        const reference = input.reference.trim()
        const taken = await trx
          .selectFrom('recommendations')
          .select('id')
          .where('organisation_id', '=', actor.organisationId)
          .where((eb) => eb(eb.fn('lower', ['reference']), '=', reference.toLowerCase()))
          .executeTakeFirst()
        if (taken)
          throw new ValidationError({ reference: 'A recommendation with this reference already exists' })
        return insertAudited(trx, {
          table: 'recommendations',
          entityType: 'recommendation',
          actor,
          values: {
            committee_id: item.committee_id,
            agenda_item_id: item.id,
            reference,
            kind: input.kind,
            text: input.text.trim(),
            addressed_to: input.addressedTo,
            addressee_user_id: input.addresseeUserId,
            lead_officer_user_id: input.leadOfficerUserId,
            made_on: item.meeting_date,
            response_due_on: responseDueOn(
              item.meeting_date,
              item.response_months,
              await workingCalendar.holidaysOf(trx, actor.organisationId),
            ),
            response: null,
            response_reasons: '',
            responded_by_name: '',
            evidence: '',
            responded_on: null,
            responded_by_user_id: null,
            status: 'awaiting_response',
            follow_up_item_id: null,
          },
        })
      })
    },

    /** The addressee's answer: accepted, partly accepted or rejected, with reasons, date and who. */
    async respond(
      actor: Actor,
      id: number,
      version: number | null,
      input: ResponseInput,
    ): Promise<Recommendation> {
      return db.transaction().execute(async (trx) => {
        const current = await loadForChange(trx, actor, id, version)
        if (!mayRespond(actor, current)) throw new NotAddresseeError()
        if (current.response !== null)
          throw new ValidationError({ response: 'This recommendation has already been responded to' })
        throwIfInvalid(validateResponse(input, current.made_on))
        return saveStatus(
          trx,
          actor,
          current,
          {
            response: input.response,
            response_reasons: input.reasons.trim(),
            responded_on: input.respondedOn,
            responded_by_user_id: actor.userId,
            responded_by_name: actor.name,
            status: input.response === 'rejected' ? 'rejected' : 'accepted_in_progress',
          },
          'respond',
        )
      })
    },

    /** After an accepting response: in progress, implemented (with evidence) or paused. */
    async setStatus(actor: Actor, id: number, version: number | null, status: string, evidence: string) {
      return db.transaction().execute(async (trx) => {
        const current = await loadForChange(trx, actor, id, version)
        if (!mayRespond(actor, current)) throw new NotAddresseeError()
        if (current.response === null || current.response === 'rejected')
          throw new ValidationError({
            status: 'Only an accepted recommendation can move on to implementation',
          })
        if (!(SETTABLE_STATUSES as readonly string[]).includes(status))
          throw new ValidationError({ status: 'Select in progress, implemented or paused' })
        if (status === 'implemented' && !evidence.trim() && !current.evidence.trim())
          throw new ValidationError({
            evidence: 'Describe the evidence that the recommendation has been implemented',
          })
        return saveStatus(
          trx,
          actor,
          current,
          { status, evidence: evidence.trim() || current.evidence },
          'update',
        )
      })
    },

    /** The panel closes the loop by taking the recommendation again at an item of a later meeting. */
    async linkFollowUp(actor: Actor, id: number, itemId: number | null) {
      return db.transaction().execute(async (trx) => {
        const current = await loadForChange(trx, actor, id, null)
        if (itemId === null)
          throw new ValidationError({ followUpItemId: 'Choose the agenda item that followed it up' })
        const item = await trx
          .selectFrom('agenda_items')
          .innerJoin('meetings', 'meetings.id', 'agenda_items.meeting_id')
          .select(['agenda_items.id', 'meetings.meeting_date'])
          .where('agenda_items.organisation_id', '=', actor.organisationId)
          .where('agenda_items.id', '=', itemId)
          .executeTakeFirst()
        if (!item) throw new ValidationError({ followUpItemId: 'Choose an agenda item of your organisation' })
        if (item.meeting_date <= current.made_on)
          throw new ValidationError({
            followUpItemId: 'The follow-up must be at a meeting after the one that made it',
          })
        return saveStatus(trx, actor, current, { follow_up_item_id: item.id }, 'follow_up')
      })
    },

    async addAction(
      actor: Actor,
      recommendationId: number,
      input: ActionInput,
    ): Promise<RecommendationAction> {
      return db.transaction().execute(async (trx) => {
        const current = await loadForChange(trx, actor, recommendationId, null)
        if (!mayRespond(actor, current)) throw new NotAddresseeError()
        const errors = validateAction(input)
        if (input.ownerUserId !== null && !(await isMember(trx, actor.organisationId, input.ownerUserId)))
          errors.ownerUserId = 'Choose someone in your organisation'
        if (input.projectId !== null && !(await ownRow(trx, 'projects', actor, input.projectId)))
          errors.projectId = 'Choose a project of your organisation'
        if (input.programmeId !== null && !(await ownRow(trx, 'programmes', actor, input.programmeId)))
          errors.programmeId = 'Choose a programme of your organisation'
        throwIfInvalid(errors)
        const owner = await trx
          .selectFrom('users')
          .select('name')
          .where('id', '=', input.ownerUserId!)
          .executeTakeFirstOrThrow()
        // Actions are part of the recommendation: their history is the recommendation's history.
        return insertAudited(trx, {
          table: 'recommendation_actions',
          entityType: 'recommendation',
          entityId: recommendationId,
          action: 'add_action',
          actor,
          values: {
            recommendation_id: recommendationId,
            text: input.text.trim(),
            owner_user_id: input.ownerUserId,
            owner_name: owner.name,
            due_on: input.dueOn,
            programme_id: input.programmeId,
            project_id: input.projectId,
            status: input.status,
            evidence_text: input.evidenceText.trim(),
            evidence_url: input.evidenceUrl.trim(),
          },
        })
      })
    },

    async updateAction(
      actor: Actor,
      actionId: number,
      version: number | null,
      status: string,
      evidenceText: string,
      evidenceUrl: string,
    ) {
      return db.transaction().execute(async (trx) => {
        const action = await ownRow(trx, 'recommendation_actions', actor, actionId)
        if (!action) throw notFound('Action')
        if (version !== null && action.version !== version) throw new ConflictError(action)
        const rec = await loadForChange(trx, actor, action.recommendation_id, null)
        if (!mayRespond(actor, rec)) throw new NotAddresseeError()
        const errors = validateAction({
          text: action.text,
          ownerUserId: action.owner_user_id ?? 0,
          dueOn: action.due_on,
          projectId: null,
          programmeId: null,
          status,
          evidenceText,
          evidenceUrl,
        })
        throwIfInvalid(errors)
        return updateVersioned(trx, {
          table: 'recommendation_actions',
          entityType: 'recommendation',
          entityId: rec.id,
          action: 'update_action',
          actor,
          current: action,
          version: action.version,
          changes: { status, evidence_text: evidenceText.trim(), evidence_url: evidenceUrl.trim() },
        })
      })
    },

    /** For the governance health check: responses past their due date and not yet given. */
    async overdueResponses(scope: Scope, today: IsoDate): Promise<OverdueResponse[]> {
      const rows = await base(db, scope)
        .where('recommendations.status', '=', 'awaiting_response')
        .where('recommendations.responded_on', 'is', null)
        .where('recommendations.response_due_on', '<', today)
        .orderBy('recommendations.response_due_on')
        .orderBy('recommendations.id')
        .execute()
      return rows.map((r) => ({
        recommendationId: r.id,
        reference: r.reference,
        committee: r.committee_name,
        dueOn: r.response_due_on,
        addressee: r.addressee_name ?? '',
      }))
    },
  }
}

export type RecommendationsService = ReturnType<typeof createRecommendationsService>

/** A recommendation in the tracker, with its committee, meeting and people's names. */
export type RecommendationListRow = Awaited<ReturnType<RecommendationsService['list']>>[number]
