import type { Insertable, Kysely, Selectable, Transaction } from 'kysely'
import { auditActorOf, type Actor, type AuditActor } from '../../auth/actor.ts'
import type { DB } from '../../db/schema.ts'
import { formatDate } from '../../domain/dates.ts'
import { ConflictError, HttpError } from '../../errors.ts'
import { insertSlices } from '../../db/multi-row.ts'
import { recordAudit, recordAuditMany, type AuditInput } from './audit.service.ts'

/**
 * The editable records: every table whose rows have an id, belong to an organisation and carry a
 * version. Derived from the schema, so a new versioned table can use these helpers without being
 * listed here.
 */
export type VersionedTable = {
  [T in keyof DB]: DB[T] extends {
    id: unknown
    organisation_id: number
    version: unknown
    updated_at: string
  }
    ? T
    : never
}[keyof DB]

/**
 * Where the audit event is filed. By default under the record itself as 'create' or 'update'; a part of
 * a larger record (a recommendation's action) can be filed under that record with its own verb, so the
 * record's history page tells the whole story.
 */
interface AuditAs {
  action?: string
  entityId?: number
}

/** A change made for an organisation by the system (the scheduler's sweep), not by a signed-in person. */
export interface SystemWriter {
  organisationId: number
  system: AuditActor
}

const auditActorFor = (actor: Actor | SystemWriter): AuditActor =>
  'system' in actor ? actor.system : auditActorOf(actor)

interface VersionedRow {
  id: number
  organisation_id: number
  version: number
  updated_at: string
}

/** A record handed over to a partner when a partnership ended (migration 0020). */
export class HandedOverError extends HttpError {
  constructor(partnerName: string, on: string) {
    super(
      409,
      `This record was handed over to ${partnerName} on ${formatDate(on)}, when the partnership ended. It is kept as it was handed over and cannot be changed.`,
    )
  }
}

/** A record handed over at a partnership's end stays as it was: every versioned change is refused. */
async function refuseHandedOver(
  trx: Transaction<DB>,
  organisationId: number,
  entityType: string,
  id: number,
) {
  const h = await trx
    .selectFrom('handovers')
    .innerJoin('partners', 'partners.id', 'handovers.partner_id')
    .select(['partners.name', 'handovers.handed_over_on'])
    .where('handovers.organisation_id', '=', organisationId)
    .where('handovers.entity_type', '=', entityType)
    .where('handovers.entity_id', '=', id)
    .executeTakeFirst()
  if (h) throw new HandedOverError(h.name, h.handed_over_on)
}

/**
 * Saves a change made against `version` and records it, inside the caller's transaction: the update
 * only applies `where version = ?`, so if someone saved in between nothing is written and the caller gets
 * a ConflictError carrying the current record — never a silent overwrite. The audit event holds both
 * versions of the record.
 */
export async function updateVersioned<Row extends VersionedRow>(
  trx: Transaction<DB>,
  opts: {
    table: VersionedTable
    entityType: string
    actor: Actor | SystemWriter
    current: Row
    version: number
    changes: Partial<Omit<Row, 'id' | 'organisation_id' | 'version' | 'updated_at'>>
    /**
     * What the event records, when the change is to a part of the record (an area added to a report, whose
     * version steps so anyone holding the old one is told): by default both versions of the row.
     */
    record?: { before?: unknown; after?: unknown }
  } & AuditAs,
): Promise<Row> {
  const { table, actor, current, version } = opts
  if (current.version !== version) throw new ConflictError(current)
  if (opts.entityId === undefined)
    await refuseHandedOver(trx, actor.organisationId, opts.entityType, current.id)
  // Every versioned table shares these columns; the narrow view lets one update serve them all.
  const db = trx as unknown as Kysely<Record<VersionedTable, VersionedRow>>
  const updated = (await db
    .updateTable(table)
    .set({
      ...opts.changes,
      // eslint-disable-next-line no-restricted-syntax -- the one versioned write every other one goes through
      version: version + 1,
      updated_at: new Date().toISOString(),
    } as Partial<VersionedRow>)
    .where('id', '=', current.id)
    .where('organisation_id', '=', actor.organisationId)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst()) as Row | undefined
  if (!updated) throw new ConflictError(current)
  await recordAudit(trx, {
    organisationId: actor.organisationId,
    actor: auditActorFor(actor),
    action: opts.action ?? 'update',
    entityType: opts.entityType,
    entityId: opts.entityId ?? current.id,
    ...(opts.record ?? { before: current, after: updated }),
  })
  return updated
}

/**
 * Creates a record in the actor's organisation and records its creation, inside the caller's
 * transaction, so the record and its first audit event commit together.
 */
export async function insertAudited<T extends VersionedTable>(
  trx: Transaction<DB>,
  opts: {
    table: T
    entityType: string
    actor: Actor
    values: Omit<Insertable<DB[T]>, 'organisation_id' | 'created_at' | 'updated_at'>
    /**
     * Writes the record's parts once it has an id (an asset's matrix and links), before the event is
     * recorded, and answers what the event should hold of them besides the row.
     */
    withParts?: (created: Selectable<DB[T]>) => Promise<Record<string, unknown>>
  } & AuditAs,
): Promise<Selectable<DB[T]>> {
  const at = new Date().toISOString()
  const db = trx as unknown as Kysely<Record<VersionedTable, VersionedRow>>
  const created = (await db
    .insertInto(opts.table)
    .values({
      ...opts.values,
      organisation_id: opts.actor.organisationId,
      created_at: at,
      updated_at: at,
    } as never)
    .returningAll()
    .executeTakeFirstOrThrow()) as unknown as Selectable<DB[T]> & { id: number }
  const parts = opts.withParts ? await opts.withParts(created) : {}
  await auditBy(trx, opts.actor, {
    action: opts.action ?? 'create',
    entityType: opts.entityType,
    entityId: opts.entityId ?? created.id,
    after: { ...created, ...parts },
  })
  return created
}

/**
 * Records a change the signed-in person made, in the caller's transaction, for the writes that are not
 * one record's insert or update (a deletion, a part added to a record, a bulk move): the event joins the
 * organisation's audit chain only if the change commits.
 */
export function auditBy(
  trx: Transaction<DB>,
  actor: Actor,
  event: Omit<AuditInput, 'organisationId' | 'actor'>,
): Promise<void> {
  return recordAudit(trx, { organisationId: actor.organisationId, actor: auditActorOf(actor), ...event })
}

/**
 * The audit events of a bulk write (an import), held until `flush` appends them to the chain together with
 * recordAuditMany: the same events, in the same order, as one auditBy call each. Flush before the
 * transaction ends; the head is read at each flush, so other audited writes may come in between.
 */
export class AuditQueue {
  private pending: AuditInput[] = []
  constructor(
    private readonly trx: Transaction<DB>,
    private readonly actor: Actor,
  ) {}

  add(event: Omit<AuditInput, 'organisationId' | 'actor'>): void {
    this.pending.push({
      organisationId: this.actor.organisationId,
      actor: auditActorOf(this.actor),
      ...event,
    })
  }

  async flush(): Promise<void> {
    const events = this.pending
    this.pending = []
    await recordAuditMany(this.trx, this.actor.organisationId, events)
  }
}

/**
 * insertAudited for many records of one table: multi-row inserts within the bound-parameter limits, and a
 * 'create' event for each record queued on `audit` (flushed by the caller). The created rows come back in
 * no promised order: match them by their own key.
 */
export async function insertManyAudited<T extends VersionedTable>(
  trx: Transaction<DB>,
  audit: AuditQueue,
  opts: {
    table: T
    entityType: string
    actor: Actor
    values: Array<Omit<Insertable<DB[T]>, 'organisation_id' | 'created_at' | 'updated_at'>>
  },
): Promise<Array<Selectable<DB[T]>>> {
  if (opts.values.length === 0) return []
  const at = new Date().toISOString()
  const db = trx as unknown as Kysely<Record<VersionedTable, VersionedRow>>
  const rows = opts.values.map((v) => ({
    ...v,
    organisation_id: opts.actor.organisationId,
    created_at: at,
    updated_at: at,
  }))
  const created: Array<Selectable<DB[T]> & { id: number }> = []
  for (const slice of insertSlices(rows, Object.keys(rows[0]!).length))
    created.push(
      ...((await db
        .insertInto(opts.table)
        .values(slice as never)
        .returningAll()
        .execute()) as unknown as Array<Selectable<DB[T]> & { id: number }>),
    )
  for (const row of created)
    audit.add({ action: 'create', entityType: opts.entityType, entityId: row.id, after: row })
  return created
}
