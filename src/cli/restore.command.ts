import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import { openDatabase } from '../db/database.ts'
import { auditVerify } from './audit.command.ts'
import { CliError, required, type Command, type CommandContext } from './cli-support.ts'
import { connectionFor, runTool } from './postgres-backup.ts'

/**
 * Only into a new, empty database: restoring over a live one would mix two histories (and two audit
 * chains), which no one could untangle afterwards.
 */
async function restorePostgres(ctx: CommandContext, url: string, from: string): Promise<void> {
  const connection = connectionFor(url)
  const database = openDatabase({ dialect: 'postgres', url }, { poolSize: 1 })
  try {
    const tables = await sql<{ n: number }>`
      select count(*)::int as n from information_schema.tables where table_schema = current_schema()
    `.execute(database.db)
    if ((tables.rows[0]?.n ?? 0) > 0)
      throw new CliError(
        `The ${connection.described} already has tables. Restore into a new, empty database (createdb NAME), then point DATABASE_URL at it.`,
      )
  } finally {
    await database.close()
  }
  // One transaction: a restore that fails part-way leaves the database empty, not half restored. Owners and
  // grants are the restoring role's, so a copy restores on another server with other role names.
  await runTool(
    'pg_restore',
    [
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      '--single-transaction',
      `--dbname=${connection.dbname}`,
      from,
    ],
    connection.env,
  )
  ctx.out(`Restored ${from}`)
  ctx.out(`    into ${connection.described}`)
}

function restoreSqlite(ctx: CommandContext, file: string, from: string): void {
  if (existsSync(file) && statSync(file).size > 0)
    throw new CliError(
      `${file} already exists. Restore into a new file (set DATABASE_URL to it), or stop Oversight and move the old one away first.`,
    )
  try {
    const copy = new SQLite(from, { readonly: true, fileMustExist: true })
    try {
      const check = copy.pragma('quick_check', { simple: true })
      if (check !== 'ok') throw new Error(`integrity check reported: ${String(check)}`)
    } finally {
      copy.close()
    }
  } catch (err) {
    throw new CliError(
      `${from} is not a SQLite database that passes its integrity check: ${err instanceof Error ? err.message : String(err)}`,
    )
  }
  mkdirSync(path.dirname(file), { recursive: true })
  rmSync(`${file}-wal`, { force: true })
  rmSync(`${file}-shm`, { force: true })
  copyFileSync(from, file)
  ctx.out(`Restored ${from}`)
  ctx.out(`    into ${file}`)
}

export const restore: Command = {
  name: 'restore',
  summary: 'Restore a backup taken by "oversight backup" into a new, empty database.',
  usage: 'restore --from FILE',
  description:
    'Restores into the database DATABASE_URL names, which must be new and empty: on PostgreSQL a database\n' +
    'with no tables (createdb NAME), restored with pg_restore in one transaction; on SQLite a file that does\n' +
    'not exist yet. Then it applies any migrations newer than the backup and checks the audit trail, as\n' +
    '"oversight audit verify" does (exit code 1 if it is broken); then point the server at the database.',
  options: {
    from: { type: 'string', description: 'The backup file, e.g. backups/oversight-2026-11-25.dump' },
  },
  async run(ctx, values) {
    const from = path.resolve(required(values, 'from'))
    if (!existsSync(from)) throw new CliError(`There is no backup at ${from}`)
    const config = ctx.config.database
    if (config.dialect === 'postgres') await restorePostgres(ctx, config.url, from)
    else restoreSqlite(ctx, config.file, from)
    ctx.out('')
    return auditVerify.run(ctx, {})
  },
}
