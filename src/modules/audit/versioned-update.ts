import type { Kysely, Transaction } from 'kysely'
import { auditActorOf, type Actor } from '../../auth/actor.ts'
import type { DB } from '../../db/schema.ts'
import { ConflictError } from '../../errors.ts'
import { recordAudit } from './audit.service.ts'

/** The editable records: each has an id, belongs to an organisation and carries a version. */
export type VersionedTable = 'programmes' | 'projects' | 'milestones' | 'status_reports'

interface VersionedRow {
  id: number
  organisation_id: number
  version: number
  updated_at: string
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
    actor: Actor
    current: Row
    version: number
    changes: Partial<Omit<Row, 'id' | 'organisation_id' | 'version' | 'updated_at'>>
  },
): Promise<Row> {
  const { table, actor, current, version } = opts
  if (current.version !== version) throw new ConflictError(current)
  // Every versioned table shares these columns; the narrow view lets one update serve them all.
  const db = trx as unknown as Kysely<Record<VersionedTable, VersionedRow>>
  const updated = (await db
    .updateTable(table)
    .set({
      ...opts.changes,
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
    actor: auditActorOf(actor),
    action: 'update',
    entityType: opts.entityType,
    entityId: current.id,
    before: current,
    after: updated,
  })
  return updated
}
