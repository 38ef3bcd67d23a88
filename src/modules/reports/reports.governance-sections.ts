import { formatDate } from '../../domain/dates.ts'
import { formatMoney, formatPounds } from '../../domain/money.ts'
import { h3, para, table, type Block } from '../../documents/document.model.ts'
import type { ProgrammeFinanceSummary } from '../finance/summary/programme-summary.service.ts'
import { fundingKindLabel } from '../finance/shared/finance.rules.ts'
import { categoryLabel, currentScore, scoreBand } from '../raid/raid.rules.ts'
import type { RiskRow } from '../raid/raid.service.ts'
import type { ExceptionRow } from '../tolerances/tolerances.repository.ts'
import { EXCEPTION_OUTCOMES, exceptionStatusLabel } from '../tolerances/tolerances.rules.ts'
import type { ReportData, ReportSectionBuilder } from './reports.assembler.ts'

/** Finance and governance facts a report is built from, read by the reports service with the rest. */
export interface GovernanceData {
  /** The programme's finance summary for the financial year the reporting period ends in. */
  finance: ProgrammeFinanceSummary | null
  /** Open risks on the programme's projects, highest current score first. */
  risks: RiskRow[]
  /** Tolerance exceptions open at the end of the period, or raised or decided within it. */
  exceptions: ExceptionRow[]
}

/** How many of the programme's top risks the panel sees besides those escalated to it. */
export const TOP_RISKS = 5

const money = (p: number | null) => (p === null ? 'No forecast' : formatMoney(p))
const pounds = (p: number | null) => (p === null ? 'No forecast' : formatPounds(p))

const hasFinance = (f: ProgrammeFinanceSummary | null): f is ProgrammeFinanceSummary =>
  f !== null &&
  (f.totals.budget !== 0 ||
    f.totals.actuals !== 0 ||
    f.totals.commitments !== 0 ||
    f.totals.forecast !== null ||
    f.partners.length > 0 ||
    f.claims.length > 0)

/** A budget, spending, a commitment or a forecast recorded for the year: £0 is a figure only if one is. */
const hasFigures = (f: ProgrammeFinanceSummary) =>
  f.totals.budget !== 0 || f.totals.actuals !== 0 || f.totals.commitments !== 0 || f.totals.forecast !== null

const noFigures = (f: ProgrammeFinanceSummary) =>
  `No budget, spending, commitments or forecast are recorded for ${f.financialYear}.`

function variancePhrase(v: number | null): string {
  if (v === null) return 'No outturn has been forecast yet.'
  if (v === 0) return 'The forecast outturn is on budget.'
  return `The forecast outturn is ${formatMoney(Math.abs(v))} ${v > 0 ? 'over' : 'under'} budget.`
}

/** The money in a paragraph and one table by project, as the panel reads it before Appendix A. */
export const financialSummary: ReportSectionBuilder = {
  key: 'finance',
  title: 'Financial summary',
  build(d) {
    const f = d.finance
    if (!hasFinance(f)) return []
    const t = f.totals
    if (!hasFigures(f)) return [para(noFigures(f)), ...claimsPara(f)]
    const blocks: Block[] = [
      para(
        `In ${f.financialYear} the programme's budget is ${formatMoney(t.budget)}. ` +
          `${formatMoney(t.actuals)} has been spent and ${formatMoney(t.commitments)} is committed. ` +
          variancePhrase(t.variance) +
          ' The full position is in Appendix A.',
      ),
      table(
        `Budget, actuals and forecast by project, ${f.financialYear}`,
        ['Project', 'Budget', 'Actual', 'Committed', 'Forecast', 'Variance'],
        [
          ...f.projects.map((p) => [
            `${p.reference} ${p.name}`,
            formatPounds(p.budget),
            formatPounds(p.actuals),
            formatPounds(p.commitments),
            pounds(p.forecast),
            pounds(p.variance),
          ]),
          [
            'Total',
            ...[t.budget, t.actuals, t.commitments].map(formatPounds),
            pounds(t.forecast),
            pounds(t.variance),
          ],
        ],
        [1, 2, 3, 4, 5],
      ),
    ]
    blocks.push(...claimsPara(f))
    return blocks
  },
}

function claimsPara(f: ProgrammeFinanceSummary): Block[] {
  if (f.claims.length === 0) return []
  return [
    para(
      `Claims against funding streams: ${formatMoney(f.claimsTotals.claimed)} claimed, ` +
        `${formatMoney(f.claimsTotals.received)} received and ${formatMoney(f.claimsTotals.outstanding)} outstanding.`,
    ),
  ]
}

/** Appendix A as the finance page shows it: by project and cost type, partner costs, funding streams, claims. */
export const appendixA: ReportSectionBuilder = {
  key: 'appendix-a',
  title: 'Appendix A: financial position',
  build(d) {
    const f = d.finance
    if (!hasFinance(f)) return []
    const blocks: Block[] = []
    if (hasFigures(f)) blocks.push(...byProjectAndCostType(f))
    else blocks.push(para(noFigures(f)))
    blocks.push(...partnersAndClaims(f))
    return blocks
  },
}

function byProjectAndCostType(f: ProgrammeFinanceSummary): Block[] {
  // Only the cost types the programme uses, so the table fits a printed page.
  const types = f.costTypes.filter((c) => (f.totals.byCostType[c.value] ?? 0) !== 0)
  return [
    h3('By project and cost type'),
    table(
      `Budget by project and cost type, with actuals and forecast, ${f.financialYear}`,
      ['Project', ...types.map((c) => c.text), 'Budget', 'Actual', 'Forecast', 'Variance'],
      [
        ...f.projects.map((p) => [
          `${p.reference} ${p.name}`,
          ...types.map((c) => formatPounds(p.byCostType[c.value] ?? 0)),
          formatPounds(p.budget),
          formatPounds(p.actuals),
          pounds(p.forecast),
          pounds(p.variance),
        ]),
        [
          'Total',
          ...types.map((c) => formatPounds(f.totals.byCostType[c.value] ?? 0)),
          formatPounds(f.totals.budget),
          formatPounds(f.totals.actuals),
          pounds(f.totals.forecast),
          pounds(f.totals.variance),
        ],
      ],
      types.map((_, i) => i + 1).concat([1, 2, 3, 4].map((i) => i + types.length)),
    ),
  ]
}

function partnersAndClaims(f: ProgrammeFinanceSummary): Block[] {
  const blocks: Block[] = []
  if (f.partners.length > 0) {
    blocks.push(h3('Partner base and non-base costs'))
    for (const p of f.partners) {
      const reconciled =
        p.difference === 0
          ? 'The ledger matches the recharges.'
          : `The ledger shows ${formatMoney(Math.abs(p.difference))} ${p.difference > 0 ? 'more' : 'less'} than the recharges.`
      blocks.push(
        para(
          `${p.name}: base contract ${p.baseContract || 'not described'}. ` +
            `Non-base costs recharged ${formatMoney(p.nonBaseTotal)}; base contract costs recharged ${formatMoney(p.baseTotal)}; ` +
            `paid per the ledger ${formatMoney(p.ledgerActual)}. ${reconciled}`,
        ),
        table(
          `Recharges from ${p.name}`,
          ['Project', 'What', 'Basis', 'Amount'],
          p.recharges.map((r) => [
            r.projectReference,
            r.description,
            r.costBasis === 'base' ? 'Base contract' : 'Non-base',
            formatMoney(r.amount),
          ]),
          [3],
        ),
      )
    }
  }
  if (f.fundingStreams.length > 0)
    blocks.push(
      h3('Funding streams'),
      table(
        `Funding stream totals, ${f.financialYear}`,
        ['Funding stream', 'Base costs eligible', 'Budget', 'Eligible', 'Claimed', 'Received'],
        f.fundingStreams.map((s) => [
          `${s.name} (${fundingKindLabel(s.kind)})`,
          s.baseCostsEligible ? 'Yes' : 'No',
          // A year with no budget recorded has no budget to show, not a budget of £0.
          hasFigures(f) ? money(s.budget) : 'None recorded',
          ...[s.eligible, s.claimed, s.received].map(money),
        ]),
        [2, 3, 4, 5],
      ),
    )
  if (f.claims.length > 0)
    blocks.push(
      h3('Claims position'),
      table(
        'Claims against funding streams',
        ['Claim', 'Status', 'Submitted', 'Eligible', 'Claimed', 'Received'],
        f.claims.map((c) => [
          `${c.title} (${c.streamName})`,
          c.statusLabel,
          c.submittedOn ? formatDate(c.submittedOn) : 'Not yet',
          ...[c.eligible, c.claimed, c.received].map(money),
        ]),
        [3, 4, 5],
      ),
    )
  return blocks
}

/** Escalated risks and the programme's top risks by current (residual) score, then tolerance exceptions. */
export const risksAndExceptions: ReportSectionBuilder = {
  key: 'risks',
  title: 'Risks and exceptions',
  build(d: ReportData) {
    const blocks: Block[] = []
    const open = d.risks.filter((r) => r.status === 'open')
    const ranked = [...open].sort((x, y) => currentScore(y) - currentScore(x) || x.id - y.id)
    const shown = ranked.filter((r, i) => r.escalated === 1 || i < TOP_RISKS)
    if (shown.length > 0) {
      const escalated = open.filter((r) => r.escalated === 1).length
      blocks.push(
        para(
          `The programme's projects have ${open.length} open ${open.length === 1 ? 'risk' : 'risks'}, ` +
            `of which ${escalated} ${escalated === 1 ? 'is' : 'are'} escalated to the programme. ` +
            'The table shows the escalated risks and the highest by current score (residual where mitigation is assessed).',
        ),
        table(
          `Escalated and top risks at ${formatDate(d.asOf)}`,
          ['Project', 'Risk', 'Category', 'Score', 'Owner', 'Escalated'],
          shown.map((r) => [
            r.project_reference,
            r.title,
            categoryLabel(r.category),
            `${currentScore(r)} (${scoreBand(currentScore(r)).text})`,
            r.owner || 'No owner',
            r.escalated === 1 ? 'Yes' : 'No',
          ]),
          [3],
        ),
      )
    }
    if (d.exceptions.length > 0)
      blocks.push(
        table(
          'Tolerance exceptions',
          ['Project', 'Exception', 'Raised', 'Status', 'Outcome'],
          d.exceptions.map((e) => [
            e.project_reference,
            e.summary,
            formatDate(e.raised_at.slice(0, 10)),
            exceptionStatusLabel(e.status),
            e.decided_at && e.decided_at.slice(0, 10) <= d.asOf
              ? `${EXCEPTION_OUTCOMES.find((o) => o.value === e.outcome)?.text ?? 'Decided'} (${formatDate(e.decided_at.slice(0, 10))})`
              : 'Not yet decided',
          ]),
        ),
      )
    return blocks
  },
}
