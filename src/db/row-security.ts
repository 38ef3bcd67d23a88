import {
  sql,
  type Kysely,
  type PostgresCursor,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
} from 'kysely'
import { currentTenantScope, keepTenantScope, type TenantScope } from './tenant-context.ts'

/**
 * PostgreSQL row-level security (issue 14, "the database enforces tenancy"). Every organisation-owned table
 * (tenancy.ts) answers the app's role only the rows of the organisation its transaction names, so a query that
 * forgets `where organisation_id = …` still cannot read or write another council's rows. The tables' owner (who
 * migrates, runs pg_dump and `oversight audit verify`) is not subject to it: ENABLE, not FORCE.
 */
export const ORGANISATION_SETTING = 'oversight.organisation_id'
export const SCOPE_SETTING = 'oversight.scope'

/** The policies' condition; the setting is transaction-local, so nothing outlives a transaction in pgbouncer. */
const ORGANISATION_CONDITION = `organisation_id = nullif(current_setting('${ORGANISATION_SETTING}', true), '')::int`
const CROSS_ORGANISATION_CONDITION = `current_setting('${SCOPE_SETTING}', true) = 'system'`

/** Enables row-level security on organisation-owned tables: for migration 0044 and any later table it adds. */
export async function enableRowSecurity(db: Kysely<unknown>, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    const t = sql.table(table)
    await sql`alter table ${t} enable row level security`.execute(db)
    await sql`create policy organisation_rows on ${t} using (${sql.raw(ORGANISATION_CONDITION)})`.execute(db)
    await sql`create policy cross_organisation on ${t} using (${sql.raw(CROSS_ORGANISATION_CONDITION)})`.execute(
      db,
    )
  }
}

export async function disableRowSecurity(db: Kysely<unknown>, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    const t = sql.table(table)
    await sql`drop policy if exists organisation_rows on ${t}`.execute(db)
    await sql`drop policy if exists cross_organisation on ${t}`.execute(db)
    await sql`alter table ${t} disable row level security`.execute(db)
  }
}

/**
 * Grants the app's role what it needs and no more: rows in every table (row security narrows the owned ones),
 * the sequences, and the same on tables later migrations create (default privileges of the owner, who runs this).
 * The migrations' own record is read-only to it. Idempotent: run after every migration (server.ts, migrate command).
 */
export async function grantAppRole<T>(db: Kysely<T>, role: string): Promise<void> {
  const r = sql.id(role)
  await sql`grant usage on schema public to ${r}`.execute(db)
  await sql`grant select, insert, update, delete on all tables in schema public to ${r}`.execute(db)
  await sql`grant usage, select on all sequences in schema public to ${r}`.execute(db)
  await sql`revoke insert, update, delete on kysely_migration, kysely_migration_lock from ${r}`.execute(db)
  await sql`alter default privileges in schema public grant select, insert, update, delete on tables to ${r}`.execute(
    db,
  )
  await sql`alter default privileges in schema public grant usage, select on sequences to ${r}`.execute(db)
}

/** The statement that opens a transaction and names its organisation (or exception): one round trip. */
export function tenantSettings(scope: TenantScope | undefined): string | null {
  if (!scope) return null
  const org = scope.organisationId
  if (org !== null && !Number.isSafeInteger(org)) throw new Error(`Not an organisation id: ${String(org)}`)
  const system = scope.crossOrganisation !== null ? 'system' : ''
  if (org === null && system === '') return null
  return `select set_config('${ORGANISATION_SETTING}', '${org ?? ''}', true), set_config('${SCOPE_SETTING}', '${system}', true)`
}

const BEGIN = /^\s*(begin|start\s+transaction)\b/i
const END = /^\s*(commit|rollback)\s*;?\s*$/i
/** A plain select (not a `with`, which may write): nothing it does can make its commit fail. */
const READ = /^\s*select\b/i

type Result = PostgresQueryResult<unknown>

/**
 * A pool whose connections start every transaction with the current tenant scope's settings (tenant-context.ts).
 * Kysely's `begin` becomes `begin; select set_config(…)` in one simple-protocol round trip; a statement outside
 * a transaction is wrapped in one (one more round trip for a read, two for a write; bench/row-security.ts). Without a scope,
 * statements go as they are, and organisation-owned tables answer nothing.
 */
export function rowSecurityPool(pool: PostgresPool): PostgresPool {
  keepTenantScope()
  const wrapped = new WeakMap<PostgresPoolClient, PostgresPoolClient>()
  return {
    end: () => pool.end(),
    async connect() {
      const client = await pool.connect()
      let w = wrapped.get(client)
      if (!w) {
        w = tenantClient(client)
        wrapped.set(client, w)
      }
      return w
    },
  }
}

function tenantClient(client: PostgresPoolClient): PostgresPoolClient {
  let inTransaction = false
  const raw = (text: string, parameters: ReadonlyArray<unknown>) => client.query<unknown>(text, parameters)
  async function query(
    text: string | PostgresCursor<unknown>,
    parameters: ReadonlyArray<unknown>,
  ): Promise<Result> {
    // A cursor (Kysely's stream) goes as it is: the app streams nothing today.
    if (typeof text !== 'string') return client.query(text) as never
    if (inTransaction) {
      if (END.test(text)) inTransaction = false
      return raw(text, parameters)
    }
    const settings = tenantSettings(currentTenantScope())
    if (BEGIN.test(text)) {
      if (settings === null) {
        const r = await raw(text, parameters)
        inTransaction = true
        return r
      }
      // Several statements in one simple query: pg answers one result per statement; Kysely wants the first.
      const results = (await raw(`${text}; ${settings}`, [])) as unknown as Result[]
      inTransaction = true
      return results[0]!
    }
    if (settings === null) return raw(text, parameters)
    await raw(`begin; ${settings}`, [])
    let result: Result
    try {
      result = await raw(text, parameters)
    } catch (err) {
      await raw('rollback', []).catch(() => undefined)
      throw err
    }
    // A lone read's commit cannot fail short of a lost connection (which the next statement meets): it is sent
    // and not waited for, and pg queues whatever the connection runs next behind it. A write waits, so its
    // caller learns of a failed commit.
    if (READ.test(text)) void raw('commit', []).catch(() => undefined)
    else await raw('commit', [])
    return result
  }
  return {
    query: query as PostgresPoolClient['query'],
    release: (destroy?: boolean) => {
      inTransaction = false
      client.release(destroy)
    },
  }
}

/**
 * Refuses to serve as a role row security would not hold: one that owns the tables (ENABLE, not FORCE, exempts
 * the owner), is a superuser or has BYPASSRLS. Returns what is wrong, or null.
 */
export async function restrictedRoleProblem<T>(db: Kysely<T>): Promise<string | null> {
  const row = await sql<{ role: string; bypass: boolean; owns: boolean }>`
    select current_user as role, r.rolsuper or r.rolbypassrls as bypass,
      exists (select 1 from pg_tables where tableowner = current_user and schemaname = current_schema()) as owns
    from pg_roles r where r.rolname = current_user`.execute(db)
  const r = row.rows[0]
  if (!r) return 'the role DATABASE_APP_URL names was not found'
  if (r.bypass) return `the role ${r.role} is a superuser or has BYPASSRLS, so row security does not hold it`
  if (r.owns) return `the role ${r.role} owns tables, so row security does not hold it: use another role`
  return null
}
