import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { CliError, formatBytes, required, type Command, type CommandContext } from './cli-support.ts'
import { connectionFor, runTool, tablesInDump, ToolMissingError } from './postgres-backup.ts'

/** Without pg_dump on this machine: explain how to take the backup with this installation's connection. */
function explainPgDump(ctx: CommandContext, url: string, file: string): void {
  const u = new URL(url)
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres'
  const host = u.hostname || 'localhost'
  const port = u.port || '5432'
  const user = decodeURIComponent(u.username) || '(your operating-system user)'
  ctx.out(
    'This installation keeps its data in PostgreSQL, which is backed up with pg_dump rather than by Oversight.',
  )
  ctx.out('')
  ctx.out(`  Host: ${host}   Port: ${port}   Database: ${database}   User: ${user}   (password not shown)`)
  ctx.out('')
  ctx.out('Take a consistent backup, safe while Oversight is running, with:')
  ctx.out('')
  ctx.out(
    `  pg_dump --format=custom --host=${host} --port=${port} --username=${decodeURIComponent(u.username) || '$USER'} --dbname=${database} --file=${file}`,
  )
  ctx.out('')
  ctx.out('pg_dump asks for the password, or reads it from PGPASSWORD or ~/.pgpass. Restore into an empty')
  ctx.out(`database with: pg_restore --no-owner --dbname=NEW_DATABASE ${file}`)
  ctx.out('Managed PostgreSQL services also offer scheduled snapshots and point-in-time recovery.')
}

/**
 * PostgreSQL: pg_dump's custom format (consistent while Oversight runs, compressed, restorable table by
 * table), written beside the target and renamed once its table of contents reads back, so a failed dump
 * never leaves a file that looks like a backup.
 */
async function backupPostgres(ctx: CommandContext, url: string, target: string): Promise<void> {
  const connection = connectionFor(url)
  mkdirSync(path.dirname(target), { recursive: true })
  const partial = `${target}.partial`
  rmSync(partial, { force: true })
  let tables: string[]
  try {
    await runTool(
      'pg_dump',
      ['--format=custom', `--file=${partial}`, `--dbname=${connection.dbname}`],
      connection.env,
    )
    tables = await tablesInDump(partial)
  } catch (err) {
    rmSync(partial, { force: true })
    if (err instanceof ToolMissingError) {
      explainPgDump(ctx, url, target)
      ctx.out('')
    }
    throw err
  }
  if (!tables.includes('organisations')) {
    rmSync(partial, { force: true })
    throw new CliError(
      `The dump of ${connection.described} has no organisations table: is DATABASE_URL Oversight's database?`,
    )
  }
  renameSync(partial, target)
  ctx.out(`Backed up ${connection.described}`)
  ctx.out(`       to ${target}`)
  ctx.out(
    `pg_restore reads the copy back: ${formatBytes(statSync(target).size)}, ${tables.length} tables. Restore it into a new, empty database with: oversight restore --from ${target}`,
  )
}

export const backup: Command = {
  name: 'backup',
  summary: 'Copy the database to a file, safely while Oversight is running.',
  usage: 'backup --to FILE [--force]',
  description:
    'On SQLite this uses SQLite’s online backup, so people can keep working while it runs; the copy is\n' +
    'checked by opening it, and is a single self-contained file. To restore, stop Oversight and put the\n' +
    'copy in place of the database file, or use "oversight restore". On PostgreSQL it runs pg_dump (custom\n' +
    'format, consistent while people work) and checks that pg_restore can read the copy; restore it into\n' +
    'a new, empty database with "oversight restore".',
  options: {
    to: { type: 'string', description: 'The file to write, e.g. backups/oversight-2026-11-25.sqlite' },
    force: { type: 'boolean', description: 'Overwrite the file if it already exists' },
  },
  async run(ctx, values) {
    const target = path.resolve(required(values, 'to'))
    const config = ctx.config.database
    if (config.dialect === 'sqlite' && path.resolve(config.file) === target)
      throw new CliError('--to must be a different file from the database itself')
    if (existsSync(target) && values.force !== true)
      throw new CliError(`${target} already exists. Choose another file, or add --force to overwrite it`)
    if (config.dialect === 'postgres') return backupPostgres(ctx, config.url, target)

    const database = await ctx.database({ create: false, migrate: false })
    if (!database.sqlite) throw new CliError('The SQLite handle is not available')
    mkdirSync(path.dirname(target), { recursive: true })
    rmSync(target, { force: true })
    await database.sqlite.backup(target)

    // A backup nobody has opened is a hope, not a backup: open the copy, check it, and make it one file.
    let organisations: number
    try {
      const copy = new SQLite(target, { fileMustExist: true })
      try {
        copy.pragma('journal_mode = DELETE')
        const check = copy.pragma('quick_check', { simple: true })
        if (check !== 'ok') throw new Error(`integrity check reported: ${String(check)}`)
        const row = copy.prepare('select count(*) as n from organisations').get() as { n: number } | undefined
        organisations = row?.n ?? 0
      } finally {
        copy.close()
      }
    } catch (err) {
      throw new CliError(
        `The backup at ${target} could not be opened and checked: ${err instanceof Error ? err.message : String(err)}`,
      )
    }
    const size = statSync(target).size
    ctx.out(`Backed up ${config.file}`)
    ctx.out(`       to ${target}`)
    ctx.out(
      `The copy opens and passes SQLite's integrity check: ${formatBytes(size)}, ${organisations} organisation${organisations === 1 ? '' : 's'}.`,
    )
  },
}
