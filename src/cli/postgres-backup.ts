import { spawn } from 'node:child_process'
import { CliError } from './cli-support.ts'

/**
 * PostgreSQL's own tools, pg_dump and pg_restore (Debian's postgresql-client package), run against this
 * installation's DATABASE_URL. The password goes to them in PGPASSWORD, never on their command line,
 * where any user of the machine could read it in the process list.
 */
export interface Connection {
  /** The URL without its password, as the tools' --dbname. */
  dbname: string
  env: NodeJS.ProcessEnv
  /** What to show an operator: host, port, database and user, never the password. */
  described: string
}

export function connectionFor(url: string): Connection {
  const u = new URL(url)
  const password = decodeURIComponent(u.password)
  u.password = ''
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres'
  const env: NodeJS.ProcessEnv = { ...process.env }
  if (password !== '') env.PGPASSWORD = password
  return {
    dbname: u.toString(),
    env,
    described: `database ${database} on ${u.hostname || 'localhost'}:${u.port || '5432'} as ${decodeURIComponent(u.username) || 'the current user'}`,
  }
}

/** Thrown when the tool is not installed, so the caller can explain what to install. */
export class ToolMissingError extends CliError {}

/** Runs a PostgreSQL tool to the end; its standard output is returned, a failure is a CliError with its stderr. */
export function runTool(
  tool: 'pg_dump' | 'pg_restore',
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'ENOENT'
          ? new ToolMissingError(
              `${tool} was not found. Install PostgreSQL's client tools (on Debian: apt-get install postgresql-client), in the same major version as the server or newer.`,
            )
          : err,
      )
    })
    child.on('close', (code) => {
      if (code === 0) resolve(stdout)
      else reject(new CliError(`${tool} failed (exit code ${code}): ${stderr.trim().slice(-2000)}`))
    })
  })
}

/** The tables whose rows a custom-format dump holds, from its table of contents (`pg_restore --list`). */
export async function tablesInDump(file: string): Promise<string[]> {
  const list = await runTool('pg_restore', ['--list', file], process.env)
  const tables: string[] = []
  for (const line of list.split('\n')) {
    const m = /^\d+; \d+ \d+ TABLE DATA (\S+) (\S+) /.exec(line)
    if (m) tables.push(m[2]!)
  }
  return tables
}
