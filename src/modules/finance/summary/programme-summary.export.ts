import { formatPeriod } from '../../../domain/periods.ts'
import { sheetOf, type Cell, type CellKind, type Sheet } from '../../../web/exports.ts'
import type { ProgrammeFinanceSummary } from './programme-summary.service.ts'

/** A sheet of rows of cells; a row whose first cell is in `boldFirst` (a total) is shown in bold. */
function cellSheet(
  name: string,
  head: readonly (readonly [string, CellKind?, number?])[],
  rows: Cell[][],
  opts: { preamble?: string[]; bold?: (row: Cell[]) => boolean } = {},
): Sheet<unknown> {
  return sheetOf<Cell[]>({
    name,
    columns: head.map(([header, kind, width], i) => ({
      header,
      kind,
      width,
      value: (row: Cell[]) => row[i],
    })),
    rows,
    ...opts,
  })
}

/**
 * The programme finance summary as a workbook for the panel's papers: one sheet per part of Appendix A,
 * amounts as numbers in pounds with a currency format, so finance officers can total and check them. Text
 * cells are neutralised and money stays numeric by the one export path (src/web/exports.ts).
 */
export function programmeSummarySheets(s: ProgrammeFinanceSummary): Sheet<unknown>[] {
  const money = (header: string, width = 16) => [header, 'money', width] as const
  const total: Cell[] = [
    'Total',
    '',
    ...s.costTypes.map((c) => s.totals.byCostType[c.value] ?? 0),
    s.totals.budget,
    s.totals.actuals,
    s.totals.commitments,
    s.totals.forecast,
    s.totals.variance,
  ]
  const byProject = cellSheet(
    'By project',
    [
      ['Reference', 'text', 16],
      ['Project', 'text', 40],
      ...s.costTypes.map((c) => money(c.text)),
      money('Budget'),
      money('Actual'),
      money('Commitments'),
      money('Forecast'),
      money('Variance'),
    ],
    [
      ...s.projects.map((p): Cell[] => [
        p.reference,
        p.name,
        ...s.costTypes.map((c) => p.byCostType[c.value] ?? 0),
        p.budget,
        p.actuals,
        p.commitments,
        p.forecast,
        p.variance,
      ]),
      total,
    ],
    {
      preamble: [`${s.programme.reference} ${s.programme.name}: finance ${s.financialYear}`],
      bold: (row) => row === total,
    },
  )

  const partnerRows: Cell[][] = []
  const partnerTotals = new Set<Cell[]>()
  for (const p of s.partners) {
    for (const r of p.recharges)
      partnerRows.push([
        p.name,
        `${r.projectReference} ${r.projectName}`,
        r.description,
        formatPeriod(r.period),
        r.costBasis === 'base' ? 'Base contract' : 'Non-base',
        r.amount,
      ])
    const total: Cell[] = [p.name, '', 'Non-base costs', '', '', p.nonBaseTotal]
    partnerTotals.add(total)
    partnerRows.push(
      total,
      [p.name, '', 'Paid per the ledger', '', '', p.ledgerActual],
      [p.name, '', 'Ledger less recharges', '', '', p.difference],
    )
  }
  const partners = cellSheet(
    'Partner costs',
    [
      ['Partner', 'text', 24],
      ['Project', 'text', 24],
      ['What', 'text', 24],
      ['Month'],
      ['Basis'],
      money('Amount', 24),
    ],
    partnerRows,
    { bold: (row) => partnerTotals.has(row) },
  )

  const streams = cellSheet(
    'Funding streams',
    [
      ['Funding stream', 'text', 44],
      ['Base costs eligible', 'text', 16],
      money('Budget'),
      money('Eligible'),
      money('Claimed'),
      money('Received'),
    ],
    s.fundingStreams.map((f) => [
      f.name,
      f.baseCostsEligible ? 'Yes' : 'No',
      f.budget,
      f.eligible,
      f.claimed,
      f.received,
    ]),
  )

  const claims = cellSheet(
    'Claims',
    [
      ['Claim', 'text', 22],
      ['Funding stream', 'text', 22],
      ['Project', 'text', 22],
      ['Status', 'text', 22],
      ['Submitted', 'date', 22],
      ['Received on', 'date', 22],
      money('Eligible', 22),
      money('Claimed', 22),
      money('Received', 22),
      ['Ineligible items', 'text', 22],
    ],
    s.claims.map((c) => [
      c.title,
      c.streamName,
      c.projectName ?? '',
      c.statusLabel,
      c.submittedOn ?? '',
      c.receivedOn ?? '',
      c.eligible,
      c.claimed,
      c.received,
      c.ineligibleItems.map((i) => `${i.description}: ${i.reason}`).join('; '),
    ]),
  )
  return [byProject, partners, streams, claims]
}
