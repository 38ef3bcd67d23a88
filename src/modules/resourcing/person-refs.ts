import type { Kysely, Transaction } from 'kysely'
import type { Actor } from '../../auth/actor.ts'
import { foreignIdErrors } from '../../db/foreign-ids.ts'
import type { DB } from '../../db/schema.ts'
import { ValidationError } from '../../errors.ts'
import { field, optionalInt, type FormBody } from '../../web/forms.ts'
import { insertAudited } from '../audit/versioned-update.ts'

// Owners are people (issue 10): every owner field of a record (a programme's Portfolio Holder, a project's
// manager and sponsor, the owners of risks, actions, issues and assumptions) names a person in the people
// register. A field is given as a person's id (the form's list, the API's `…PersonId`) or as a name (the
// form's "add a person not in the list", the API's old name field): a name is the register's person of that
// name (trimmed, case-insensitive), or a new person added in the writer's transaction, so nobody is blocked
// by a register that is not complete yet. The record keeps a copy of the name for lists, exports and frozen
// history; this module is the only writer of those copies, so a copy is always the person's name.

/** One owner field of a write. */
export interface PersonRef {
  /** The body's field for the person's id, as the error names it (e.g. `projectManagerPersonId`). */
  field: string
  /** A person of the register: wins over `name`. */
  personId: number | null | undefined
  /** A name typed instead: found in the register or added to it. */
  name: string | null | undefined
}

/** An owner as the record stores it: the person and the copy of their name ('' and null for nobody). */
export interface ResolvedPerson {
  id: number | null
  name: string
}

export const NOT_IN_REGISTER = 'Choose a person from the register'

const key = (name: string) => name.trim().toLowerCase()

/**
 * Resolves every owner field of a write at once, inside its transaction: an id of another organisation's
 * person (or of nobody) is a field error, never stored; a name is matched or added (once, however many
 * fields give it). Answers one ResolvedPerson for each ref, in order.
 */
export async function resolvePeople(
  trx: Transaction<DB>,
  actor: Actor,
  refs: readonly PersonRef[],
): Promise<ResolvedPerson[]> {
  const errors = await foreignIdErrors(
    trx,
    actor,
    refs.map((r) => ({ field: r.field, table: 'people' as const, id: r.personId, message: NOT_IN_REGISTER })),
  )
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
  const ids = refs.flatMap((r) => (r.personId == null ? [] : [r.personId]))
  const names = new Map<number, string>()
  if (ids.length > 0) {
    const rows = await trx
      .selectFrom('people')
      .select(['id', 'name'])
      .where('organisation_id', '=', actor.organisationId)
      .where('id', 'in', ids)
      .execute()
    for (const r of rows) names.set(r.id, r.name)
  }
  const typed = new Map<string, ResolvedPerson>()
  const out: ResolvedPerson[] = []
  for (const r of refs) {
    if (r.personId != null) {
      out.push({ id: r.personId, name: names.get(r.personId) ?? '' })
    } else if (r.name != null && r.name.trim() !== '') {
      const k = key(r.name)
      const found = typed.get(k) ?? (await personNamed(trx, actor, r.name.trim()))
      typed.set(k, found)
      out.push(found)
    } else {
      out.push({ id: null, name: '' })
    }
  }
  return out
}

/** The register's first person of that name, or a new employee (linked to the member of that name, if any). */
async function personNamed(trx: Transaction<DB>, actor: Actor, name: string): Promise<ResolvedPerson> {
  const people = await trx
    .selectFrom('people')
    .select(['id', 'name'])
    .where('organisation_id', '=', actor.organisationId)
    .orderBy('id')
    .execute()
  const found = people.find((p) => key(p.name) === key(name))
  if (found) return found
  const members = await trx
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.name'])
    .where('memberships.organisation_id', '=', actor.organisationId)
    .orderBy('users.id')
    .execute()
  const user = members.find((m) => key(m.name) === key(name))
  const created = await insertAudited(trx, {
    table: 'people',
    entityType: 'person',
    actor,
    values: {
      // A member's account spells their name as they gave it.
      name: user?.name.trim() ?? name,
      kind: 'employee',
      partner_id: null,
      user_id: user?.id ?? null,
      job_title: '',
      team: '',
      email: '',
    },
  })
  return { id: created.id, name: created.name }
}

/**
 * Whether a write changes an owner by name only (the API's old field, a form's typed name): then the name is
 * what counts, not the person the record had, so the caller clears the id before merging.
 */
export function namedOnly(patch: object, nameField: string, idField: string): boolean {
  return nameField in patch && !(idField in patch)
}

/** A choice for an owner field: the register sorted by name, less those who have left (unless already chosen). */
export interface PersonChoice {
  value: string
  text: string
}

export async function personChoices(
  db: Kysely<DB> | Transaction<DB>,
  organisationId: number,
  chosen: ReadonlyArray<number | null | undefined>,
): Promise<PersonChoice[]> {
  const keep = new Set(chosen.filter((id): id is number => id != null))
  const rows = await db
    .selectFrom('people')
    .leftJoin('memberships', (j) =>
      j
        .onRef('memberships.user_id', '=', 'people.user_id')
        .on('memberships.organisation_id', '=', organisationId),
    )
    .select(['people.id', 'people.name', 'memberships.left_at'])
    .where('people.organisation_id', '=', organisationId)
    .orderBy('people.id')
    .execute()
  // Sorted here, not by the database: PostgreSQL's collation and SQLite's byte order disagree on case.
  rows.sort((a, b) => a.name.localeCompare(b.name, 'en-GB', { sensitivity: 'base' }) || a.id - b.id)
  // Someone whose membership is marked as left no longer works here: not a new owner, but still shown
  // on the records they already own.
  return rows
    .filter((r) => r.left_at === null || keep.has(r.id))
    .map((r) => ({ value: String(r.id), text: r.left_at === null ? r.name : `${r.name} (left)` }))
}

/** An owner field as a form posts it: a name typed for someone not in the list wins over the list's choice. */
export function readOwner(body: FormBody, idField: string, nameField: string) {
  const typed = field(body, nameField)
  return typed !== ''
    ? { personId: null, name: typed }
    : { personId: optionalInt(field(body, idField)), name: '' }
}

/** What the owner field macro (resourcing/views/_owner-field.njk) shows. */
export function ownerFieldView(
  o: { legend: string; hint: string; idField: string; nameField: string },
  choices: readonly PersonChoice[],
  value: { personId: number | null; name: string },
  errors: Record<string, string> | undefined,
) {
  const chosen = value.personId === null ? '' : String(value.personId)
  return {
    ...o,
    items: [
      { value: '', text: 'Nobody yet', selected: chosen === '' },
      ...choices.map((c) => ({ ...c, selected: c.value === chosen })),
    ],
    // A typed name is shown back only while it is not yet a person (a form with errors).
    typed: value.personId === null ? value.name : '',
    error: errors?.[o.idField] ?? errors?.[o.nameField],
  }
}

/** A record's one owner as its `owner` and `owner_person_id` columns store it. */
export async function ownerColumns(trx: Transaction<DB>, actor: Actor, ref: PersonRef) {
  const [owner] = await resolvePeople(trx, actor, [ref])
  return { owner_person_id: owner!.id, owner: owner!.name }
}

/** The owner a form gave, by name: the name typed, or the chosen person's (for the conflict page). */
export function ownerName(
  value: { ownerPersonId?: number | null; owner: string | null },
  choices: readonly PersonChoice[],
): string {
  if (value.owner) return value.owner
  return choices.find((c) => c.value === String(value.ownerPersonId))?.text ?? ''
}
