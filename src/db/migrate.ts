import { Migrator, sql, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely'
import type { Database } from './database.ts'
import * as m0001 from './migrations/0001-core.ts'
import * as m0002 from './migrations/0002-finance.ts'
import * as m0003 from './migrations/0003-ledger.ts'
import * as m0004 from './migrations/0004-governance.ts'
import * as m0005 from './migrations/0005-governance-control.ts'
import * as m0006 from './migrations/0006-scrutiny.ts'
import * as m0007 from './migrations/0007-scrutiny-papers.ts'
import * as m0008 from './migrations/0008-claim-item-recharge.ts'
import * as m0009 from './migrations/0009-sign-in-throttle.ts'
import * as m0010 from './migrations/0010-invitations.ts'
import * as m0011 from './migrations/0011-import-store.ts'
import * as m0012 from './migrations/0012-operations.ts'
import * as m0013 from './migrations/0013-project-partners.ts'
import * as m0014 from './migrations/0014-people-posts-skills.ts'
import * as m0016 from './migrations/0016-ledger-import-staging.ts'
import * as m0017 from './migrations/0017-leavers-sessions-token-expiry.ts'
import * as m0018 from './migrations/0018-demand-allocation.ts'
import * as m0019 from './migrations/0019-owners-as-people.ts'
import * as m0020 from './migrations/0020-partner-agreements.ts'
import * as m0021 from './migrations/0021-services-assets-raci.ts'
import * as m0022 from './migrations/0022-retention-erasure.ts'
import * as m0023 from './migrations/0023-gate-resources-condition.ts'
import * as m0024 from './migrations/0024-ambitions-indicators.ts'
import * as m0025 from './migrations/0025-ambition-links-outputs.ts'
import * as m0026 from './migrations/0026-benefits.ts'
import * as m0027 from './migrations/0027-indicator-values.ts'
import * as m0028 from './migrations/0028-early-warnings-recharge-people.ts'
import * as m0029 from './migrations/0029-publication.ts'
import * as m0030 from './migrations/0030-area-actions.ts'
import * as m0031 from './migrations/0031-forward-plan.ts'
import * as m0032 from './migrations/0032-alerts-subscriptions.ts'
import * as m0033 from './migrations/0033-oidc.ts'
import * as m0034 from './migrations/0034-second-factor.ts'
import * as m0035 from './migrations/0035-portfolio-import.ts'
import * as m0036 from './migrations/0036-search.ts'
import * as m0037 from './migrations/0037-documents.ts'
import * as m0038 from './migrations/0038-branding.ts'
import * as m0040 from './migrations/0040-meeting-attendance.ts'
import * as m0041 from './migrations/0041-tenancy-keys.ts'
import * as m0042 from './migrations/0042-column-mapping-kinds.ts'
import * as m0043 from './migrations/0043-sign-in-safeguards.ts'
import * as m0044 from './migrations/0044-row-security.ts'
import * as m0045 from './migrations/0045-session-sign-in-recorded.ts'
import * as m0046 from './migrations/0046-serial-scans.ts'

// Listed explicitly, in order: no directory scanning, so the build output and tsx behave the same.
const MIGRATIONS: Record<string, Migration> = {
  '0001-core': m0001,
  '0002-finance': m0002,
  '0003-ledger': m0003,
  '0004-governance': m0004,
  '0005-governance-control': m0005,
  '0006-scrutiny': m0006,
  '0007-scrutiny-papers': m0007,
  '0008-claim-item-recharge': m0008,
  '0009-sign-in-throttle': m0009,
  '0010-invitations': m0010,
  '0011-import-store': m0011,
  '0012-operations': m0012,
  '0013-project-partners': m0013,
  '0014-people-posts-skills': m0014,
  '0016-ledger-import-staging': m0016,
  '0017-leavers-sessions-token-expiry': m0017,
  '0018-demand-allocation': m0018,
  '0019-owners-as-people': m0019,
  '0020-partner-agreements': m0020,
  '0021-services-assets-raci': m0021,
  '0022-retention-erasure': m0022,
  '0023-gate-resources-condition': m0023,
  '0024-ambitions-indicators': m0024,
  '0025-ambition-links-outputs': m0025,
  '0026-benefits': m0026,
  '0027-indicator-values': m0027,
  '0028-early-warnings-recharge-people': m0028,
  '0029-publication': m0029,
  '0030-area-actions': m0030,
  '0031-forward-plan': m0031,
  '0032-alerts-subscriptions': m0032,
  '0033-oidc': m0033,
  '0034-second-factor': m0034,
  '0035-portfolio-import': m0035,
  '0036-search': m0036,
  '0037-documents': m0037,
  '0038-branding': m0038,
  '0040-meeting-attendance': m0040,
  '0041-tenancy-keys': m0041,
  '0042-column-mapping-kinds': m0042,
  '0043-sign-in-safeguards': m0043,
  '0044-row-security': m0044,
  '0045-session-sign-in-recorded': m0045,
  '0046-serial-scans': m0046,
}

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS
  }
}

export class MigrationError extends Error {}

/** Kysely's own lock's key, so that an instance of an older version, which takes that lock, is kept out too. */
const MIGRATION_LOCK_KEY = '3853314791062309107'

/**
 * Runs the migrator. On PostgreSQL: in one transaction on one connection that first takes a transaction-scoped
 * advisory lock, so that instances starting at once migrate one after the other, also through pgbouncer in
 * transaction mode, and no lock outlives the transaction (database.ts says why Kysely's lock is not used).
 */
async function migrate(
  database: Database,
  run: (migrator: Migrator) => Promise<MigrationResultSet>,
): Promise<MigrationResultSet> {
  const provider = new StaticProvider()
  if (database.dialect !== 'postgres') return checked(await run(new Migrator({ db: database.db, provider })))
  return database.db.connection().execute(async (connection) => {
    await sql`begin`.execute(connection)
    let result: MigrationResultSet
    try {
      await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY}::bigint)`.execute(connection)
      result = await run(new Migrator({ db: connection, provider, disableTransactions: true }))
    } catch (err) {
      await sql`rollback`.execute(connection)
      throw err
    }
    await sql.raw(result.error ? 'rollback' : 'commit').execute(connection)
    return checked(result)
  })
}

export async function migrateToLatest(database: Database): Promise<MigrationResultSet> {
  return migrate(database, (migrator) => migrator.migrateToLatest())
}

/**
 * The migrations this code knows that the database has not applied, in order (readiness: an instance whose
 * database is behind its code must not take requests). A database with no migrations table has none applied.
 * Kysely's own `getMigrations` introspects the schema first; one read of its table is all this needs.
 */
export async function pendingMigrations(database: Database): Promise<string[]> {
  let applied: Set<string>
  try {
    const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(database.db)
    applied = new Set(rows.rows.map((r) => r.name))
  } catch {
    applied = new Set()
  }
  return Object.keys(MIGRATIONS).filter((name) => !applied.has(name))
}

/** Migrates up (or down) to the named migration: for a test of a data migration, which needs the schema before it. */
export async function migrateTo(database: Database, name: string): Promise<MigrationResultSet> {
  return migrate(database, (migrator) => migrator.migrateTo(name))
}

function checked(result: MigrationResultSet): MigrationResultSet {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')
    const cause = result.error instanceof Error ? result.error.message : JSON.stringify(result.error)
    throw new MigrationError(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`)
  }
  return result
}
