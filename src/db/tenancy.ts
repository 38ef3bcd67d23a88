/**
 * The shape of tenancy in the schema (issue 14, "the database enforces tenancy"): every table is owned by one
 * organisation (it has `organisation_id`) or is one of the global tables below, each with its reason; and a
 * foreign key between two organisation-owned tables names the parent by (organisation_id, id), so a row can
 * only point at a row of its own organisation and the schema can be distributed by `organisation_id`
 * (docs/citus.md). test/integration/tenancy-schema.test.ts reads the migrated database and holds both rules.
 *
 * Migration 0041 made every such key composite on PostgreSQL. SQLite kept the single-column keys the tables
 * were created with (changing one means rebuilding the table), but has the parents' unique
 * (organisation_id, id) indexes, so a new table declares its keys composite on both dialects from the start:
 * `.addForeignKeyConstraint(name, ['organisation_id', 'x_id'], 'x', ['organisation_id', 'id'])` (a new parent
 * table adds its own unique (organisation_id, id)). A set-null key is the exception: SQLite cannot null one
 * column of a composite key, so there it stays single-column; PostgreSQL says `on delete set null (x_id)`.
 */

/**
 * Tables with no `organisation_id`, and why. A new table belongs to an organisation unless it is added here
 * with a reason a reviewer accepts; on Citus these become reference tables (copied to every node) or stay
 * local to the coordinator (docs/citus.md).
 */
export const GLOBAL_TABLES: Readonly<Record<string, string>> = {
  organisations: 'the tenants themselves: the distribution key is their id',
  users:
    'a person signs in once and may belong to several organisations, through memberships (which are owned)',
  oidc_links:
    "a user's (issuer, subject) identity at a provider, found before an organisation is chosen at sign-in",
  second_factors: "a user's TOTP secret: one per person, whichever organisations they belong to",
  recovery_codes: "a user's one-use recovery codes for the second factor, like second_factors",
  sign_in_throttle:
    'failed sign-ins counted by hashed email and address, before anyone is known to belong to an organisation',
  subscription_throttle:
    'public subscription requests counted by hashed address and network, across the public pages of all organisations',
  job_runs: "the scheduler's lock (one row per job and slot): each sweep runs once for all organisations",
  kysely_migration: "the migrator's record of the migrations applied",
  kysely_migration_lock: "the migrator's lock",
}

/**
 * Tables the database keeps for itself, not the schema: SQLite's own catalogue, and the SQLite FTS5 index of
 * search_entries (migration 0036; SQLite writes it from the owned table, and no query reads it without
 * search_entries' organisation). PostgreSQL has neither.
 */
export function isDatabaseInternalTable(name: string): boolean {
  return name.startsWith('sqlite_') || name === 'search_fts' || name.startsWith('search_fts_')
}
