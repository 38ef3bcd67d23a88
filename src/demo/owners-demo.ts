import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../db/schema.ts'
import { recordAudit } from '../modules/audit/audit.service.ts'
import { addedPerson, matchPerson, OWNER_COLUMNS } from '../modules/resourcing/person-refs.ts'
import { DEMO_ACTOR } from './demo-loader.ts'
import type { DemoContext } from './extensions.ts'

/**
 * The demo's owners are people of the register (issue 10): once every area has written its records (with
 * owners by name, as the story tells them) and the resourcing demo has filled the register, each owner is
 * matched to the register's person by the one rule the forms and the API use, or added to it.
 */
export async function ownersDemo({
  trx,
  organisationId,
  now,
}: Pick<DemoContext, 'trx' | 'organisationId' | 'now'>) {
  const at = now.toISOString()
  const loose = trx as unknown as Kysely<Record<string, Record<string, unknown>>>
  const byName = new Map<string, { id: number; name: string }>()
  for (const c of OWNER_COLUMNS) {
    const rows = (await loose
      .selectFrom(c.table)
      .select(['id', c.name])
      .where('organisation_id', '=', organisationId)
      .where(c.personId, 'is', null)
      .orderBy('id')
      .execute()) as Array<Record<string, unknown> & { id: number }>
    for (const r of rows) {
      const name = r[c.name]
      if (typeof name !== 'string' || name.trim() === '') continue
      const key = name.trim().toLowerCase()
      let person = byName.get(key)
      if (!person) {
        const match = await matchPerson(trx, organisationId, name)
        person = 'add' in match ? await add(trx, organisationId, match.add, at) : match
        byName.set(key, person)
      }
      await loose
        .updateTable(c.table)
        .set({ [c.personId]: person.id, [c.name]: person.name })
        .where('id', '=', r.id)
        .execute()
    }
  }
}

async function add(
  trx: Transaction<DB>,
  organisationId: number,
  p: { name: string; user_id: number | null },
  at: string,
) {
  const row = await trx
    .insertInto('people')
    .values({ ...addedPerson(p), organisation_id: organisationId, created_at: at, updated_at: at })
    .returningAll()
    .executeTakeFirstOrThrow()
  await recordAudit(trx, {
    organisationId,
    actor: DEMO_ACTOR,
    action: 'create',
    entityType: 'person',
    entityId: row.id,
    after: row,
  })
  return { id: row.id, name: row.name }
}
