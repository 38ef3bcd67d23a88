/**
 * Leases on long-running work (an import's validate or commit pass). The instance doing the work holds
 * the lease and renews it on a timer while the work runs, writing its progress at the same time; when an
 * instance dies its lease stops being renewed. Only an expired lease lets anyone else declare the work
 * dead — never a guess from one instance's memory, which another instance cannot see.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.ts'

/** This process, as a lease holder: one id for its lifetime. */
const INSTANCE_ID = `${process.pid}-${randomUUID()}`

/** Tables whose rows carry lease_owner, lease_expires_at and progress columns. */
export type LeasedTable = 'ledger_imports' | 'indicator_imports' | 'portfolio_imports'

interface Progress {
  progress_bytes: number
  rows_done: number
}

export interface Lease {
  /** Records progress to be written at the next renewal. */
  report(p: Progress): void
  /** Stops renewing and clears the lease (the row's status says what became of the work). */
  release(): Promise<void>
}

function expiry(ms: number): string {
  return new Date(Date.now() + ms).toISOString()
}

/**
 * Takes the lease on a row if no live lease is held on it, and keeps it renewed until released.
 * Returns null when another holder's lease is still live.
 */
export async function takeLease(
  db: Kysely<DB>,
  table: LeasedTable,
  id: number,
  leaseMs: number,
  onRenewError: (err: unknown) => void = () => undefined,
): Promise<Lease | null> {
  const now = new Date().toISOString()
  const taken = await db
    .updateTable(table)
    .set({ lease_owner: INSTANCE_ID, lease_expires_at: expiry(leaseMs), updated_at: now })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('lease_expires_at', 'is', null),
        eb('lease_expires_at', '<', now),
        eb('lease_owner', '=', INSTANCE_ID),
      ]),
    )
    .executeTakeFirst()
  if (Number(taken.numUpdatedRows) === 0) return null
  let latest: Progress | null = null
  let stopped = false
  let renewing: Promise<unknown> = Promise.resolve()
  const renew = () => {
    const set = {
      lease_expires_at: expiry(leaseMs),
      updated_at: new Date().toISOString(),
      ...(latest ?? {}),
    }
    renewing = db
      .updateTable(table)
      .set(set)
      .where('id', '=', id)
      .where('lease_owner', '=', INSTANCE_ID)
      .execute()
      .catch(onRenewError)
  }
  // Every second (progress on the page), and at least three times a lease: two renewals can be missed (a
  // slow query, a busy event loop) before it lapses.
  const timer = setInterval(renew, Math.max(50, Math.min(1000, Math.floor(leaseMs / 3))))
  timer.unref()
  return {
    report(p) {
      latest = p
    },
    async release() {
      if (stopped) return
      stopped = true
      clearInterval(timer)
      await renewing
      await db
        .updateTable(table)
        .set({ lease_owner: null, lease_expires_at: null, updated_at: new Date().toISOString() })
        .where('id', '=', id)
        .where('lease_owner', '=', INSTANCE_ID)
        .execute()
    },
  }
}

/**
 * Reserves a row for work about to start in this instance (written with the row's status), so that it
 * is not taken for abandoned before takeLease runs; takeLease by this instance then succeeds.
 */
export function reservation(leaseMs: number) {
  return { lease_owner: INSTANCE_ID, lease_expires_at: expiry(leaseMs) }
}

/** True when the row's lease is held and has not expired. */
export function leaseIsLive(row: { lease_expires_at: string | null }, now = new Date()): boolean {
  return row.lease_expires_at !== null && row.lease_expires_at >= now.toISOString()
}
