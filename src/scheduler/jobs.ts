import type { Services } from '../services.ts'
import { daySlot, hourSlot, londonHour, minuteSlot, type Job } from './scheduler.ts'

/** The periodic work of governance control. */
export function governanceJobs(services: Services): Job[] {
  return [
    {
      // Catches breaches no save triggered: a risk re-scored, a tolerance tightened elsewhere, time passing.
      name: 'tolerance-sweep',
      slotOf: hourSlot,
      run: async () => {
        const r = await services.tolerances.sweep()
        return `${r.raised} raised, ${r.cleared} cleared`
      },
    },
    {
      name: 'exception-escalations',
      slotOf: hourSlot,
      run: async (now) => `${await services.tolerances.escalateOverdue(daySlot(now))} escalated`,
    },
    {
      name: 'health-snapshot',
      slotOf: daySlot,
      run: async (now) => `${await services.governance.snapshot(now)} organisations`,
    },
    {
      // Once a day: each role newly found with no one allocated weeks before it is needed is told once.
      name: 'resourcing-early-warning',
      slotOf: daySlot,
      run: async (now) => `${await services.earlyWarnings.send(now)} roles warned about`,
    },
    {
      // Once a day: each Access to Information breach (rule, record) is told to the decision-maker once.
      name: 'access-to-information-alerts',
      slotOf: daySlot,
      run: async (now) => `${await services.accessAlerts.send(now)} alerts`,
    },
    {
      // Each hour: each alert occurrence (rule, record, period) newly found is sent once (issue 12).
      name: 'governance-alerts',
      slotOf: hourSlot,
      run: async (now) => `${await services.alerts.send(now)} alerts sent`,
    },
    {
      // Each minute: followers of a committee, programme or recommendation are told of its changes.
      name: 'followed-changes',
      slotOf: minuteSlot,
      run: async () => `${await services.follows.sendChanges()} told`,
    },
    {
      // Each morning, London time; before 7am the day's slot is not yet due.
      name: 'daily-digest',
      slotOf: (now) => (londonHour(now) >= 7 ? daySlot(now) : null),
      run: async () => `${await services.notifications.sendDigests()} digests`,
    },
    {
      // Retries what could not be sent (mail server down) and delivers anything left by a restart.
      name: 'mail-outbox',
      slotOf: minuteSlot,
      run: async () => {
        const r = await services.mailer.flush()
        return `${r.sent} sent, ${r.kept} kept, ${r.failed} failed`
      },
    },
  ]
}
