import type { Kysely } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { DB } from '../../db/schema.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { forbidden, notFound, ValidationError } from '../../errors.ts'
import { auditBy, updateVersioned } from '../audit/versioned-update.ts'
import type { OrganisationService } from '../organisation/organisation.service.ts'
import { validateAreaAction, type AreaActionInput } from './area-actions.rules.ts'
import { createAreaActionsRepository } from './area-actions.repository.ts'

/**
 * An area for consideration is taken forward by its owner (the Portfolio Holder, an officer): they and the
 * programme office that prepared the report move it on; the panel reads where it stands.
 */
export function createAreaActionsService(db: Kysely<DB>, deps: { organisation: OrganisationService }) {
  const repo = createAreaActionsRepository(db)

  /** Members who can own an action: a partner officer sees no panel papers, so cannot take one forward. */
  async function owners(organisationId: number) {
    return (await deps.organisation.members(organisationId)).filter(
      (m) => m.role !== 'partner_officer' && !m.hasLeft,
    )
  }

  async function ownerNames(organisationId: number) {
    return new Map((await deps.organisation.members(organisationId)).map((m) => [m.userId, m.name]))
  }

  return {
    owners,

    /** The action with its notes and owner's name, or undefined if the reader cannot see its report. */
    async get(scope: Scope, reportId: number, areaId: number) {
      const area = await repo.get(scope, areaId, reportId)
      if (!area) return undefined
      const [notes, names] = await Promise.all([
        repo.notes(scope.organisationId, [area.id]),
        ownerNames(scope.organisationId),
      ])
      const ownerName = (area.owner_user_id !== null && names.get(area.owner_user_id)) || 'No owner'
      return { area, notes, ownerName }
    },

    /** The area alone, by its id, for its history page. */
    find: (scope: Scope, areaId: number) => repo.get(scope, areaId),

    /** The owner and the programme office may move an action on. */
    mayUpdate: (actor: Actor, area: { owner_user_id: number | null }) =>
      allows('reports.write', actor.role) || area.owner_user_id === actor.userId,

    /** Actions the person owns, for their own page. */
    forOwner: (actor: Actor) => repo.forOwner(scopeOf(actor), actor.userId),

    /**
     * Changes the owner, due date and status against `version`, and adds the progress note if there is one,
     * in one transaction: a stale version writes nothing.
     */
    async update(actor: Actor, reportId: number, areaId: number, version: number, input: AreaActionInput) {
      const current = await repo.get(scopeOf(actor), areaId, reportId)
      if (!current) throw notFound('Area for consideration')
      if (!(allows('reports.write', actor.role) || current.owner_user_id === actor.userId)) throw forbidden()
      const today = todayInLondon()
      const allowed = (await owners(actor.organisationId)).map((m) => m.userId)
      // The current owner stays allowed even if they have since left: the change may be to hand it on.
      if (current.owner_user_id !== null) allowed.push(current.owner_user_id)
      const errors = validateAreaAction(input, allowed, today)
      if (Object.keys(errors).length > 0) throw new ValidationError(errors)
      return db.transaction().execute(async (trx) => {
        const updated = await updateVersioned(trx, {
          table: 'report_areas',
          entityType: 'report_area',
          actor,
          current,
          version,
          changes: { owner_user_id: input.ownerUserId, due_on: input.dueOn, status: input.status },
        })
        if (input.note.trim() !== '') {
          const note = await repo.addNote(trx, {
            organisation_id: actor.organisationId,
            area_id: current.id,
            noted_on: input.notedOn ?? today,
            text: input.note.trim(),
            author_name: actor.name,
            created_at: new Date().toISOString(),
          })
          // "Noted by …" on the history page.
          await auditBy(trx, actor, {
            action: 'note',
            entityType: 'report_area',
            entityId: current.id,
            after: note,
          })
        }
        return updated
      })
    },
  }
}

export type AreaActionsService = ReturnType<typeof createAreaActionsService>
