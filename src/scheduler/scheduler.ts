import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.ts'
import { todayInLondon } from '../domain/dates.ts'
import { jobDuration, jobLastSuccess, jobRuns } from '../metrics/metrics.ts'
import { crossOrganisation } from '../db/tenant-context.ts'

/** A piece of periodic work. `slotOf` names the window it runs once in (an hour, a day). */
export interface Job {
  name: string
  slotOf(now: Date): string | null
  run(now: Date): Promise<string>
}

export interface SchedulerLogger {
  info(obj: Record<string, unknown>, msg: string): void
  error(obj: Record<string, unknown>, msg: string): void
}

export const hourSlot = (now: Date) => now.toISOString().slice(0, 13)
export const minuteSlot = (now: Date) => now.toISOString().slice(0, 16)
export const daySlot = (now: Date) => todayInLondon(now)

/** London's hour of day, so "each morning" means the council's morning in summer and winter. */
export function londonHour(now: Date): number {
  return Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: 'numeric', hourCycle: 'h23' }).format(
      now,
    ),
  )
}

/**
 * Runs each job once per slot across every instance sharing the database. The lock is a row in
 * `job_runs` keyed by (job, slot): whichever instance inserts it first runs the job; the others' inserts
 * conflict and they skip it. The same on SQLite and PostgreSQL, and it leaves a record of every run.
 */
export function createScheduler(opts: {
  db: Kysely<DB>
  jobs: Job[]
  logger?: SchedulerLogger
  instance?: string
  intervalMs?: number
  firstRunDelayMs?: number
}) {
  const instance = opts.instance ?? randomUUID()
  const logger = opts.logger ?? { info: () => undefined, error: () => undefined }
  let timer: NodeJS.Timeout | null = null
  let running: Promise<unknown> | null = null

  async function claim(job: string, slot: string): Promise<boolean> {
    const row = await opts.db
      .insertInto('job_runs')
      .values({ job, slot, instance, started_at: new Date().toISOString() })
      .onConflict((oc) => oc.columns(['job', 'slot']).doNothing())
      .returning('job')
      .executeTakeFirst()
    return row !== undefined
  }

  // Each job is a sweep over every organisation: a named exception to row security (db/tenant-context.ts).
  function runDue(now: Date = new Date()): Promise<Array<{ job: string; slot: string; outcome: string }>> {
    return crossOrganisation('scheduler sweep', () => runDueJobs(now))
  }

  async function runDueJobs(now: Date): Promise<Array<{ job: string; slot: string; outcome: string }>> {
    const ran: Array<{ job: string; slot: string; outcome: string }> = []
    for (const job of opts.jobs) {
      const slot = job.slotOf(now)
      if (slot === null || !(await claim(job.name, slot))) continue
      let outcome: string
      const started = performance.now()
      try {
        outcome = await job.run(now)
        logger.info({ job: job.name, slot, outcome }, 'Scheduled job finished')
        jobRuns.inc([job.name, 'ok'])
        jobLastSuccess.set([job.name], Math.round(Date.now() / 1000))
      } catch (err) {
        outcome = `failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500)
        logger.error({ job: job.name, slot, err }, 'Scheduled job failed')
        jobRuns.inc([job.name, 'failed'])
      }
      jobDuration.observe([job.name], (performance.now() - started) / 1000)
      await opts.db
        .updateTable('job_runs')
        .set({ finished_at: new Date().toISOString(), outcome })
        .where('job', '=', job.name)
        .where('slot', '=', slot)
        .execute()
      ran.push({ job: job.name, slot, outcome })
    }
    return ran
  }

  return {
    instance,
    runDue,
    start(): void {
      if (timer) return
      const tick = () => {
        running ??= runDue()
          .catch((err: unknown) => logger.error({ err }, 'Scheduler tick failed'))
          .finally(() => {
            running = null
          })
      }
      timer = setInterval(tick, opts.intervalMs ?? 60_000)
      timer.unref()
      // The first run waits a few seconds: at boot the sweep and the health check read the whole
      // portfolio, and a freshly started server should answer its first requests before that.
      setTimeout(tick, opts.firstRunDelayMs ?? 5_000).unref()
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer)
      timer = null
      await running
    },
  }
}

export type Scheduler = ReturnType<typeof createScheduler>
