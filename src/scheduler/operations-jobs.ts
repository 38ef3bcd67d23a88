import type { Kysely } from 'kysely'
import type { Config } from '../config.ts'
import type { DB } from '../db/schema.ts'
import { appendCheckpoints, currentCheckpoints } from '../modules/audit/audit-checkpoints.ts'
import { housekeep } from './housekeeping.ts'
import { hourSlot, type Job, type SchedulerLogger } from './scheduler.ts'

/** The slot of an every-N-minutes job: the start of the N-minute window `now` falls in (UTC). */
function everyMinutesSlot(minutes: number): (now: Date) => string {
  const span = minutes * 60_000
  return (now) => new Date(Math.floor(now.getTime() / span) * span).toISOString().slice(0, 16)
}

/** The periodic work of running the service itself, as opposed to governing programmes. */
export function operationsJobs(opts: {
  db: Kysely<DB>
  config: Pick<Config, 'auditCheckpointFile' | 'auditCheckpointMinutes'>
  logger: SchedulerLogger
}): Job[] {
  const { db, config, logger } = opts
  return [
    {
      // The log line goes wherever the logs are shipped; the file is for `audit verify --checkpoints`.
      // Ids, sequence numbers and hashes only: nothing about people.
      name: 'audit-checkpoint',
      slotOf: everyMinutesSlot(config.auditCheckpointMinutes),
      run: async (now) => {
        const checkpoints = await currentCheckpoints(db, now)
        for (const c of checkpoints)
          logger.info(
            { auditCheckpoint: { organisationId: c.organisationId, seq: c.seq, hash: c.hash, at: c.at } },
            'Audit checkpoint',
          )
        if (config.auditCheckpointFile !== null) appendCheckpoints(config.auditCheckpointFile, checkpoints)
        return `${checkpoints.length} checkpoints${config.auditCheckpointFile === null ? ' (log only)' : ''}`
      },
    },
    {
      // Hourly, so each run has little to do; the scheduler's (job, slot) claim makes it once across instances.
      name: 'housekeeping',
      slotOf: hourSlot,
      run: async (now) => {
        const r = await housekeep(db, now)
        return `pruned ${r.jobRuns} job runs, ${r.sessions} sessions, ${r.throttle} sign-in throttle rows, ${r.mail} sent emails`
      },
    },
  ]
}
