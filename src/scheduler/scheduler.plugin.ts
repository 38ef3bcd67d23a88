import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { retentionJob } from '../modules/privacy/retention.job.ts'
import { governanceJobs } from './jobs.ts'
import { operationsJobs } from './operations-jobs.ts'
import { createScheduler, type Scheduler } from './scheduler.ts'

declare module 'fastify' {
  interface FastifyInstance {
    scheduler: Scheduler
  }
}

/** The in-app scheduler: started when the app is ready (if SCHEDULER is on), stopped before it closes. */
export default fp(
  async function scheduler(app: FastifyInstance) {
    const { services, config } = app
    services.mailer.useLogger(app.log)
    const db = app.database.db
    const jobs = [
      ...governanceJobs(services),
      ...operationsJobs({ db, config, logger: app.log }),
      retentionJob(services.privacy),
    ]
    const s = createScheduler({ db, jobs, logger: app.log })
    app.decorate('scheduler', s)
    if (config.scheduler) app.addHook('onReady', async () => s.start())
    app.addHook('onClose', async () => {
      await s.stop()
      services.mailer.close()
    })
  },
  { name: 'scheduler' },
)
