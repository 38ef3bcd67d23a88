import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { projectRoot } from '../src/paths.ts'

/** What /usr/bin/time measured of one command: wall seconds, peak resident set in KiB, CPU seconds. */
export interface TimedRun {
  stdout: string
  stderr: string
  seconds: number
  rssKib: number
  cpu: number
}

/**
 * The command line (`oversight …`) in a process of its own on the SQLite file given, as the import benchmarks run
 * it: under tsx from the checkout, or with `built` the built command (dist/src/cli.js, `npm run build` first), as an
 * installed Oversight runs it, with no TypeScript compiler in the process. With `timed`, under /usr/bin/time.
 */
export function runCli(
  dbFile: string,
  args: string[],
  opts: { timed?: boolean; built?: boolean } = {},
): TimedRun {
  const command = opts.built ? [path.join('dist', 'src', 'cli.js')] : ['--import', 'tsx', 'src/cli.ts']
  const node = [process.execPath, ...command, ...args]
  const [cmd, ...argv] = opts.timed ? ['/usr/bin/time', '-f', 'BENCH %e %M %U %S', ...node] : node
  const r = spawnSync(cmd!, argv, {
    cwd: projectRoot(),
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      SESSION_SECRET: 'bench-'.padEnd(40, 'x'),
      DEMO: 'false',
      DATABASE_URL: `file:${dbFile}`,
    },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}\n${r.stdout}`)
  return { stdout: r.stdout, stderr: r.stderr, ...timeOf(r.stderr) }
}

/** The figures `/usr/bin/time -f 'BENCH %e %M %U %S'` wrote into a command's standard error. */
export function timeOf(stderr: string): Omit<TimedRun, 'stdout' | 'stderr'> {
  const m = /BENCH ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(stderr)
  return { seconds: Number(m?.[1]), rssKib: Number(m?.[2]), cpu: Number(m?.[3]) + Number(m?.[4]) }
}
