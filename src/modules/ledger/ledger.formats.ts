/**
 * How ledger files write dates, money and column headings, read strictly: a value we cannot read with
 * certainty is reported with a plain reason, never guessed (a guessed payment is worse than a missing one,
 * because nobody goes looking for it).
 */
import { daysInMonth } from '../../domain/dates.ts'
import { moneyProblemMessage, readMoney, type Pence } from '../../domain/money.ts'

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string }

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value })
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason })

export const DATE_FORMATS = [
  { value: 'auto', label: 'Work it out (dd/mm/yyyy, dd.mm.yyyy, dd-mm-yyyy, yyyy-mm-dd or 01-JUN-2025)' },
  { value: 'dmy', label: 'Day, month, year (25/06/2025, 25.06.2025, 25-06-2025)' },
  { value: 'ymd', label: 'Year, month, day (2025-06-25)' },
] as const
export type DateFormat = (typeof DATE_FORMATS)[number]['value']

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

function isoOf(year: number, month: number, day: number): Parsed<string> {
  if (month < 1 || month > 12) return fail(`there is no month ${month}`)
  if (day < 1 || day > daysInMonth(year, month)) return fail(`there is no day ${day} in that month`)
  if (year < 1900 || year > 2199) return fail(`the year ${year} is out of range`)
  return ok(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`)
}

const digit = (s: string, i: number) => {
  const c = s.charCodeAt(i) - 48
  return c >= 0 && c <= 9 ? c : -1
}

/**
 * [day, month, year] of exactly "dd/mm/yyyy", the way nearly every row of a UK file writes its date, read
 * without a regular expression (a quarter of a million times a file, twice); null for anything else,
 * which then goes the long way round.
 */
function plainDayFirst(s: string): [number, number, number] | null {
  if (s.length !== 10 || s.charCodeAt(2) !== 47 || s.charCodeAt(5) !== 47) return null
  const d1 = digit(s, 0)
  const d2 = digit(s, 1)
  const m1 = digit(s, 3)
  const m2 = digit(s, 4)
  const y1 = digit(s, 6)
  const y2 = digit(s, 7)
  const y3 = digit(s, 8)
  const y4 = digit(s, 9)
  if ((d1 | d2 | m1 | m2 | y1 | y2 | y3 | y4) < 0) return null
  return [d1 * 10 + d2, m1 * 10 + m2, y1 * 1000 + y2 * 100 + y3 * 10 + y4]
}

/**
 * A payment date as finance systems export it. UK files are day-first; a two-digit year is refused rather
 * than assumed to be this century.
 */
export function parseLedgerDate(raw: string, format: DateFormat = 'auto'): Parsed<string> {
  const text = raw.trim()
  const fast = format === 'ymd' ? null : plainDayFirst(text)
  if (fast !== null) {
    const r = isoOf(fast[2], fast[1], fast[0])
    return r.ok ? r : fail(`“${text}” is not a real date: ${r.reason}`)
  }
  const quoted = `“${text}”`
  if (text === '') return fail('There is no date')
  // A timestamp exported with the date ("2025-06-25 00:00:00", "25/06/2025 00:00") keeps its date.
  const s = text.replace(/[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?Z?$/, '')
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s)
  if (m && format !== 'dmy') {
    const r = isoOf(Number(m[1]), Number(m[2]), Number(m[3]))
    return r.ok ? r : fail(`${quoted} is not a real date: ${r.reason}`)
  }
  m = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{2,4})$/.exec(s)
  if (m && format !== 'ymd') {
    if (m[4]!.length !== 4) return fail(`${quoted} has a two-digit year: the file must give the year in full`)
    const r = isoOf(Number(m[4]), Number(m[3]), Number(m[1]))
    return r.ok ? r : fail(`${quoted} is not a real date: ${r.reason}`)
  }
  m = /^(\d{1,2})[- ]([A-Za-z]{3})[A-Za-z]*[- ](\d{4})$/.exec(s)
  if (m && format !== 'ymd') {
    const month = MONTHS.indexOf(m[2]!.toLowerCase()) + 1
    if (month === 0) return fail(`${quoted} has a month we do not recognise`)
    const r = isoOf(Number(m[3]), month, Number(m[1]))
    return r.ok ? r : fail(`${quoted} is not a real date: ${r.reason}`)
  }
  if (/^\d{1,2}\/\d{1,2}\/\d{4}[\d.,]+$/.test(s)) {
    return fail(`The date and the amount have run together (${quoted}), so the row is a column short`)
  }
  const expected =
    format === 'ymd' ? 'yyyy-mm-dd' : format === 'dmy' ? 'dd/mm/yyyy' : 'dd/mm/yyyy, dd.mm.yyyy or yyyy-mm-dd'
  return fail(`${quoted} is not a date in the form ${expected}`)
}

/**
 * An amount as ledgers print it: "£1,234.56", "1234.5", "-12.50", "(12.50)", "12.50-", "12.50 CR". Credits
 * (refunds, reversals) come back negative. Parsed from the decimal text, never through a float, so no
 * payment gains or loses a penny on the way in.
 */
export function parseLedgerAmount(raw: string): Parsed<Pence> {
  const text = raw.trim()
  const fast = plainAmount(text)
  if (fast !== null) return ok(fast)
  if (text === '') return fail('There is no amount')
  let s = text.replace(/[\s\u00a0\u202f']/g, '').replace(/^GBP/i, '')
  let credit = false
  const cr = /^(.*?)(CR|DR)$/i.exec(s)
  if (cr) {
    credit = cr[2]!.toUpperCase() === 'CR'
    s = cr[1]!
  }
  if (/^[^-]*\d-$/.test(s)) {
    credit = !credit
    s = s.slice(0, -1)
  }
  const pence = readMoney(s)
  if (pence === 'too-large' || pence === 'too-small') {
    const over = (pence === 'too-large') !== credit
    return fail(moneyProblemMessage(over ? 'too-large' : 'too-small', `“${text}”`))
  }
  if (typeof pence !== 'number') {
    if (/^[-(£]*[\d,]*\.\d{3,}\)?$/.test(s)) return fail(`“${text}” has more than two decimal places`)
    return fail(`“${text}” is not an amount of money`)
  }
  return ok(credit ? -pence : pence)
}

/**
 * Pence of "1234.56", "-1234.5", "(1234.56)" or "1234", read digit by digit: the forms nearly every row
 * of a ledger writes its amount in. Null for anything else (commas, pound signs, CR, more decimals),
 * which parseLedgerAmount then reads the long way; for what it accepts it gives what readMoney gives.
 */
function plainAmount(t: string): number | null {
  const n = t.length
  if (n === 0 || n > 18) return null
  let i = 0
  let end = n
  let negative = false
  const first = t.charCodeAt(0)
  if (first === 40) {
    // "(12.50)": a credit in brackets.
    if (t.charCodeAt(n - 1) !== 41) return null
    i = 1
    end = n - 1
    negative = true
  } else if (first === 45) {
    i = 1
    negative = true
  }
  let whole = 0
  const start = i
  for (let c = digit(t, i); i < end && c >= 0; c = digit(t, ++i)) whole = whole * 10 + c
  // Eleven digits of pounds at most: £99,999,999,999.99 is the bound (MAX_PENCE); longer goes the long way,
  // to be refused with its reason.
  if (i === start || i - start > 11) return null
  let pence = whole * 100
  if (i < end) {
    if (t.charCodeAt(i) !== 46 || end - i - 1 < 1 || end - i - 1 > 2) return null
    const f1 = digit(t, i + 1)
    const f2 = end - i - 1 === 2 ? digit(t, i + 2) : 0
    if (f1 < 0 || f2 < 0) return null
    pence += f1 * 10 + f2
  }
  return negative && pence > 0 ? -pence : pence
}

// ---- Column headings -------------------------------------------------------------------------------------

export const LEDGER_FIELDS = [
  { key: 'date', label: 'Payment date', required: true },
  { key: 'amount', label: 'Amount', required: true },
  { key: 'reference', label: 'Transaction number', required: false },
  { key: 'supplier', label: 'Supplier (beneficiary)', required: false },
  { key: 'description', label: 'Description (purpose)', required: false },
  { key: 'costCentre', label: 'Cost centre (profit centre)', required: false },
  { key: 'accountCode', label: 'Account code', required: false },
  { key: 'expenseType', label: 'Expense type', required: false },
  { key: 'serviceArea', label: 'Service area (department)', required: false },
] as const
export type LedgerField = (typeof LEDGER_FIELDS)[number]['key']

/** Field → column heading, as a saved mapping stores it. */
export type ColumnMap = Partial<Record<LedgerField, string>>

/** "Invoice Nett Amount" and "invoice_nett_amount" are the same heading. */
export function normaliseHeading(h: string): string {
  return h
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/[^a-z0-9£]/g, '')
}

/**
 * Headings we recognise without a saved mapping, best first: the LGA spend schema's own names, then the
 * names councils used before it (Lambeth's 2012 export, for one). A heading such as "start_date" is
 * deliberately absent: a project list is not a ledger.
 */
const SYNONYMS: Record<LedgerField, string[]> = {
  date: [
    'paymentdate',
    'transactiondate',
    'dateofpayment',
    'invoicecreationdate',
    'invoicedate',
    'postingdate',
    'date',
    'datepaid',
  ],
  amount: [
    'amount',
    'netamount',
    'invoicenettamount',
    'invoicenetamount',
    'nettamount',
    'amountexcludingvat',
    'amountexvat',
    'amount£',
    'value',
    'totalamount',
    'paymentamount',
    'amountgbp',
  ],
  reference: [
    'transactionnumber',
    'transactionno',
    'transactionref',
    'transactionreference',
    'transactionid',
    'paymentreference',
    'paymentnumber',
  ],
  supplier: ['beneficiaryname', 'suppliername', 'supplier', 'payee', 'vendorname', 'vendor', 'beneficiary'],
  description: ['purpose', 'description', 'subjdescription', 'expensedescription', 'details', 'narrative'],
  costCentre: ['profitcentre', 'costcentre', 'costcentrecode', 'profitcentrecode', 'costcentrename'],
  accountCode: ['accountcode', 'account', 'subjectivecode', 'nominalcode', 'ledgercode', 'glcode'],
  expenseType: ['proclasslabel', 'expensetype', 'expensecategory', 'expensesarea', 'category'],
  serviceArea: [
    'organisationalunit',
    'department',
    'servicearea',
    'directorate',
    'service',
    'serviceareacategorisation',
  ],
}

/** The LGA schema's defining headings: a file with all of them is LGA spend data. */
const LGA_HEADINGS = ['organisationlabel', 'paymentdate', 'transactionnumber', 'amount', 'beneficiaryname']

export interface HeadingMatch {
  /** Field → column index. */
  columns: Partial<Record<LedgerField, number>>
  layout: string
}

/** Recognises a heading row by its names; null unless it has at least a date and an amount column. */
export function recogniseHeadings(cells: readonly string[]): HeadingMatch | null {
  const norm = cells.map(normaliseHeading)
  const columns: Partial<Record<LedgerField, number>> = {}
  const used = new Set<number>()
  for (const field of Object.keys(SYNONYMS) as LedgerField[]) {
    for (const name of SYNONYMS[field]) {
      const i = norm.findIndex((h, idx) => h === name && !used.has(idx))
      if (i >= 0) {
        columns[field] = i
        used.add(i)
        break
      }
    }
  }
  if (columns.date === undefined || columns.amount === undefined) return null
  const lga = LGA_HEADINGS.every((h) => norm.includes(h))
  return { columns, layout: lga ? 'LGA spend schema' : 'Recognised column headings' }
}

/** Finds a saved mapping's headings in a row; null unless every mapped heading is there. */
export function matchMapping(cells: readonly string[], map: ColumnMap): HeadingMatch | null {
  const norm = cells.map(normaliseHeading)
  const columns: Partial<Record<LedgerField, number>> = {}
  for (const [field, heading] of Object.entries(map) as Array<[LedgerField, string | undefined]>) {
    if (!heading) continue
    const i = norm.indexOf(normaliseHeading(heading))
    if (i < 0) return null
    columns[field] = i
  }
  if (columns.date === undefined || columns.amount === undefined) return null
  return { columns, layout: 'Saved mapping' }
}
