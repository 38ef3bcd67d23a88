import type { ChildProcess } from 'node:child_process'

export function findProgram(name: string): string | null
export function freePort(): Promise<number>

export interface Instance {
  index: number
  port: number
  /** The instance itself, bypassing nginx. */
  url: string
  process: { proc: ChildProcess; exited: Promise<number | string | null> } | null
  /** Starts it (again) on its port and waits until /health answers. */
  start(): Promise<void>
  /** Stops it with the signal (default SIGTERM) and waits for it to end. */
  stop(signal?: NodeJS.Signals): Promise<number | string | null | undefined>
}

export interface Stack {
  /** nginx's address. */
  baseUrl: string
  /** The database through pgbouncer, as the instances reach it. */
  databaseUrl: string
  /** The database through pgbouncer as the app role the instances serve as (DATABASE_APP_URL); null without one. */
  appDatabaseUrl: string | null
  bouncerPort: number
  /** The database reached directly, bypassing pgbouncer. */
  directUrl: string
  databaseName: string
  workdir: string
  instances: Instance[]
  stop(opts?: { dropDatabase?: boolean }): Promise<void>
}

export function startStack(opts: {
  adminUrl: string
  /** Its user and password name the role the instances serve as (DATABASE_APP_URL); without it, the owner. */
  appUrl?: string
  instances?: number
  database?: string
  serverArgs?: string[]
  env?: Record<string, string>
  echo?: boolean
  detached?: boolean
  nginxPort?: number
}): Promise<Stack>
