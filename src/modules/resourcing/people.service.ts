import { copyPersonName } from './person-refs.ts'
import type { Kysely, Transaction } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import { checkForeignIds, foreignIdErrors } from '../../db/foreign-ids.ts'
import type { DB, Person, Secondment } from '../../db/schema.ts'
import { notFound, ValidationError, throwIfInvalid } from '../../errors.ts'
import { auditBy, insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import { peopleRepository as repo, type PeopleFilter, type PersonRow } from './people.repository.ts'
import {
  SKILL_LEVELS,
  validatePerson,
  validateSecondment,
  type PersonInput,
  type SecondmentInput,
} from './resourcing.rules.ts'

// The people register: who they are, who employs them, their secondments and their skills. Rules in
// resourcing.rules.ts; SQL in people.repository.ts; each write one transaction with its audit event.

const ERASED_MESSAGE = 'This person’s details have been erased and cannot be changed'

const personValues = (p: PersonInput) => ({
  name: p.name.trim(),
  kind: p.kind,
  // The council's own staff have no employer partner, whatever the form sent.
  partner_id:
    p.kind === 'partner_staff' || p.kind === 'secondee' || p.kind === 'contractor' ? p.partnerId : null,
  user_id: p.userId,
  job_title: p.jobTitle.trim(),
  team: p.team.trim(),
  email: p.email.trim(),
})

const secondmentValues = (s: SecondmentInput) => ({
  person_id: s.personId,
  direction: s.direction,
  from_team: s.fromTeam.trim(),
  from_organisation: s.fromOrganisation.trim(),
  to_team: s.toTeam.trim(),
  to_organisation: s.toOrganisation.trim(),
  starts_on: s.startsOn,
  ends_on: s.endsOn,
  reason: s.reason.trim(),
  fte_hundredths: s.fteHundredths,
})

export function createPeopleService(db: Kysely<DB>) {
  async function personErrors(trx: Transaction<DB>, actor: Actor, p: PersonInput) {
    const errors = validatePerson(p)
    Object.assign(
      errors,
      await foreignIdErrors(trx, actor, [
        { field: 'partnerId', table: 'partners', id: p.partnerId },
        { field: 'userId', table: 'users', id: p.userId },
      ]),
    )
    return errors
  }

  /** The person must be one the writer can see: someone else's id is a field error, never a write. */
  async function personIn(trx: Transaction<DB>, actor: Actor, personId: number) {
    const person = await repo.get(trx, scopeOf(actor), personId)
    if (!person) throw new ValidationError({ personId: 'Choose a person from the register' })
    return person
  }

  return {
    get: (scope: Scope, id: number) => repo.get(db, scope, id),
    list: (scope: Scope, f: PeopleFilter = {}) => repo.list(db, scope, f),
    holdings: (scope: Scope, personId: number) => repo.holdings(db, scope, { personId }),
    secondments: (scope: Scope, f: { personId?: number; offset?: number; limit?: number } = {}) =>
      repo.secondments(db, scope, f),
    secondment: (scope: Scope, id: number) => repo.secondment(db, scope, id),
    skillsOf: (scope: Scope, personIds: number[]) => repo.skillsOf(db, scope.organisationId, personIds),

    create: (actor: Actor, input: PersonInput): Promise<Person> =>
      db.transaction().execute(async (trx) => {
        throwIfInvalid(await personErrors(trx, actor, input))
        return insertAudited(trx, {
          table: 'people',
          entityType: 'person',
          actor,
          values: personValues(input),
        })
      }),

    update: (actor: Actor, id: number, version: number, input: PersonInput): Promise<Person> =>
      db.transaction().execute(async (trx) => {
        const found = await repo.get(trx, scopeOf(actor), id)
        if (!found) throw notFound('Person')
        // Erasure is final (UK GDPR Article 17): nobody types the details back in over the placeholder.
        if (found.erased_at !== null) throwIfInvalid({ name: ERASED_MESSAGE })
        throwIfInvalid(await personErrors(trx, actor, input))
        const { partner_name: _p, user_name: _u, ...current } = found
        const saved = await updateVersioned(trx, {
          table: 'people',
          entityType: 'person',
          actor,
          current: current,
          version,
          changes: personValues(input),
        })
        // Records they own keep a copy of their name (person-refs.ts): a new name reaches them all at once.
        if (saved.name !== found.name) await copyPersonName(trx, actor.organisationId, id)
        return saved
      }),

    /**
     * Records the day a person left (or, with null, that they have not): what makes them a leaver, whom
     * the retention period then counts from and whom an administrator may erase. An erased person stays
     * erased, so their leaving date is no longer changed.
     */
    recordLeaving: (actor: Actor, id: number, version: number, leftOn: string | null): Promise<Person> =>
      db.transaction().execute(async (trx) => {
        const found = await repo.get(trx, scopeOf(actor), id)
        if (!found) throw notFound('Person')
        if (found.erased_at !== null)
          throw new ValidationError({
            leftOn: 'This person’s details have been erased: their leaving date stays',
          })
        const { partner_name: _p, user_name: _u, ...current } = found
        return updateVersioned(trx, {
          table: 'people',
          entityType: 'person',
          actor,
          current,
          version,
          changes: { left_on: leftOn },
          action: leftOn === null ? 'record returned' : 'record left',
        })
      }),

    addSecondment: (actor: Actor, input: SecondmentInput): Promise<Secondment> =>
      db.transaction().execute(async (trx) => {
        throwIfInvalid(validateSecondment(input))
        await personIn(trx, actor, input.personId)
        return insertAudited(trx, {
          table: 'secondments',
          entityType: 'secondment',
          actor,
          values: secondmentValues(input),
        })
      }),

    updateSecondment: (actor: Actor, id: number, version: number, input: SecondmentInput) =>
      db.transaction().execute(async (trx) => {
        const found = await repo.secondment(trx, scopeOf(actor), id)
        if (!found) throw notFound('Secondment')
        throwIfInvalid(validateSecondment(input))
        await personIn(trx, actor, input.personId)
        const { person_name: _n, ...current } = found
        return updateVersioned(trx, {
          table: 'secondments',
          entityType: 'secondment',
          actor,
          current: current,
          version,
          changes: secondmentValues(input),
        })
      }),

    /**
     * Replaces a person's skills with the list given (each skill once, at a level), as one change to the
     * person: the version moves on, so two people editing the same person's skills cannot silently overwrite.
     */
    setSkills: (
      actor: Actor,
      personId: number,
      version: number,
      skills: Array<{ skillId: number; level: string }>,
    ): Promise<Person> =>
      db.transaction().execute(async (trx) => {
        const found = await repo.get(trx, scopeOf(actor), personId)
        if (!found) throw notFound('Person')
        const errors: Record<string, string> = {}
        const seen = new Set<number>()
        skills.forEach((s, i) => {
          if (!SKILL_LEVELS.some((l) => l.value === s.level))
            errors[`skills-${s.skillId}`] ??= 'Select a level for the skill'
          if (seen.has(s.skillId)) errors[`skills.${i}`] = 'Each skill may be listed once'
          seen.add(s.skillId)
        })
        throwIfInvalid(errors)
        await checkForeignIds(
          trx,
          actor,
          skills.map((s) => ({
            field: `skills-${s.skillId}`,
            table: 'skills' as const,
            id: s.skillId,
            message: 'Choose skills from the catalogue',
          })),
        )
        const before = await repo.skillsOf(trx, actor.organisationId, [personId])
        await repo.replaceSkills(trx, actor.organisationId, personId, skills)
        const { partner_name: _p, user_name: _u, ...current } = found
        const saved = await updateVersioned(trx, {
          table: 'people',
          entityType: 'person',
          actor,
          current: current,
          version,
          changes: {},
          action: 'update skills',
        })
        await auditBy(trx, actor, {
          action: 'skills recorded',
          entityType: 'person',
          entityId: personId,
          before: { skills: before.map((s) => ({ skill: s.name, level: s.level })) },
          after: { skills },
        })
        return saved
      }),
  }
}

export type PeopleService = ReturnType<typeof createPeopleService>
export type { PersonRow }
