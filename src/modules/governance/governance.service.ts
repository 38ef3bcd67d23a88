import type { Kysely } from 'kysely'
import type { Actor, Scope } from '../../auth/actor.ts'
import type { DB } from '../../db/schema.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { currentPeriod } from '../../domain/periods.ts'
import { notFound, ValidationError } from '../../errors.ts'
import { recordAudit } from '../audit/audit.service.ts'
import type { HealthHeadline } from '../portfolio/portfolio.service.ts'
import { auditActorOf } from '../../auth/actor.ts'
import { GOVERNANCE_HEALTH_RULES, type Finding, type HealthRule } from './health.rules.ts'
import { visibleProjectIds, wholeOrganisation } from '../../auth/visibility.ts'

export interface RuleResult {
  rule: HealthRule
  enabled: boolean
  threshold: number | null
  findings: Finding[]
}

export interface HealthCheck {
  today: string
  results: RuleResult[]
  total: number
  /** Findings per programme, for the programme table. */
  byProgramme: Array<{
    id: number | null
    reference: string
    name: string
    counts: Record<string, number>
    total: number
  }>
}

/**
 * The governance health check: every rule, as the organisation configured it, run over the portfolio.
 * Rules come from a list (this area's own, and those finance and scrutiny contribute at merge).
 */
export function createGovernanceService(
  db: Kysely<DB>,
  rules: readonly HealthRule[] = GOVERNANCE_HEALTH_RULES,
) {
  async function settingsOf(organisationId: number) {
    const rows = await db
      .selectFrom('health_rule_settings')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .execute()
    return new Map(rows.map((r) => [r.rule_id, r]))
  }

  /** A rule as the organisation configured it: on unless turned off, at its threshold or the default. */
  function configured(rule: HealthRule, settings: Awaited<ReturnType<typeof settingsOf>>) {
    const s = settings.get(rule.id)
    return { enabled: s ? s.enabled === 1 : true, threshold: s?.threshold ?? rule.threshold?.default ?? null }
  }

  async function run(scope: Scope, opts: { now?: Date } = {}): Promise<HealthCheck> {
    const now = opts.now ?? new Date()
    const today = todayInLondon(now)
    const period = currentPeriod(now)
    const settings = await settingsOf(scope.organisationId)
    // A partner officer sees only findings about projects shared with the partner.
    const visible = await visibleProjectIds(db, scope)
    const results: RuleResult[] = []
    for (const rule of rules) {
      const { enabled, threshold } = configured(rule, settings)
      let findings = enabled
        ? await rule.evaluate({ db, organisationId: scope.organisationId, today, period, threshold })
        : []
      if (visible) findings = findings.filter((f) => f.projectId !== null && visible.has(f.projectId))
      results.push({ rule, enabled, threshold, findings })
    }
    const programmes = await db
      .selectFrom('programmes')
      .select(['id', 'reference', 'name'])
      .where('organisation_id', '=', scope.organisationId)
      .orderBy('reference')
      .execute()
    const byProgramme: HealthCheck['byProgramme'] = []
    for (const p of [...programmes, { id: null, reference: '', name: 'Not linked to a programme' }]) {
      const counts: Record<string, number> = {}
      let total = 0
      for (const r of results) {
        const n = r.findings.filter((f) => f.programmeId === p.id).length
        counts[r.rule.id] = n
        total += n
      }
      if (total > 0 || p.id !== null) byProgramme.push({ ...p, counts, total })
    }
    return {
      today,
      results,
      total: results.reduce((n, r) => n + r.findings.length, 0),
      byProgramme: byProgramme.filter((p) => p.id !== null || p.total > 0),
    }
  }

  return {
    rules,
    run,

    /**
     * One rule's findings across an organisation's whole portfolio, as the organisation configured the rule
     * (none when it is turned off): for an area that acts on its own rule's findings, such as the resourcing
     * early warning, so the rule and its setting have one home.
     */
    async findingsOf(organisationId: number, ruleId: string, now: Date = new Date()): Promise<Finding[]> {
      const rule = rules.find((r) => r.id === ruleId)
      if (!rule) throw new Error(`No health rule ${ruleId}`)
      const { enabled, threshold } = configured(rule, await settingsOf(organisationId))
      if (!enabled) return []
      return rule.evaluate({
        db,
        organisationId,
        today: todayInLondon(now),
        period: currentPeriod(now),
        threshold,
      })
    },

    /** The dashboard's headline: how many findings, under how many rules. */
    async headline(scope: Scope): Promise<HealthHeadline> {
      const check = await run(scope)
      return {
        total: check.total,
        failingRules: check.results.filter((r) => r.findings.length > 0).length,
        enabledRules: check.results.filter((r) => r.enabled).length,
        top: check.results
          .filter((r) => r.findings.length > 0)
          .sort((a, b) => b.findings.length - a.findings.length)
          .slice(0, 3)
          .map((r) => ({ id: r.rule.id, title: r.rule.title, count: r.findings.length })),
      }
    },

    /** Turns a rule on or off and sets its threshold, for the actor's organisation. */
    async configure(actor: Actor, ruleId: string, input: { enabled: boolean; threshold: number | null }) {
      const rule = rules.find((r) => r.id === ruleId)
      if (!rule) throw notFound('Rule')
      const t = rule.threshold
      if (t && input.threshold !== null && (input.threshold < t.min || input.threshold > t.max))
        throw new ValidationError({
          [`threshold-${rule.id}`]: `${t.label} must be a whole number from ${t.min} to ${t.max}`,
        })
      const at = new Date().toISOString()
      const values = { enabled: input.enabled ? 1 : 0, threshold: t ? input.threshold : null, updated_at: at }
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('health_rule_settings')
          .values({ organisation_id: actor.organisationId, rule_id: rule.id, ...values })
          .onConflict((oc) => oc.columns(['organisation_id', 'rule_id']).doUpdateSet(values))
          .execute()
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'configure',
          entityType: 'health_rule',
          entityId: rule.id,
          after: values,
        })
      })
    },

    /** The scheduled snapshot: counts per rule for every organisation, kept to show the trend. */
    async snapshot(now: Date = new Date()): Promise<number> {
      const orgs = await db.selectFrom('organisations').select('id').execute()
      for (const o of orgs) {
        const check = await run(wholeOrganisation(o.id), { now })
        const counts = Object.fromEntries(check.results.map((r) => [r.rule.id, r.findings.length]))
        await db
          .insertInto('health_snapshots')
          .values({ organisation_id: o.id, taken_at: now.toISOString(), counts_json: JSON.stringify(counts) })
          .execute()
      }
      return orgs.length
    },
  }
}

export type GovernanceService = ReturnType<typeof createGovernanceService>
