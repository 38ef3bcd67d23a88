#!/usr/bin/env node
/**
 * `oversight` (or `npm run cli -- …`): the operator's command line. It reads the same configuration as the
 * server (DATABASE_URL and the rest) and works on the same database. Exit codes: 0 done, 1 the work failed
 * (message on stderr), 2 the command line was wrong (usage on stderr).
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ConfigError, loadConfig } from './config.ts'
import { projectRoot } from './paths.ts'
import { auditCheckpoint, auditVerify } from './cli/audit.command.ts'
import { backup } from './cli/backup.command.ts'
import { restore } from './cli/restore.command.ts'
import {
  CliError,
  createContext,
  helpText,
  parseCommandArgs,
  UsageError,
  type Command,
} from './cli/cli-support.ts'
import { demoLoad } from './cli/demo.command.ts'
import { importLedger } from './cli/import.command.ts'
import { importIndicators } from './cli/import-indicators.command.ts'
import { importPortfolio } from './cli/import-portfolio.command.ts'
import { migrate } from './cli/migrate.command.ts'
import { orgCreate, orgList } from './cli/org.command.ts'
import { tokenCreate, tokenRevoke } from './cli/token.command.ts'
import { userCreate } from './cli/user.command.ts'
import { userBreakGlass } from './cli/break-glass.command.ts'

const COMMANDS: readonly Command[] = [
  migrate,
  orgList,
  orgCreate,
  userCreate,
  userBreakGlass,
  tokenCreate,
  tokenRevoke,
  demoLoad,
  backup,
  restore,
  auditVerify,
  auditCheckpoint,
  importLedger,
  importIndicators,
  importPortfolio,
]

function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length))
  return [
    'Usage: oversight COMMAND [OPTIONS]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "oversight COMMAND --help" for a command’s options. The database is the one DATABASE_URL names',
    '(default: data/oversight.sqlite), as for the server.',
  ].join('\n')
}

function version(): string {
  const pkg = JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as {
    version: string
  }
  return pkg.version
}

/** "org create --slug x" → the `org create` command and its arguments; single-word commands too. */
function findCommand(argv: string[]): { command: Command; args: string[] } | null {
  const two = `${argv[0] ?? ''} ${argv[1] ?? ''}`
  const byTwo = COMMANDS.find((c) => c.name === two)
  if (byTwo) return { command: byTwo, args: argv.slice(2) }
  const byOne = COMMANDS.find((c) => c.name === argv[0])
  return byOne ? { command: byOne, args: argv.slice(1) } : null
}

function unknownCommand(argv: string[]): string {
  const group = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `))
  if (group.length > 0) {
    const sub = argv[1] && !argv[1].startsWith('-') ? `"${argv[0]} ${argv[1]}" is not a command. ` : ''
    return `${sub}"${argv[0]}" takes one of: ${group.map((c) => c.name.split(' ')[1]).join(', ')}`
  }
  return `"${argv[0]}" is not a command. Run "oversight --help" for the list.`
}

async function main(argv: string[]): Promise<number> {
  const first = argv[0]
  if (first === undefined) {
    process.stderr.write(`${generalHelp()}\n`)
    return 2
  }
  if (first === '--help' || first === '-h') {
    process.stdout.write(`${generalHelp()}\n`)
    return 0
  }
  if (first === 'help') {
    const found = argv.length > 1 ? findCommand(argv.slice(1)) : null
    process.stdout.write(`${found ? helpText(found.command) : generalHelp()}\n`)
    return 0
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${version()}\n`)
    return 0
  }
  const found = findCommand(argv)
  if (!found && (argv[1] === '--help' || argv[1] === '-h')) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `))
    if (group.length > 0) {
      process.stdout.write(`${group.map((c) => `oversight ${c.usage}\n    ${c.summary}`).join('\n')}\n`)
      return 0
    }
  }
  if (!found) {
    process.stderr.write(`${unknownCommand(argv)}\n`)
    return 2
  }
  const { command, args } = found
  let values
  try {
    values = parseCommandArgs(command, args)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`${err.message}\nUsage: oversight ${command.usage}\n`)
    return 2
  }
  if (values.help === true) {
    process.stdout.write(`${helpText(command)}\n`)
    return 0
  }

  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      return 1
    }
    throw err
  }
  const ctx = createContext(config)
  try {
    return (await command.run(ctx, values)) ?? 0
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\nUsage: oversight ${command.usage}\n`)
      return 2
    }
    if (err instanceof CliError) {
      process.stderr.write(`${err.message}\n`)
      return 1
    }
    const message = err instanceof Error ? err.message : String(err)
    process.stderr.write(`oversight ${command.name} failed: ${message}\n`)
    return 1
  } finally {
    await ctx.close()
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exitCode = 1
  },
)
