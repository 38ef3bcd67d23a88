import type { Kysely, Transaction } from 'kysely'
import type { Actor, Scope } from '../../auth/actor.ts'
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
    refs.map((r) => ({ field: r.field, table: 'people' as const, id: r.personId })),
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

/**
 * Who a name is in an organisation's register: its first person of that name (any case); else, when a member's
 * account has that name, the person linked to that account; else the person to add (an employee, linked to
 * that member if any, spelt as their account spells it).
 */
export async function matchPerson(
  trx: Transaction<DB>,
  organisationId: number,
  name: string,
): Promise<{ id: number; name: string } | { add: { name: string; user_id: number | null } }> {
  const people = await trx
    .selectFrom('people')
    .select(['id', 'name', 'user_id'])
    .where('organisation_id', '=', organisationId)
    .orderBy('id')
    .execute()
  const found = people.find((p) => key(p.name) === key(name))
  if (found) return { id: found.id, name: found.name }
  const members = await trx
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.name'])
    .where('memberships.organisation_id', '=', organisationId)
    .orderBy('users.id')
    .execute()
  const user = members.find((m) => key(m.name) === key(name))
  const linked = user && people.find((p) => p.user_id === user.id)
  if (linked) return { id: linked.id, name: linked.name }
  return { add: { name: user?.name.trim() ?? name.trim(), user_id: user?.id ?? null } }
}

/** The person values of someone added to the register because an owner field named them. */
export const addedPerson = (p: { name: string; user_id: number | null }) => ({
  name: p.name,
  kind: 'employee',
  partner_id: null,
  user_id: p.user_id,
  job_title: '',
  team: '',
  email: '',
})

async function personNamed(trx: Transaction<DB>, actor: Actor, name: string): Promise<ResolvedPerson> {
  const match = await matchPerson(trx, actor.organisationId, name)
  if (!('add' in match)) return match
  const created = await insertAudited(trx, {
    table: 'people',
    entityType: 'person',
    actor,
    values: addedPerson(match.add),
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

/**
 * Every owner column: the record's table, the copy of the name and the person. The "Owns" section of a
 * person's page and the demo read this list; migration 0019 keeps its own.
 */
export const OWNER_COLUMNS = [
  { table: 'programmes', name: 'portfolio_holder', personId: 'portfolio_holder_person_id' },
  { table: 'projects', name: 'project_manager', personId: 'project_manager_person_id' },
  { table: 'projects', name: 'sponsor', personId: 'sponsor_person_id' },
  { table: 'risks', name: 'owner', personId: 'owner_person_id' },
  { table: 'risk_actions', name: 'owner', personId: 'owner_person_id' },
  { table: 'raid_issues', name: 'owner', personId: 'owner_person_id' },
  { table: 'assumptions', name: 'owner', personId: 'owner_person_id' },
  { table: 'ambitions', name: 'owner', personId: 'owner_person_id' },
  { table: 'outputs', name: 'accepted_by', personId: 'accepted_by_person_id' },
  { table: 'benefits', name: 'owner', personId: 'owner_person_id' },
  { table: 'indicators', name: 'owner', personId: 'owner_person_id' },
] as const

/**
 * Copies a person's name (as the register now has it) onto every record they own, in the caller's transaction:
 * for the people service to call when a person is renamed or their name is erased, so that lists, exports and
 * the API, which read the copies, say what the register says.
 */
export async function copyPersonName(trx: Transaction<DB>, organisationId: number, personId: number) {
  const person = await trx
    .selectFrom('people')
    .select('name')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', personId)
    .executeTakeFirst()
  if (!person) return
  const loose = trx as unknown as Kysely<Record<string, Record<string, unknown>>>
  for (const c of OWNER_COLUMNS)
    await loose
      .updateTable(c.table)
      .set({ [c.name]: person.name })
      .where('organisation_id', '=', organisationId)
      .where(c.personId, '=', personId)
      .execute()
}

/**
 * The link to an owner's page in the people register, for a reader who may follow it: a partner officer reads
 * an owner's name on a shared record but sees only their own partner's staff in the register, so they get
 * the name without a link (a link would answer 404).
 */
export function personUrl(scope: Scope, personId: number | null): string | null {
  return personId === null || scope.partnerOnly ? null : `/people/${personId}`
}
