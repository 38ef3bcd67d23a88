/**
 * Portfolio import benchmark (issue 13): a generated portfolio of 5,000 projects with 50,000 milestones
 * (one row per milestone, the project's columns repeated) through the command line's own code path
 * (`oversight import portfolio FILE --org … --commit`: the check with its preview, then the commit in one
 * transaction) on a fresh SQLite database, timed by /usr/bin/time: wall clock, CPU and peak RSS.
 * Target: ≤ 5 s, ≤ 300 MB. `--quick` runs 50 projects with 500 milestones, to show the script works.
 * By default the command runs under tsx (its TypeScript compiled as it loads, a second or more of the time);
 * `--built` runs the built command, `node dist/src/cli.js`, as an installation runs it (`npm run build` first).
 * The same command's start-up alone (`org list`) is timed beside it.
 *   npx tsx bench/portfolio-import.ts [--projects 5000] [--milestones 10] [--quick] [--built]
 */
import { once } from 'node:events'
import { createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { runCli } from './cli-run.ts'
import { projectRoot } from '../src/paths.ts'

const HEADINGS =
  'Programme,Project code,Project name,Stage,RAG,As at,Start date,End date,Whole life cost (£m),Milestone reference,Milestone,Milestone baseline,Milestone forecast,Milestone actual'
const PROGRAMMES = ['Housing Delivery', 'Digital Council', 'Net Zero', 'Regeneration', 'Adult Social Care']
const RATINGS = ['Green', 'Amber/Green', 'Amber', 'Amber/Red', 'Red']
const STAGES = ['Business case', 'Approved', 'Delivery', 'Delivery', 'Closure']

const iso = (day: number) => new Date(Date.UTC(2024, 0, 1) + day * 86_400_000).toISOString().slice(0, 10)

/** A portfolio file, deterministically: `projects` projects, each with `perProject` milestones. */
export async function generatePortfolio(file: string, projects: number, perProject: number): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true })
  const out = createWriteStream(file)
  let buffer = `${HEADINGS}\n`
  for (let p = 0; p < projects; p++) {
    const code = `PRJ-${String(p + 1).padStart(5, '0')}`
    const project = [
      PROGRAMMES[p % PROGRAMMES.length],
      code,
      `Project ${p + 1}`,
      STAGES[p % STAGES.length],
      RATINGS[p % RATINGS.length],
      '2025-09',
      iso(p % 300),
      iso(400 + (p % 700)),
      `£${(p % 900) + 1}.${String(p % 100).padStart(2, '0')}m`,
    ].join(',')
    for (let m = 0; m < perProject; m++) {
      const base = (p % 300) + 30 * (m + 1)
      buffer += `${project},M${m + 1},Milestone ${m + 1} of ${code},${iso(base)},${iso(base + (m % 4) * 7)},${m < 2 ? iso(base + 3) : ''}\n`
      if (buffer.length > 256 * 1024) {
        if (!out.write(buffer)) await once(out, 'drain')
        buffer = ''
      }
    }
  }
  out.end(buffer)
  await once(out, 'finish')
}

const BUILT = process.argv.includes('--built')

async function main() {
  const { values } = parseArgs({
    options: {
      projects: { type: 'string' },
      milestones: { type: 'string' },
      quick: { type: 'boolean' },
      built: { type: 'boolean' },
    },
  })
  const projects = values.quick ? 50 : Number(values.projects ?? 5_000)
  const perProject = Number(values.milestones ?? 10)
  const root = projectRoot()
  const out = path.join(root, 'bench', 'out')
  const file = path.join(out, `portfolio-${projects}x${perProject}.csv`)
  await generatePortfolio(file, projects, perProject)
  const dbFile = path.join(out, 'portfolio-bench.sqlite')
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(f, { force: true })
  runCli(dbFile, ['migrate'], { built: BUILT })
  runCli(dbFile, ['org', 'create', '--slug', 'bench', '--name', 'Bench Council'], { built: BUILT })
  const startup = runCli(dbFile, ['org', 'list'], { timed: true, built: BUILT })
  const load = os.loadavg()
  const run = runCli(dbFile, ['import', 'portfolio', file, '--org', 'bench', '--commit'], {
    timed: true,
    built: BUILT,
  })
  const { seconds, cpu } = run
  const rssMB = (run.rssKib * 1024) / 1e6
  const ok = (b: boolean) => (b ? 'meets target' : 'MISSES target')
  process.stdout.write(
    [
      `Portfolio import benchmark: ${projects.toLocaleString('en-GB')} projects, ${(projects * perProject).toLocaleString('en-GB')} milestones, ${(statSync(file).size / 1024 / 1024).toFixed(1)} MB`,
      `  load average at the start: ${load.map((l) => l.toFixed(2)).join(', ')} (${os.cpus().length} CPUs)`,
      `  command: ${BUILT ? 'built (node dist/src/cli.js)' : 'tsx (src/cli.ts compiled as it loads)'}; its start-up alone (org list): ${startup.seconds.toFixed(2)} s, ${((startup.rssKib * 1024) / 1e6).toFixed(0)} MB`,
      `  oversight import portfolio --commit: ${seconds.toFixed(2)} s end to end, ${cpu.toFixed(2)} s CPU (${ok(seconds <= 5)} ≤ 5 s)`,
      `  peak RSS: ${rssMB.toFixed(0)} MB (${ok(rssMB <= 300)} ≤ 300 MB)`,
      run.stdout
        .trim()
        .split('\n')
        .map((l) => `  | ${l}`)
        .join('\n'),
      '',
    ].join('\n'),
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
