import { appendFileSync, mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import type { VerifyProblem } from './audit.service.ts'

/**
 * A checkpoint is the head of one organisation's audit chain at a moment, kept OUTSIDE the database.
 * The hash chain catches an edited or removed event, but not a rollback: delete the latest events and put
 * the head back to the last one kept, and the shorter chain is still perfectly valid. A checkpoint written
 * to an append-only file (and to the log) remembers how far the chain had reached, so a rollback past it
 * is detected. What it does and does not prove is in docs/audit-trail.md.
 */
export interface AuditCheckpoint {
  organisationId: number
  slug: string
  seq: number
  hash: string
  at: string
}

/** The head of every organisation's chain that has at least one event. */
export async function currentCheckpoints(db: Kysely<DB>, now: Date = new Date()): Promise<AuditCheckpoint[]> {
  const rows = await db
    .selectFrom('audit_heads')
    .innerJoin('organisations', 'organisations.id', 'audit_heads.organisation_id')
    .select(['audit_heads.organisation_id', 'organisations.slug', 'audit_heads.seq', 'audit_heads.hash'])
    .where('audit_heads.seq', '>', 0)
    .orderBy('audit_heads.organisation_id')
    .execute()
  const at = now.toISOString()
  return rows.map((r) => ({ organisationId: r.organisation_id, slug: r.slug, seq: r.seq, hash: r.hash, at }))
}

/** Appends one JSON line per checkpoint; the file is only ever appended to, never rewritten. */
export function appendCheckpoints(file: string, checkpoints: AuditCheckpoint[]): void {
  if (checkpoints.length === 0) return
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  appendFileSync(file, checkpoints.map((c) => `${JSON.stringify(c)}\n`).join(''), { flag: 'a' })
}

export class CheckpointFileError extends Error {}

function isCheckpoint(v: unknown): v is AuditCheckpoint {
  if (typeof v !== 'object' || v === null) return false
  const c = v as Record<string, unknown>
  return (
    Number.isInteger(c.organisationId) &&
    typeof c.slug === 'string' &&
    Number.isInteger(c.seq) &&
    typeof c.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(c.hash) &&
    typeof c.at === 'string'
  )
}

/**
 * Each organisation's furthest checkpoint. The furthest is enough: if the event it names is still there
 * with the same hash, the intact chain behind it vouches for every earlier checkpoint too.
 */
export function readLatestCheckpoints(file: string): AuditCheckpoint[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new CheckpointFileError(
      `The checkpoint file ${file} could not be read: ${err instanceof Error ? err.message : String(err)}`,
    )
  }
  const latest = new Map<number, AuditCheckpoint>()
  const lines = text.split('\n')
  lines.forEach((line, i) => {
    if (line.trim() === '') return
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch {
      parsed = null
    }
    if (!isCheckpoint(parsed))
      throw new CheckpointFileError(`Line ${i + 1} of ${file} is not an audit checkpoint`)
    const seen = latest.get(parsed.organisationId)
    if (!seen || parsed.seq >= seen.seq) latest.set(parsed.organisationId, parsed)
  })
  return [...latest.values()]
}

/** For each organisation's latest checkpoint, the event it names must still exist with the same hash. */
export async function verifyCheckpoints(
  db: Kysely<DB>,
  checkpoints: AuditCheckpoint[],
): Promise<VerifyProblem[]> {
  const problems: VerifyProblem[] = []
  for (const c of checkpoints) {
    const event = await db
      .selectFrom('audit_events')
      .select('hash')
      .where('organisation_id', '=', c.organisationId)
      .where('seq', '=', c.seq)
      .executeTakeFirst()
    if (event === undefined) {
      const head = await db
        .selectFrom('audit_heads')
        .select('seq')
        .where('organisation_id', '=', c.organisationId)
        .executeTakeFirst()
      problems.push({
        organisationId: c.organisationId,
        seq: c.seq,
        problem: `events up to ${c.seq} were removed or rolled back: the checkpoint of ${c.at} records event ${c.seq}, the trail now ends at event ${head?.seq ?? 0}`,
      })
    } else if (event.hash !== c.hash) {
      problems.push({
        organisationId: c.organisationId,
        seq: c.seq,
        problem: `does not match the checkpoint of ${c.at}: events up to ${c.seq} were rolled back and rewritten`,
      })
    }
  }
  return problems
}
