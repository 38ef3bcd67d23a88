/**
 * The real programs as an operator runs them: the command line and the server, each its own process,
 * on a database of their own, so that a test can kill one half-way (SIGKILL) and start it again.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { after } from 'node:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseDatabaseUrl } from '../../src/config.ts'
import { openDatabase, type Database } from '../../src/db/database.ts'
import { createTokensService } from '../../src/modules/tokens/tokens.service.ts'
import { projectRoot } from '../../src/paths.ts'
import { createPostgresDatabase, dropDatabase } from './database.ts'

const ROOT = projectRoot()

/**
 * How to run one of Oversight's programs (`cli` or `server`) the way this test runs: compiled beside it when
 * the suite runs from scripts/test.sh's build (a second or more of start-up saved a process), from source
 * under tsx otherwise.
 */
export function programArgs(program: 'cli' | 'server'): string[] {
  return import.meta.url.endsWith('.ts')
    ? ['--import', 'tsx', `src/${program}.ts`]
    : [fileURLToPath(new URL(`../../src/${program}.js`, import.meta.url))]
}

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** A database URL that names nothing yet, and how to remove it: a new SQLite file, or a new PostgreSQL database. */
export async function freshDatabaseUrl(
  prefix = 'oversight_proc',
): Promise<{ url: string; remove: () => Promise<void> }> {
  const admin = process.env.TEST_DATABASE_URL
  if (admin && /^postgres(ql)?:\/\//.test(admin)) {
    const { name, url } = await createPostgresDatabase(admin, prefix)
    return { url, remove: () => dropDatabase(admin, name) }
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'oversight-proc-'))
  return {
    url: `file:${path.join(dir, 'oversight.sqlite')}`,
    remove: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  }
}

/** `oversight ARGS…` against the database at `url`. */
export function runCli(url: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...programArgs('cli'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: url, ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

export interface ServerProcess {
  baseUrl: string
  child: ChildProcess
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | string | null>
  /** Stops it with the signal and waits for it to end. */
  stop(signal?: NodeJS.Signals): Promise<number | string | null>
}

/** The server (`src/server.ts`) on a free loopback port, once `/health` answers. */
export async function startServerProcess(
  url: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, programArgs('server'), {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO: 'false',
      SCHEDULER: 'false',
      LOG_LEVEL: 'silent',
      SESSION_SECRET: 'a test session secret of at least thirty-two characters',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  )
  const baseUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited before answering: ${stderr.slice(-2000)}`)
    }
    try {
      if ((await fetch(`${baseUrl}/health`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the server did not answer /health within 60 s: ${stderr.slice(-2000)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    baseUrl,
    child,
    exited,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}

/**
 * A test of the real programs: the databases it makes, the servers it starts (killed at the end if still
 * running) and the connections it opens, all removed after the file's tests, last first.
 */
export function processHarness() {
  const steps: Array<() => Promise<unknown>> = []
  after(async () => {
    for (const step of steps.reverse()) await step()
  })
  return {
    /** Something more to undo after the tests. */
    cleanUp: (step: () => Promise<unknown>) => void steps.push(step),
    /** A database of the test's own, migrated by whoever first opens it (the server, or `oversight migrate`). */
    async freshDatabase(prefix: string): Promise<string> {
      const fresh = await freshDatabaseUrl(prefix)
      steps.push(fresh.remove)
      return fresh.url
    },
    /** The server on the database; a test kills it with `stop('SIGKILL')` and starts it again. */
    async startServer(url: string, env: Record<string, string> = {}): Promise<ServerProcess> {
      const server = await startServerProcess(url, { LOG_LEVEL: 'silent', ...env })
      steps.push(() => server.stop('SIGKILL'))
      return server
    },
    /** The test's own connection to the database the programs use, to look under them. */
    open(url: string): Database {
      const config = parseDatabaseUrl(url, ROOT)
      if (typeof config === 'string') throw new Error(config)
      const database = openDatabase(config, { poolSize: 2 })
      steps.push(() => database.close())
      return database
    },
  }
}

/** An organisation with one member in `role` and an API token for them, written straight to the database. */
export async function organisationWithToken(
  database: Database,
  opts: { slug: string; role: string },
): Promise<{ organisationId: number; token: string }> {
  const at = new Date().toISOString()
  const org = await database.db
    .insertInto('organisations')
    .values({
      slug: opts.slug,
      name: opts.slug,
      rating_scale: 'ipa5',
      is_demo: 0,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const user = await database.db
    .insertInto('users')
    .values({
      email: `${opts.role}@${opts.slug}.test`,
      name: opts.role,
      password_hash: 'x',
      is_active: 1,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await database.db
    .insertInto('memberships')
    .values({ organisation_id: org.id, user_id: user.id, role: opts.role, created_at: at })
    .execute()
  const { token } = await createTokensService(database.db).create(org.id, user.id, opts.slug)
  return { organisationId: org.id, token }
}
