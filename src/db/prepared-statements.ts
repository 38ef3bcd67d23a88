import type { PostgresPool, PostgresPoolClient } from 'kysely'

/**
 * Named prepared statements on PostgreSQL (issue 14, PostgreSQL against SQLite). Kysely sends each query
 * unnamed, so the server parses and plans it on every request: on W1 the API token lookup planned in about
 * 2 ms and ran in 0.15 ms, and the project list's query planned in 3 ms and ran in 0.6 ms. SQLite's
 * statements are prepared once (database.ts). Named, a statement is parsed once per connection, and after
 * five runs PostgreSQL keeps a generic plan when it costs no more than the custom ones.
 *
 * Off unless DATABASE_PREPARED_STATEMENTS=true: a named statement belongs to one server connection, which
 * pgbouncer before 1.21 in transaction mode (Debian 12's is 1.18) hands to another client between
 * transactions ("prepared statement does not exist"). Direct connections, or pgbouncer 1.21 or later with
 * max_prepared_statements set, may turn it on.
 *
 * Only single statements are named (the row-security pool's `begin; select set_config(…)` goes as it is), and
 * at most MAX_NAMED distinct texts in a process: a query whose `in (…)` list varies in length is a new text
 * each time, and each named text stays prepared on every connection that ran it.
 */
const MAX_NAMED = 500
const NAMEABLE = /^\s*(select|insert|update|delete|with)\b[^;]*$/i

export function preparedStatementsPool(pool: PostgresPool): PostgresPool {
  const names = new Map<string, string>()
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text)
    if (name === undefined && names.size < MAX_NAMED && NAMEABLE.test(text)) {
      name = `oversight_${names.size + 1}`
      names.set(text, name)
    }
    return name
  }
  const wrapped = new WeakMap<PostgresPoolClient, PostgresPoolClient>()
  return {
    end: () => pool.end(),
    async connect() {
      const client = await pool.connect()
      let w = wrapped.get(client)
      if (!w) {
        const query = (text: unknown, parameters?: ReadonlyArray<unknown>) => {
          const name = typeof text === 'string' ? nameOf(text) : undefined
          return name === undefined
            ? client.query(text as never, parameters as never)
            : client.query({ name, text: text as string, values: parameters } as never)
        }
        w = { query: query as PostgresPoolClient['query'], release: (destroy) => client.release(destroy) }
        wrapped.set(client, w)
      }
      return w
    },
  }
}
