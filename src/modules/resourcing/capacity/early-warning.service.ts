import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema.ts'
import type { Mailer } from '../../../mail/mailer.ts'
import type { Finding } from '../../governance/health.rules.ts'
import type { NotificationsService } from '../../notifications/notifications.service.ts'
import { membersInRoles, projectManagerAccounts } from '../../notifications/recipients.ts'
import { ROLE_UNALLOCATED_RULE } from './capacity.health-rules.ts'
import { earlyWarningRepository as repo } from './early-warning.repository.ts'

// The early warning (issue 10): "a project whose required role has no allocated person a configurable number
// of weeks before its forecast start raises a governance health finding and notifies the project and
// programme managers". The finding is the health rule's (capacity.health-rules.ts, at the organisation's
// threshold, through the governance service); this tells the managers once per role, not every day the check
// finds it again. A role no one could be told about (no manager with an account) is tried again next day.

export function createEarlyWarningService(
  db: Kysely<DB>,
  deps: {
    findingsOf: (organisationId: number, ruleId: string, now: Date) => Promise<Finding[]>
    notifications: NotificationsService
    mailer: Mailer
  },
) {
  return {
    /** Tells each organisation's managers of roles newly found unallocated; answers how many roles. */
    async send(now: Date = new Date()): Promise<number> {
      let warned = 0
      for (const org of await repo.organisations(db)) {
        const findings = (await deps.findingsOf(org.id, ROLE_UNALLOCATED_RULE, now)).filter(
          (f) => f.projectId !== null,
        )
        if (findings.length === 0) continue
        warned += await db.transaction().execute(async (trx) => {
          const done = await repo.warned(
            trx,
            org.id,
            findings.map((f) => f.recordId),
          )
          const fresh = findings.filter((f) => !done.has(f.recordId))
          if (fresh.length === 0) return 0
          const projects = new Map(
            (
              await repo.projects(
                trx,
                org.id,
                fresh.map((f) => f.projectId!),
              )
            ).map((p) => [p.id, p]),
          )
          const programmeManagers = (await membersInRoles(trx, org.id, ['programme_manager'])).map(
            (m) => m.id,
          )
          let n = 0
          for (const f of fresh) {
            const project = projects.get(f.projectId!)
            if (!project) continue
            const userIds = [...(await projectManagerAccounts(trx, org.id, project)), ...programmeManagers]
            const title = `No one allocated: ${f.title}`
            const told = await deps.notifications.notify(trx, {
              organisationId: org.id,
              userIds,
              kind: 'early-warning',
              title,
              body: f.detail,
              url: f.url,
              mail: {
                heading: title,
                paragraphs: [
                  `${project.reference} ${project.name} needs this role soon. ${f.detail}`,
                  'Allocate someone to the role, or move the project’s forecast start to when it can be filled.',
                ],
                link: { text: 'Open the project’s roles', url: f.url },
              },
            })
            if (told === 0) continue
            await repo.record(trx, org.id, f.recordId, project.id, now.toISOString())
            n++
          }
          return n
        })
      }
      if (warned > 0) deps.mailer.flushSoon()
      return warned
    },
  }
}

export type EarlyWarningService = ReturnType<typeof createEarlyWarningService>
