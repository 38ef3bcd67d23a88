import { createHash } from 'node:crypto'
import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely'
import type { AuditActor } from '../../auth/actor.ts'
import type { AuditEvent, DB } from '../../db/schema.ts'
import { insertSlices } from '../../db/multi-row.ts'
import { showErased } from './erased-values.ts'

export const GENESIS_HASH = '0'.repeat(64)

export interface AuditInput {
  organisationId: number
  actor: AuditActor
  /** create, update, delete, or a domain verb such as submit or revoke */
  action: string
  entityType: string
  entityId: string | number
  before?: unknown
  after?: unknown
  /**
   * When the change happened, if not now. Only the demo loader sets it, replaying the years of history its
   * story tells (a re-forecast in 2022), so a paper dated before a change shows what stood then.
   */
  occurredAt?: string
}

/**
 * JSON with sorted keys (undefined left out), so the same event always hashes the same whichever dialect
 * returned the columns. Written as plain loops: a bulk import canonicalises one row per record it creates,
 * and the arrays and closures of entries/filter/sort/map were a tenth of its time (issue 13). The default
 * sort orders by UTF-16 code units, as the `<` comparison did.
 */
function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonical(value[i])
    return `${out}]`
  }
  const record = value as Record<string, unknown>
  const keys = Object.keys(record).sort()
  let out = ''
  for (const k of keys) {
    const v = record[k]
    if (v === undefined) continue
    out += (out === '' ? '{' : ',') + JSON.stringify(k) + ':' + canonical(v)
  }
  return out === '' ? '{}' : `${out}}`
}

export function eventHash(e: Omit<AuditEvent, 'id' | 'hash'>): string {
  return createHash('sha256')
    .update(
      canonical({
        organisation_id: e.organisation_id,
        seq: e.seq,
        occurred_at: e.occurred_at,
        actor_user_id: e.actor_user_id,
        actor_label: e.actor_label,
        action: e.action,
        entity_type: e.entity_type,
        entity_id: e.entity_id,
        before_json: e.before_json,
        after_json: e.after_json,
        prev_hash: e.prev_hash,
      }),
    )
    .digest('hex')
}

/**
 * The organisation's chain head, locked for this transaction (FOR UPDATE on PostgreSQL; SQLite serialises
 * writers), so two instances never fork the chain, and so that an organisation's event ids are allocated in
 * commit order, which the follow cursor relies on.
 */
async function lockedHead(
  trx: Transaction<DB>,
  organisationId: number,
): Promise<{ seq: number; hash: string }> {
  const isPg = trx.getExecutor().adapter instanceof PostgresAdapter
  const read = () => {
    const q = trx
      .selectFrom('audit_heads')
      .select(['seq', 'hash'])
      .where('organisation_id', '=', organisationId)
    return (isPg ? q.forUpdate() : q).executeTakeFirst()
  }
  const head = await read()
  if (head) return head
  await trx
    .insertInto('audit_heads')
    .values({ organisation_id: organisationId, seq: 0, hash: GENESIS_HASH })
    .onConflict((oc) => oc.column('organisation_id').doNothing())
    .execute()
  const created = await read()
  if (!created) throw new Error(`No audit chain head for organisation ${organisationId}`)
  return created
}

/** The event that follows `prev` in the chain, with its hash: one recipe for one event and for many. */
function chainedEvent(input: AuditInput, prev: { seq: number; hash: string }): Omit<AuditEvent, 'id'> {
  const event = {
    organisation_id: input.organisationId,
    seq: prev.seq + 1,
    occurred_at: input.occurredAt ?? new Date().toISOString(),
    actor_user_id: input.actor.userId,
    actor_label: input.actor.label,
    action: input.action,
    entity_type: input.entityType,
    entity_id: String(input.entityId),
    before_json: input.before === undefined ? null : canonical(input.before),
    after_json: input.after === undefined ? null : canonical(input.after),
    prev_hash: prev.hash,
  }
  return { ...event, hash: eventHash(event) }
}

/**
 * Appends an event to the organisation's hash chain. Must run inside the transaction that makes the
 * change, so the change and its record commit together or not at all. The chain head row is locked
 * (FOR UPDATE on PostgreSQL; SQLite serialises writers) so two instances never fork the chain.
 */
export async function recordAudit(trx: Transaction<DB>, input: AuditInput): Promise<void> {
  await recordAuditMany(trx, input.organisationId, [input])
}

/**
 * Appends many events of one organisation to its chain, in order, exactly as that many recordAudit calls
 * would (the same events, the same hashes), for a bulk write such as an import: the head is locked and
 * read once, the events go in with multi-row inserts and the head moves once.
 */
export async function recordAuditMany(
  trx: Transaction<DB>,
  organisationId: number,
  inputs: readonly AuditInput[],
): Promise<void> {
  if (inputs.length === 0) return
  let head = await lockedHead(trx, organisationId)
  const events: Array<Omit<AuditEvent, 'id'>> = []
  for (const input of inputs) {
    if (input.organisationId !== organisationId)
      throw new Error('recordAuditMany: every event must belong to the one organisation')
    const event = chainedEvent(input, head)
    events.push(event)
    head = event
  }
  for (const slice of insertSlices(events, 12)) await trx.insertInto('audit_events').values(slice).execute()
  await trx
    .updateTable('audit_heads')
    .set({ seq: head.seq, hash: head.hash })
    .where('organisation_id', '=', organisationId)
    .execute()
}

export interface VerifyProblem {
  organisationId: number
  seq: number
  problem: string
}

/** Walks each organisation's chain; any edited, inserted or deleted event breaks a link. */
export async function verifyAuditChain(
  db: Kysely<DB>,
): Promise<{ events: number; problems: VerifyProblem[] }> {
  const problems: VerifyProblem[] = []
  let events = 0
  const heads = await db.selectFrom('audit_heads').selectAll().execute()
  const orgIds = await db.selectFrom('organisations').select('id').execute()
  for (const { id: orgId } of orgIds) {
    const head = heads.find((h) => h.organisation_id === orgId)
    let prev = GENESIS_HASH
    let expectedSeq = 1
    let lastId = 0
    for (;;) {
      const batch = await db
        .selectFrom('audit_events')
        .selectAll()
        .where('organisation_id', '=', orgId)
        .where('id', '>', lastId)
        .orderBy('id')
        .limit(1000)
        .execute()
      if (batch.length === 0) break
      for (const e of batch) {
        events++
        lastId = e.id
        if (e.seq !== expectedSeq) {
          problems.push({
            organisationId: orgId,
            seq: e.seq,
            problem: `expected event ${expectedSeq}, found ${e.seq} (an event is missing)`,
          })
        }
        if (e.prev_hash !== prev) {
          problems.push({
            organisationId: orgId,
            seq: e.seq,
            problem: 'does not link to the event before it',
          })
        }
        if (eventHash(e) !== e.hash) {
          problems.push({
            organisationId: orgId,
            seq: e.seq,
            problem: 'content does not match its hash (edited)',
          })
        }
        prev = e.hash
        expectedSeq = e.seq + 1
      }
    }
    const headSeq = head?.seq ?? 0
    if (headSeq !== expectedSeq - 1 || (head && head.hash !== prev)) {
      problems.push({
        organisationId: orgId,
        seq: headSeq,
        problem: `the chain ends at event ${expectedSeq - 1} but ${headSeq} were recorded (events deleted from the end)`,
      })
    }
  }
  return { events, problems }
}

export async function historyOf(
  db: Kysely<DB>,
  organisationId: number,
  entityType: string,
  entityId: string | number,
): Promise<AuditEvent[]> {
  const events = await db
    .selectFrom('audit_events')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', String(entityId))
    .orderBy('seq', 'desc')
    .execute()
  // The trail as a reader may see it: an erased person's details are never shown again.
  return showErased(db, organisationId, events)
}

/**
 * The organisation's change counter: the sequence number of its latest audit event. Every change to a
 * record writes an event in the same transaction, so a cached view keyed on this number is exactly as
 * fresh as the database, on every instance, for the price of one primary-key lookup.
 */
export async function changeCounter(db: Kysely<DB>, organisationId: number): Promise<number> {
  const { rows } = await sql<{
    seq: number
  }>`select seq from audit_heads where organisation_id = ${organisationId}`.execute(db)
  return rows[0]?.seq ?? 0
}
