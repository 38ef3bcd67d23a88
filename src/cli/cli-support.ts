import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { AuditActor } from '../auth/actor.ts'
import type { Config } from '../config.ts'
import { openDatabase, type Database } from '../db/database.ts'
import { migrateToLatest } from '../db/migrate.ts'

/** Something went wrong doing the work: the message goes to stderr and the exit code is 1. */
export class CliError extends Error {}

/** The command line itself is wrong: the message and the command's usage go to stderr, exit code 2. */
export class UsageError extends Error {}

/** Changes made from the command line are recorded in the audit trail under this name. */
export const CLI_ACTOR: AuditActor = { userId: null, label: 'Command line' }

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; description: string }>

export type OptionValues = Record<string, string | boolean | undefined>

export interface CommandContext {
  readonly config: Config
  /**
   * The database, opened on first use. `create`: make a new SQLite file when there is none; otherwise a
   * missing file is an error, because a mistyped DATABASE_URL must not quietly produce an empty database.
   * `migrate`: apply pending migrations first, as the server does on start (not for a backup taken before
   * an upgrade).
   */
  database(opts: { create: boolean; migrate: boolean }): Promise<Database>
  out(line?: string): void
  err(line?: string): void
}

export interface Command {
  /** As typed: "org create". */
  readonly name: string
  readonly summary: string
  /** The synopsis after `oversight`, for example `org create --slug SLUG --name NAME`. */
  readonly usage: string
  readonly description: string
  readonly options: OptionSpec
  /** One positional argument (e.g. the FILE of `import ledger FILE`), stored under this option name. */
  readonly positional?: string
  run(ctx: CommandContext, values: OptionValues): Promise<number | void>
}

export function parseCommandArgs(command: Command, args: string[]): OptionValues {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  }
  for (const [name, spec] of Object.entries(command.options)) {
    options[name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type }
  }
  try {
    const parsed = parseArgs({ args, options, strict: true, allowPositionals: Boolean(command.positional) })
    if (!command.positional) return parsed.values
    if (parsed.positionals.length > 1) throw new UsageError(`Unexpected argument: ${parsed.positionals[1]}`)
    return { ...parsed.values, [command.positional]: parsed.positionals[0] }
  } catch (err) {
    if (err instanceof UsageError) throw err
    throw new UsageError(err instanceof Error ? err.message : String(err))
  }
}

/** A required string option; an empty or missing value is a usage error naming the option. */
export function required(values: OptionValues, name: string): string {
  const v = values[name]
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} is required`)
  return v.trim()
}

export function optional(values: OptionValues, name: string): string | null {
  const v = values[name]
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null
}

export function helpText(command: Command): string {
  const lines = [`Usage: oversight ${command.usage}`, '', command.summary]
  if (command.description) lines.push('', command.description)
  const flags: Array<[string, string]> = Object.entries(command.options).map(([name, spec]) => [
    spec.type === 'string' ? `--${name} VALUE` : `--${name}`,
    spec.description,
  ])
  flags.push(['--help', 'Show this help'])
  const width = Math.max(...flags.map(([flag]) => flag.length))
  lines.push('', 'Options:', ...flags.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`))
  return lines.join('\n')
}

/** Opens the database lazily for one command run and closes it afterwards, so the process can exit. */
export function createContext(config: Config): CommandContext & { close(): Promise<void> } {
  let database: Database | null = null
  const err = (line = '') => process.stderr.write(`${line}\n`)
  return {
    config,
    out: (line = '') => process.stdout.write(`${line}\n`),
    err,
    async database(opts) {
      if (database) return database
      if (!opts.create && config.database.dialect === 'sqlite' && !existsSync(config.database.file)) {
        throw new CliError(
          `There is no database at ${config.database.file}. Check DATABASE_URL, or create one with: oversight migrate`,
        )
      }
      database = openDatabase(config.database, { poolSize: 2 })
      if (opts.migrate) {
        const result = await migrateToLatest(database)
        for (const r of result.results ?? []) {
          if (r.status === 'Success') err(`Applied migration ${r.migrationName}`)
        }
      }
      return database
    },
    async close() {
      if (database) await database.close()
      database = null
    },
  }
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB']
  let n = bytes
  let i = 0
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024
    i++
  }
  const figure = i === 0 ? String(n) : n.toFixed(1)
  return i === 0 ? `${figure} bytes` : `${figure} ${units[i]} (${bytes.toLocaleString('en-GB')} bytes)`
}
