import type { FastifyReply } from 'fastify'
import type { CsvCell } from '../../web/csv.ts'
import { neutraliseFormula, toCsv } from '../../web/csv.ts'
import { penceToDecimal } from '../../domain/money.ts'
import type { PersonRow } from './people.repository.ts'
import type { PostSummary } from './posts.service.ts'
import { labelOf, PERSON_KINDS, POST_STATUSES } from './resourcing.rules.ts'
import { employerOf, shownCost, shownEmail, shownGrade, type ResourcingAccess } from './resourcing.view.ts'

/**
 * The people register and the establishment as tables for CSV and Excel. The columns a reader may not see
 * (email addresses, grades of named people, costs) are left out, not blanked: the export says no more than
 * the page. Text cells are neutralised against formulas (src/web/csv.ts).
 */
export interface Table {
  name: string
  header: string[]
  rows: CsvCell[][]
  /** Columns (0-based) holding pounds, formatted as money in Excel. */
  money: number[]
}

export function peopleTable(rows: PersonRow[], access: ResourcingAccess, organisationName: string): Table {
  return {
    name: 'People',
    header: [
      'Name',
      'Kind',
      'Employed by',
      'Job title',
      'Team',
      ...(access.personal ? ['Email address'] : []),
    ],
    rows: rows.map((p) => [
      p.name,
      labelOf(PERSON_KINDS, p.kind),
      employerOf(p, organisationName),
      p.job_title,
      p.team,
      ...(access.personal ? [shownEmail(p, access)] : []),
    ]),
    money: [],
  }
}

export function postsTable(posts: PostSummary[], access: ResourcingAccess): Table {
  const costCol = 9
  return {
    name: 'Posts',
    header: [
      'Post',
      'Team',
      'Grade',
      'FTE',
      'Status',
      'Held by',
      'Vacant since',
      'Months vacant',
      'Funded by',
      ...(access.costs ? ['Annual cost (£)'] : []),
      'Approved',
      'Advertised',
      'Appointed',
      'Start date',
    ],
    rows: posts.map((s) => {
      const cost = shownCost(s, access)
      return [
        s.post.title,
        s.post.team,
        shownGrade(s, access) ?? '',
        s.post.fte_hundredths / 100,
        labelOf(POST_STATUSES, s.post.status),
        s.currentHolders.join('; '),
        s.vacancy?.since ?? '',
        s.vacancy?.months ?? '',
        s.post.budget_line_label ??
          s.post.funding_stream_name ??
          (s.post.funded === 1 ? 'Funded' : 'Not funded'),
        ...(access.costs ? [cost === null ? '' : penceToDecimal(cost)] : []),
        s.post.approved_on,
        s.post.advertised_on,
        s.post.appointed_on,
        s.post.starts_on,
      ]
    }),
    money: access.costs ? [costCol] : [],
  }
}

export const tableCsv = (t: Table): string => toCsv(t.header, t.rows)

export async function tableXlsx(t: Table): Promise<Buffer> {
  // Loaded on first export: exceljs is large, and most processes never need it.
  const { default: ExcelJS } = await import('exceljs')
  const wb = new ExcelJS.Workbook()
  wb.creator = 'Oversight'
  const sheet = wb.addWorksheet(t.name)
  sheet.addRow(t.header).font = { bold: true }
  for (const row of t.rows)
    sheet.addRow(
      row.map((c, i) =>
        t.money.includes(i) && typeof c === 'string' && c !== ''
          ? Number(c)
          : typeof c === 'string'
            ? neutraliseFormula(c)
            : (c ?? ''),
      ),
    )
  for (const i of t.money) sheet.getColumn(i + 1).numFmt = '"£"#,##0.00'
  sheet.columns.forEach((col) => (col.width = 20))
  return Buffer.from(await wb.xlsx.writeBuffer())
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** Sends a table as a CSV or Excel download: every resourcing export (people, posts, capacity) goes this way. */
export function download(reply: FastifyReply, table: Table, file: string, format: 'csv' | 'xlsx') {
  reply.header('content-disposition', `attachment; filename="${file}.${format}"`)
  if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(tableCsv(table))
  return tableXlsx(table).then((b) => reply.type(XLSX).send(b))
}
