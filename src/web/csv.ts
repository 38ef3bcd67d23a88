/**
 * CSV for exports. Every cell a spreadsheet could take for a formula is neutralised (OWASP "CSV
 * injection"): a cell starting =, +, -, @, tab or carriage return gets a leading apostrophe, so Excel
 * and LibreOffice show it as text instead of running it. Exports are opened by finance officers on
 * council desktops; a supplier name like "=HYPERLINK(...)" must never become a live link.
 */

const FORMULA_START = /^[=+\-@\t\r]/

/** A plain decimal such as "-123.45": a spreadsheet reads it as a number, never as a formula. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/

export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value
}

export type CsvCell = string | number | null | undefined

/** One cell, neutralised then quoted when it holds a delimiter, quote or line break (RFC 4180). */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return ''
  // Numbers are written as numbers: a negative amount is data, not a formula.
  const text = typeof value === 'number' ? String(value) : neutraliseFormula(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvRow(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`
}

/** A whole document; a UTF-8 byte order mark first so Excel opens "£" and accents correctly. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  let out = `\uFEFF${csvRow(header)}`
  for (const row of rows) out += csvRow(row)
  return out
}
