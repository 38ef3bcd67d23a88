import type { Kysely } from 'kysely'
import { isRole, ROLE_LABELS } from '../../auth/roles.ts'
import type { DB } from '../../db/schema.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { formatPeriodKey } from '../../domain/reporting-periods.ts'
import { publicForwardPlan } from '../forward-plan/index.ts'
import { ENTRY_STATUSES } from '../forward-plan/forward-plan.rules.ts'
import {
  decimalInUnit,
  formatValue,
  labelOf,
  STATUS_LABELS,
  UNITS,
} from '../outcomes/indicators/indicators.rules.ts'
import { seriesOf } from '../outcomes/indicators/indicators.series.ts'
import type { createPublicSiteRepository } from './public-site.repository.ts'
import type { PublicSite } from './public-site.service.ts'

type Repo = ReturnType<typeof createPublicSiteRepository>

/** How many of an indicator's latest periods the public page and dataset show. */
export const PUBLIC_PERIODS = 12

/**
 * Who takes a key decision, as the public forward plan names them: a board by its name, the Portfolio Holder
 * (a councillor, whose decisions are public acts) by name and office, and an officer by role only — the
 * public site names no officer (issue 12: no personal data).
 */
export function publicDecisionMaker(e: {
  board_id: number | null
  decision_maker: string
  decision_maker_role: string | null
}) {
  if (e.board_id !== null) return e.decision_maker
  if (e.decision_maker_role === 'portfolio_holder')
    return /portfolio holder/i.test(e.decision_maker)
      ? e.decision_maker
      : `${e.decision_maker}, Portfolio Holder`
  if (e.decision_maker_role !== null && isRole(e.decision_maker_role))
    return `An officer (${ROLE_LABELS[e.decision_maker_role]})`
  return 'An officer of the council'
}

/** The forward plan of key decisions as published: not exempt, not withdrawn, not withheld. */
export async function publicPlan(db: Kysely<DB>, site: PublicSite) {
  return (await publicForwardPlan(db, site.organisation.id))
    .filter(
      (e) =>
        !site.isWithheld('forward_plan_entry', e.id) &&
        (e.programme_id === null || !site.isWithheld('programme', e.programme_id)) &&
        (e.project_id === null || !site.isWithheld('project', e.project_id)),
    )
    .map((e) => ({
      id: e.id,
      title: e.title,
      description: e.description,
      decisionMaker: publicDecisionMaker(e),
      expectedOn: e.expected_on,
      listedOn: e.listed_on,
      status: labelOf(ENTRY_STATUSES, e.status),
    }))
}

/**
 * Indicators in use with their latest periods: value, target and whether it was met. An indicator measuring
 * a withheld programme or project is withheld with it; who entered a value is never shown.
 */
export async function publicIndicators(repo: Repo, site: PublicSite) {
  const id = site.organisation.id
  const { indicators, links } = await repo.indicators(id)
  const shown = indicators.filter(
    (i) =>
      !site.isWithheld('indicator', i.id) &&
      !links.some(
        (l) =>
          l.indicator_id === i.id &&
          ((l.programme_id !== null && site.isWithheld('programme', l.programme_id)) ||
            (l.project_id !== null && site.isWithheld('project', l.project_id))),
      ),
  )
  const rows = await repo.indicatorSeriesRows(
    id,
    shown.map((i) => i.id),
  )
  const today = todayInLondon()
  return shown.map((i) => {
    const series = seriesOf(
      i,
      {
        values: rows.values
          .filter((v) => v.indicator_id === i.id)
          .map((v) => ({ ...v, entered_by_name: '', entered_at: '', version: 0 })),
        targets: rows.targets.filter((t) => t.indicator_id === i.id).map((t) => ({ ...t, version: 0 })),
      },
      today,
    )
    return {
      id: i.id,
      name: i.name,
      description: i.description,
      unit: labelOf(UNITS, i.unit),
      betterWhen: i.polarity === 'lower' ? 'Lower is better' : 'Higher is better',
      periods: series.slice(-PUBLIC_PERIODS).map((p) => ({
        key: p.period,
        label: formatPeriodKey(p.period),
        value: formatValue(i.unit, i.scale, p.value),
        target: formatValue(i.unit, i.scale, p.target),
        valueDecimal: p.value === null ? null : decimalInUnit(i.unit, i.scale, p.value),
        targetDecimal: p.target === null ? null : decimalInUnit(i.unit, i.scale, p.target),
        status: p.status === null ? 'Not due yet' : STATUS_LABELS[p.status].text,
        note: p.note,
      })),
    }
  })
}
