import { daySlot, type Job } from '../../scheduler/scheduler.ts'
import type { PrivacyService } from './privacy.service.ts'

/**
 * Once a day (London), erases and deletes what is past its retention period in every organisation. The
 * scheduler's (job, slot) claim means one instance runs it; the sweep is idempotent, so a run that died
 * half way is finished by the next day's.
 */
export function retentionJob(privacy: PrivacyService): Job {
  return {
    name: 'retention',
    slotOf: daySlot,
    run: async (now) => {
      const r = await privacy.sweepAll(now)
      return `erased ${r.leavers} leavers; deleted ${r.sessions} sessions, ${r.tokens} API tokens, ${r.notifications} notifications, ${r.importFiles} import files`
    },
  }
}
