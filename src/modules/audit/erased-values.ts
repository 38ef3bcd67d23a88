import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/schema.ts'

// Erasing a person (UK GDPR Article 17) must not break the audit trail: its events are hashed in a chain,
// so editing one would make `oversight audit verify` fail. The events stay as they were written, and every
// read of the trail passes through this one function, which shows an erased person's personal values, and
// the name of an erased user who acted, as "erased".

/** The fields of a person's record that identify them; the rest (kind, employer) is not personal. */
const PERSONAL_FIELDS = ['name', 'email', 'job_title', 'team'] as const

const ERASED_VALUE = 'erased'
const ERASED_ACTOR = 'Erased user'

interface EventLike {
  entity_type: string
  entity_id: string
  actor_user_id?: number | null
  actor_label?: string
  before_json: string | null
  after_json?: string | null
}

function redact(json: string | null): string | null {
  if (json === null) return null
  const value = JSON.parse(json) as unknown
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return json
  const out = { ...(value as Record<string, unknown>) }
  for (const f of PERSONAL_FIELDS) if (Object.hasOwn(out, f)) out[f] = ERASED_VALUE
  return JSON.stringify(out)
}

/**
 * The events as a reader may see them: personal fields of erased people replaced by "erased", and an
 * erased user's name as the actor replaced too. Two small reads (only of the ids the events name).
 */
export async function showErased<E extends EventLike>(
  db: Kysely<DB> | Transaction<DB>,
  organisationId: number,
  events: readonly E[],
): Promise<E[]> {
  if (events.length === 0) return [...events]
  const personIds = [
    ...new Set(events.filter((e) => e.entity_type === 'person').map((e) => Number(e.entity_id))),
  ].filter((n) => Number.isSafeInteger(n))
  const userIds = [
    ...new Set(events.map((e) => e.actor_user_id).filter((u): u is number => typeof u === 'number')),
  ]
  const [people, users] = await Promise.all([
    personIds.length === 0
      ? []
      : db
          .selectFrom('people')
          .select('id')
          .where('organisation_id', '=', organisationId)
          .where('id', 'in', personIds)
          .where('erased_at', 'is not', null)
          .execute(),
    userIds.length === 0
      ? []
      : db
          .selectFrom('users')
          .select('id')
          .where('id', 'in', userIds)
          .where('erased_at', 'is not', null)
          .execute(),
  ])
  if (people.length === 0 && users.length === 0) return [...events]
  const erasedPeople = new Set(people.map((p) => String(p.id)))
  const erasedUsers = new Set(users.map((u) => u.id))
  return events.map((e) => {
    let shown = e
    if (e.entity_type === 'person' && erasedPeople.has(e.entity_id))
      shown = {
        ...shown,
        before_json: redact(e.before_json),
        ...(e.after_json === undefined ? {} : { after_json: redact(e.after_json) }),
      }
    if (e.actor_user_id != null && erasedUsers.has(e.actor_user_id) && e.actor_label !== undefined)
      shown = { ...shown, actor_label: ERASED_ACTOR }
    return shown
  })
}
