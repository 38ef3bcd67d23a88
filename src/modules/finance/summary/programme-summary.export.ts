import { neutraliseFormula } from '../../../web/csv.ts'
import { formatPeriod } from '../../../domain/periods.ts'
import type { ProgrammeFinanceSummary } from './programme-summary.service.ts'

const MONEY = '"£"#,##0.00;[Red]-"£"#,##0.00'

/** Text cells are neutralised (a supplier called "=HYPERLINK(…)" stays text); money stays numeric pounds. */
const text = (v: string | null | undefined) => neutraliseFormula(v ?? '')
const pounds = (p: number | null) => (p === null ? null : p / 100)

/**
 * The programme finance summary as a workbook for the panel's papers: one sheet per part of Appendix A,
 * amounts as numbers in pounds with a currency format, so finance officers can total and check them.
 */
export async function programmeSummaryXlsx(s: ProgrammeFinanceSummary): Promise<Buffer> {
  // Loaded on first export: exceljs is large, and most processes (the server at rest, the CLI) never need it.
  const { default: ExcelJS } = await import('exceljs')
  const wb = new ExcelJS.Workbook()
  wb.creator = 'Oversight'
  wb.created = new Date()

  const byProject = wb.addWorksheet('By project')
  byProject.addRow([text(`${s.programme.reference} ${s.programme.name}: finance ${s.financialYear}`)]).font =
    {
      bold: true,
    }
  const head = [
    'Reference',
    'Project',
    ...s.costTypes.map((c) => c.text),
    'Budget',
    'Actual',
    'Commitments',
    'Forecast',
    'Variance',
  ]
  byProject.addRow(head).font = { bold: true }
  const moneyCols = head.length - 2
  for (const p of s.projects)
    byProject.addRow([
      text(p.reference),
      text(p.name),
      ...s.costTypes.map((c) => pounds(p.byCostType[c.value] ?? 0)),
      pounds(p.budget),
      pounds(p.actuals),
      pounds(p.commitments),
      pounds(p.forecast),
      pounds(p.variance),
    ])
  byProject.addRow([
    'Total',
    '',
    ...s.costTypes.map((c) => pounds(s.totals.byCostType[c.value] ?? 0)),
    pounds(s.totals.budget),
    pounds(s.totals.actuals),
    pounds(s.totals.commitments),
    pounds(s.totals.forecast),
    pounds(s.totals.variance),
  ]).font = { bold: true }
  for (let c = 3; c < 3 + moneyCols; c++) byProject.getColumn(c).numFmt = MONEY
  byProject.columns.forEach((col, i) => (col.width = i === 1 ? 40 : 16))

  const partners = wb.addWorksheet('Partner costs')
  partners.addRow(['Partner', 'Project', 'What', 'Month', 'Basis', 'Amount']).font = { bold: true }
  for (const p of s.partners) {
    for (const r of p.recharges)
      partners.addRow([
        text(p.name),
        text(`${r.projectReference} ${r.projectName}`),
        text(r.description),
        formatPeriod(r.period),
        r.costBasis === 'base' ? 'Base contract' : 'Non-base',
        pounds(r.amount),
      ])
    partners.addRow([text(p.name), '', 'Non-base costs', '', '', pounds(p.nonBaseTotal)]).font = {
      bold: true,
    }
    partners.addRow([text(p.name), '', 'Paid per the ledger', '', '', pounds(p.ledgerActual)])
    partners.addRow([text(p.name), '', 'Ledger less recharges', '', '', pounds(p.difference)])
  }
  partners.getColumn(6).numFmt = MONEY
  partners.columns.forEach((col) => (col.width = 24))

  const streams = wb.addWorksheet('Funding streams')
  streams.addRow([
    'Funding stream',
    'Base costs eligible',
    'Budget',
    'Eligible',
    'Claimed',
    'Received',
  ]).font = {
    bold: true,
  }
  for (const f of s.fundingStreams)
    streams.addRow([
      text(f.name),
      f.baseCostsEligible ? 'Yes' : 'No',
      pounds(f.budget),
      pounds(f.eligible),
      pounds(f.claimed),
      pounds(f.received),
    ])
  for (let c = 3; c <= 6; c++) streams.getColumn(c).numFmt = MONEY
  streams.columns.forEach((col, i) => (col.width = i === 0 ? 44 : 16))

  const claims = wb.addWorksheet('Claims')
  claims.addRow([
    'Claim',
    'Funding stream',
    'Project',
    'Status',
    'Submitted',
    'Received on',
    'Eligible',
    'Claimed',
    'Received',
    'Ineligible items',
  ]).font = { bold: true }
  for (const c of s.claims)
    claims.addRow([
      text(c.title),
      text(c.streamName),
      text(c.projectName ?? ''),
      c.statusLabel,
      c.submittedOn ?? '',
      c.receivedOn ?? '',
      pounds(c.eligible),
      pounds(c.claimed),
      pounds(c.received),
      text(c.ineligibleItems.map((i) => `${i.description}: ${i.reason}`).join('; ')),
    ])
  for (let col = 7; col <= 9; col++) claims.getColumn(col).numFmt = MONEY
  claims.columns.forEach((col) => (col.width = 22))

  return Buffer.from(await wb.xlsx.writeBuffer())
}
