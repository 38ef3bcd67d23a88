/**
 * What the public-site benchmarks (bench/public.ts, bench/open-data.ts) share with each other: the built
 * server and a floor started on the server cores, the load generator on the last core (taskset), RSS read
 * from /proc, medians. bench/run.ts does the same inline.
 * merge: bench/run.ts could take onServerCores, waitFor200 and rssMb from here.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { projectRoot } from '../src/paths.ts'
import { serverNodeFlags } from '../scripts/node-flags.mjs'

export const root = projectRoot()
export const out = path.join(root, 'bench', 'out')

const cores = os.cpus().length
export const pinned = cores >= 2 && spawnSync('taskset', ['-V']).status === 0
const serverCpus = pinned ? `0-${cores - 2}` : null

export function log(line: string) {
  process.stderr.write(`${line}\n`)
}

/** `taskset -c CPUS` before a command where the machine has cores to spare, so the servers keep off the generator's. */
function onServerCores(command: string, args: string[]): [string, string[]] {
  return serverCpus ? ['taskset', ['-c', serverCpus, command, ...args]] : [command, args]
}

/** Every thread of this process (the load generator) onto the last core. */
export function pinLoadGenerator() {
  if (!pinned) return
  spawnSync('taskset', ['-a', '-cp', String(cores - 1), String(process.pid)], { stdio: 'ignore' })
  log(`Load generator on core ${cores - 1}, servers on cores ${serverCpus}`)
}

/** Builds dist/ unless told not to (or it is there and --skip-build was given). */
export function build(skip: boolean) {
  if (skip && existsSync(path.join(root, 'dist', 'src', 'server.js'))) return
  log('Building…')
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' })
  if (b.status !== 0) throw new Error('build failed')
}

export function serverEnv(file: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: `file:${file}`,
    DEMO: 'false',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    SESSION_SECRET: 'b'.repeat(64),
  }
}

/**
 * The built server, or a floor script under tsx, on the server cores with the server's V8 settings (so a
 * ratio compares code, not GC tuning).
 */
export function startNode(
  children: ChildProcess[],
  script: string,
  env: NodeJS.ProcessEnv,
  tsx = false,
): ChildProcess {
  const args = [...serverNodeFlags(), ...(tsx ? ['--import', 'tsx'] : []), script]
  const child = spawn(...onServerCores(process.execPath, args), {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  children.push(child)
  return child
}

export const appScript = () => path.join(root, 'dist', 'src', 'server.js')

export async function waitFor200(url: string, timeoutMs: number): Promise<void> {
  const started = performance.now()
  for (;;) {
    try {
      const res = await fetch(url)
      await res.arrayBuffer()
      if (res.status === 200) return
    } catch {
      // not listening yet
    }
    if (performance.now() - started > timeoutMs)
      throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** A field of /proc/PID/status in MB: VmRSS (resident now) or VmHWM (the peak since the process started). */
export function procMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
  return Math.round(kb / 1024)
}

/** CPU time the process has used, user and system, in ms (/proc/PID/stat; clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

export const machine = () => ({
  cpus: os.cpus().length,
  model: os.cpus()[0]?.model ?? '',
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
})
