import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import type { Mailer } from '../../mail/mailer.ts'
import type { Finding } from '../governance/health.rules.ts'
import type { NotificationsService } from '../notifications/notifications.service.ts'
import { membersInRoles } from '../notifications/recipients.ts'
import {
  EXEMPT_ITEM_REASON_RULE,
  KEY_DECISION_NOTICE_RULE,
  PAPERS_LATE_RULE,
} from './forward-plan.health-rules.ts'
import { forwardPlanRepository as repo } from './forward-plan.repository.ts'

// The Access to Information alerts (issue 12): each finding of the three rules tells the decision-maker (the
// account an entry names, or the person who took the key decision) and the programme managers, once per
// occurrence (rule, record), however many times the daily check finds it again. A finding no one could be
// told about is tried again the next day.

const RULES = [KEY_DECISION_NOTICE_RULE, PAPERS_LATE_RULE, EXEMPT_ITEM_REASON_RULE]

export function createAccessAlertsService(
  db: Kysely<DB>,
  deps: {
    findingsOf: (organisationId: number, ruleId: string, now: Date) => Promise<Finding[]>
    notifications: NotificationsService
    mailer: Mailer
  },
) {
  async function makerOf(organisationId: number, f: Finding): Promise<number | null> {
    if (f.recordType === 'forward_plan_entry') {
      const e = await db
        .selectFrom('forward_plan_entries')
        .select('decision_maker_user_id')
        .where('organisation_id', '=', organisationId)
        .where('id', '=', f.recordId)
        .executeTakeFirst()
      return e?.decision_maker_user_id ?? null
    }
    if (f.recordType === 'decision') {
      const d = await db
        .selectFrom('decisions')
        .select('decided_by_user_id')
        .where('organisation_id', '=', organisationId)
        .where('id', '=', f.recordId)
        .executeTakeFirst()
      return d?.decided_by_user_id ?? null
    }
    return null
  }

  return {
    /** Sends each new occurrence's alert; answers how many occurrences were told. */
    async send(now: Date = new Date()): Promise<number> {
      let sent = 0
      for (const org of await repo.organisations(db)) {
        for (const ruleId of RULES) {
          const findings = await deps.findingsOf(org.id, ruleId, now)
          if (findings.length === 0) continue
          const makers = new Map<Finding, number | null>()
          for (const f of findings) makers.set(f, await makerOf(org.id, f))
          sent += await db.transaction().execute(async (trx) => {
            const managers = (await membersInRoles(trx, org.id, ['programme_manager'])).map((m) => m.id)
            let n = 0
            const done = new Map<string, Set<number>>()
            for (const f of findings) {
              const seen = done.get(f.recordType) ?? (await repo.alerted(trx, org.id, ruleId, f.recordType))
              done.set(f.recordType, seen)
              if (seen.has(f.recordId)) continue
              const maker = makers.get(f) ?? null
              const title = `Access to Information: ${f.title}`
              const told = await deps.notifications.notify(trx, {
                organisationId: org.id,
                userIds: [...(maker === null ? [] : [maker]), ...managers],
                kind: 'access-to-information',
                title,
                body: f.detail,
                url: f.url,
                mail: {
                  heading: title,
                  paragraphs: [f.detail],
                  link: { text: 'Open the record', url: f.url },
                },
              })
              if (told === 0) continue
              await repo.recordAlert(trx, {
                organisation_id: org.id,
                rule_id: ruleId,
                record_type: f.recordType,
                record_id: f.recordId,
                sent_at: now.toISOString(),
              })
              seen.add(f.recordId)
              n++
            }
            return n
          })
        }
      }
      if (sent > 0) deps.mailer.flushSoon()
      return sent
    },
  }
}

export type AccessAlertsService = ReturnType<typeof createAccessAlertsService>
