import type { Kysely } from 'kysely'

// Issue 10: the people register becomes the one record of named people. Every owner field (a programme's
// Portfolio Holder, a project's manager and sponsor, the owners of risks, risk actions, issues and
// assumptions) refers to a person; today's free text is migrated: per organisation, each distinct trimmed
// name becomes a person (or matches, case-insensitively, the first one already in the register), linked to
// the member of the organisation whose user account has that name. The text columns stay as the copy of the
// person's name that lists, exports and frozen history read; only src/db/person-refs.ts writes them now.
// The list of columns is this migration's own: later changes to the code must not change what it did.

const OWNER_COLUMNS = [
  { table: 'programmes', name: 'portfolio_holder', personId: 'portfolio_holder_person_id' },
  { table: 'projects', name: 'project_manager', personId: 'project_manager_person_id' },
  { table: 'projects', name: 'sponsor', personId: 'sponsor_person_id' },
  { table: 'risks', name: 'owner', personId: 'owner_person_id' },
  { table: 'risk_actions', name: 'owner', personId: 'owner_person_id' },
  { table: 'raid_issues', name: 'owner', personId: 'owner_person_id' },
  { table: 'assumptions', name: 'owner', personId: 'owner_person_id' },
] as const

/** The same key the resolver matches names by: trimmed, case-insensitive. */
const key = (name: string) => name.trim().toLowerCase()

type Loose = Kysely<Record<string, Record<string, unknown>>>

export async function up(raw: Kysely<unknown>): Promise<void> {
  const db = raw as unknown as Loose
  for (const c of OWNER_COLUMNS) {
    await raw.schema
      .alterTable(c.table)
      .addColumn(c.personId, 'integer', (col) => col.references('people.id').onDelete('set null'))
      .execute()
    await raw.schema.createIndex(`${c.table}_${c.personId}`).on(c.table).column(c.personId).execute()
  }

  // Organisation → name key → person id: the register as it is, then each new name as it is met.
  const register = new Map<number, Map<string, number>>()
  const nameOf = new Map<number, string>()
  const people = (await db
    .selectFrom('people')
    .select(['id', 'organisation_id', 'name', 'user_id'])
    .orderBy('id')
    .execute()) as Array<{ id: number; organisation_id: number; name: string; user_id: number | null }>
  for (const p of people) {
    const names = register.get(p.organisation_id) ?? new Map<string, number>()
    if (!names.has(key(p.name))) names.set(key(p.name), p.id)
    nameOf.set(p.id, p.name)
    register.set(p.organisation_id, names)
  }
  const members = (await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['memberships.organisation_id as organisation_id', 'users.id as user_id', 'users.name as name'])
    .orderBy('users.id')
    .execute()) as Array<{ organisation_id: number; user_id: number; name: string }>
  const now = new Date().toISOString()

  async function personFor(organisationId: number, name: string): Promise<number> {
    const names = register.get(organisationId) ?? new Map<string, number>()
    register.set(organisationId, names)
    const found = names.get(key(name))
    if (found !== undefined) return found
    const user = members.find((m) => m.organisation_id === organisationId && key(m.name) === key(name))
    // A member already in the register under another spelling (their account's "Name, Job title") is that person.
    const linked =
      user && people.find((p) => p.organisation_id === organisationId && p.user_id === user.user_id)
    if (linked) {
      names.set(key(name), linked.id)
      return linked.id
    }
    // A member's account spells their name as they gave it; otherwise the first spelling met.
    const spelt = user?.name.trim() ?? name.trim()
    const row = (await db
      .insertInto('people')
      .values({
        organisation_id: organisationId,
        name: spelt,
        kind: 'employee',
        partner_id: null,
        user_id: user?.user_id ?? null,
        job_title: '',
        team: '',
        email: '',
        version: 1,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()) as { id: number }
    names.set(key(name), row.id)
    nameOf.set(row.id, spelt)
    return row.id
  }

  for (const c of OWNER_COLUMNS) {
    const rows = (await db
      .selectFrom(c.table)
      .select(['id', 'organisation_id', c.name])
      .orderBy('id')
      .execute()) as Array<Record<string, unknown> & { id: number; organisation_id: number }>
    const byPerson = new Map<number, number[]>()
    for (const r of rows) {
      const name = r[c.name]
      if (typeof name !== 'string' || name.trim() === '') continue
      const personId = await personFor(r.organisation_id, name)
      byPerson.set(personId, [...(byPerson.get(personId) ?? []), r.id])
    }
    for (const [personId, ids] of byPerson) {
      for (let i = 0; i < ids.length; i += 500) {
        await db
          .updateTable(c.table)
          // The copy reads as the register spells the name, so "jane smith" and "Jane Smith" read alike.
          .set({ [c.personId]: personId, [c.name]: nameOf.get(personId) })
          .where('id', 'in', ids.slice(i, i + 500))
          .execute()
      }
    }
  }
}

export async function down(raw: Kysely<unknown>): Promise<void> {
  // The people the migration made stay in the register: they may have been edited or linked since.
  for (const c of [...OWNER_COLUMNS].reverse()) {
    await raw.schema.dropIndex(`${c.table}_${c.personId}`).execute()
    await raw.schema.alterTable(c.table).dropColumn(c.personId).execute()
  }
}
