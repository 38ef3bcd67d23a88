import type { Kysely, Transaction } from 'kysely'
import { auditActorOf, type Actor } from '../../auth/actor.ts'
import type { DB } from '../../db/schema.ts'
import { currentPeriod } from '../../domain/periods.ts'
import type { Mailer } from '../../mail/mailer.ts'
import { recordAudit } from '../audit/audit.service.ts'
import type { Finding, HealthRule } from '../governance/health.rules.ts'
import type { NotificationsService } from '../notifications/notifications.service.ts'
import { membersInRoles, projectManagerAccounts } from '../notifications/recipients.ts'
import { alertsRepository as repo } from './alerts.repository.ts'
import {
  ALERT_RULES,
  occurrencePeriod,
  recipientsOf,
  type AlertDelivery,
  type AlertRule,
} from './alerts.rules.ts'

export interface AlertSettings {
  tellPortfolioHolder: boolean
  tellPanelChair: boolean
  /** Members of the public may subscribe by email to records on the public pages. */
  publicSubscriptions: boolean
}

// Issue 12: the health rules' findings become alerts to the people who must know. The finding is the rule's,
// as the organisation configured it (through the governance service); this decides who is told and makes
// each occurrence (rule, record, period) go out once. A finding no one can be told about is not claimed, so
// it is tried again on the next run (when, say, the project manager has an account).

export function createAlertsService(
  db: Kysely<DB>,
  deps: {
    governance: {
      rules: readonly HealthRule[]
      findingsOf: (organisationId: number, ruleId: string, now: Date) => Promise<Finding[]>
    }
    notifications: NotificationsService
    mailer: Mailer
  },
) {
  async function settingsOf(q: Kysely<DB> | Transaction<DB>, organisationId: number): Promise<AlertSettings> {
    const s = await repo.settings(q, organisationId)
    return {
      tellPortfolioHolder: s?.tell_portfolio_holder === 1,
      tellPanelChair: s?.tell_panel_chair === 1,
      publicSubscriptions: s?.public_subscriptions === 1,
    }
  }

  /** The accountable people for the record a finding is about, and the committee whose chair may be told. */
  async function accountable(trx: Transaction<DB>, organisationId: number, f: Finding) {
    let projectId = f.recordType === 'project' ? f.recordId : null
    if (f.recordType === 'project_gate')
      projectId = (await repo.projectOfGate(trx, organisationId, f.recordId))?.project_id ?? null
    if (projectId !== null) {
      const project = await repo.project(trx, organisationId, projectId)
      return {
        userIds: project ? await projectManagerAccounts(trx, organisationId, project) : [],
        committeeId: null,
      }
    }
    if (f.recordType === 'recommendation') {
      const r = await repo.recommendation(trx, organisationId, f.recordId)
      if (!r) return { userIds: [], committeeId: null }
      const userIds = await repo.activeMembers(trx, organisationId, [
        r.addressee_user_id,
        r.lead_officer_user_id,
      ])
      return { userIds, committeeId: r.committee_id }
    }
    if (f.recordType === 'recommendation_action') {
      const a = await repo.action(trx, organisationId, f.recordId)
      if (!a) return { userIds: [], committeeId: null }
      // The action's owner; an action with no owner who has an account falls to the recommendation's lead officer.
      let userIds = await repo.activeMembers(trx, organisationId, [a.owner_user_id])
      if (userIds.length === 0)
        userIds = await repo.activeMembers(trx, organisationId, [a.lead_officer_user_id])
      return { userIds, committeeId: a.committee_id }
    }
    return { userIds: [], committeeId: null }
  }

  async function tell(
    trx: Transaction<DB>,
    organisationId: number,
    rule: AlertRule,
    healthRule: HealthRule,
    f: Finding,
    settings: AlertSettings,
    now: Date,
  ): Promise<boolean> {
    const { userIds, committeeId } = await accountable(trx, organisationId, f)
    const holders = settings.tellPortfolioHolder
      ? (await membersInRoles(trx, organisationId, ['portfolio_holder'])).map((m) => m.id)
      : []
    const chairs = settings.tellPanelChair
      ? await repo.activeMembers(trx, organisationId, await repo.chairs(trx, organisationId, committeeId))
      : []
    const recipients = recipientsOf([userIds, holders, chairs])
    if (recipients.length === 0) return false
    const claimed = await repo.claim(
      trx,
      {
        organisationId,
        ruleId: rule.ruleId,
        recordType: f.recordType,
        recordId: f.recordId,
        period: occurrencePeriod(rule, currentPeriod(now)),
      },
      recipients.length,
      now.toISOString(),
    )
    if (!claimed) return false
    const deliveries = await repo.deliveries(trx, organisationId, recipients)
    const title = `${healthRule.title}: ${f.title}`
    await deps.notifications.notify(trx, {
      organisationId,
      userIds: recipients,
      kind: 'alert',
      title,
      body: f.detail,
      url: f.url,
      immediateFor: recipients.filter((id) => (deliveries.get(id) ?? 'immediate') === 'immediate'),
      mail: {
        heading: title,
        paragraphs: [f.detail, healthRule.why],
        link: { text: 'Open the record', url: f.url },
      },
    })
    return true
  }

  return {
    /** Sends each organisation's new alert occurrences; answers how many were sent. */
    async send(now: Date = new Date()): Promise<number> {
      let sent = 0
      for (const org of await repo.organisations(db)) {
        const settings = await settingsOf(db, org.id)
        for (const rule of ALERT_RULES) {
          const healthRule = deps.governance.rules.find((r) => r.id === rule.ruleId)
          if (!healthRule) continue
          for (const f of await deps.governance.findingsOf(org.id, rule.ruleId, now)) {
            // One transaction per occurrence: the claim and the notifications commit together or not at all.
            if (
              await db.transaction().execute((trx) => tell(trx, org.id, rule, healthRule, f, settings, now))
            )
              sent++
          }
        }
      }
      if (sent > 0) deps.mailer.flushSoon()
      return sent
    },

    settings: (organisationId: number) => settingsOf(db, organisationId),

    /** Turns on or off telling the Portfolio Holder and the panel chair, for the actor's organisation. */
    async configure(actor: Actor, input: AlertSettings): Promise<void> {
      const values = {
        tell_portfolio_holder: input.tellPortfolioHolder ? 1 : 0,
        tell_panel_chair: input.tellPanelChair ? 1 : 0,
        public_subscriptions: input.publicSubscriptions ? 1 : 0,
        updated_at: new Date().toISOString(),
      }
      await db.transaction().execute(async (trx) => {
        const before = await settingsOf(trx, actor.organisationId)
        await repo.saveSettings(trx, actor.organisationId, values)
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'configure',
          entityType: 'alert_settings',
          entityId: String(actor.organisationId),
          before: {
            tell_portfolio_holder: before.tellPortfolioHolder ? 1 : 0,
            tell_panel_chair: before.tellPanelChair ? 1 : 0,
            public_subscriptions: before.publicSubscriptions ? 1 : 0,
          },
          after: values,
        })
      })
    },

    async delivery(actor: Actor): Promise<AlertDelivery> {
      const d = (await repo.deliveries(db, actor.organisationId, [actor.userId])).get(actor.userId)
      return d === 'digest' ? 'digest' : 'immediate'
    },

    setDelivery: (actor: Actor, delivery: AlertDelivery) =>
      repo.setDelivery(db, actor.organisationId, actor.userId, delivery, new Date().toISOString()),
  }
}

export type AlertsService = ReturnType<typeof createAlertsService>
