/**
 * Money, always as integer pence.
 *
 * Floating-point pounds lose pennies (0.1 + 0.2); a budget book that does not add up is the first thing a
 * scrutiny panel notices. Every amount is bounded (MAX_PENCE), every sum of them is exact, and every split of
 * an amount (profiling a budget across periods, apportioning a recharge) hands out exactly the pennies it
 * was given. ADR 0004 records why.
 */

export type Pence = number

/**
 * The largest amount, either way, that Oversight accepts: 10^13 − 1 pence, £99,999,999,999.99 — just under
 * £100 billion, when the largest major projects' whole-life costs are around £40 billion. Every API body
 * (the `MoneyPence` schema in src/web/api-schemas.ts), form and import (readMoney) refuses more, so that any
 * total of fewer than 900 amounts stays a safe integer (2^53 ≈ 9.007 × 10^15) and adds up exactly.
 */
export const MAX_PENCE = 9_999_999_999_999
export const MIN_PENCE = -MAX_PENCE

/** The limit as people read it in an error message. */
export const MONEY_LIMIT_TEXT = '£100,000,000,000'

/** A whole number of pence within ±MAX_PENCE: what every amount written through Oversight is. */
export function isPence(v: unknown): v is Pence {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= MIN_PENCE && v <= MAX_PENCE
}

function requirePence(v: number, what = 'amount'): void {
  if (!Number.isSafeInteger(v)) throw new RangeError(`Not a whole number of pence (${what}): ${v}`)
}

/**
 * The total of amounts as the database holds them. Added as BigInt, so it is exact whenever the total is a
 * safe integer — always, for fewer than 900 amounts within the bound. A row written round the bound (straight
 * into the database, or before the bound existed) can take a total past 2^53: it is then the nearest number,
 * which formatMoney shows as "about …" and the API refuses to give as if exact (see hasInexactPence),
 * rather than a report failing for the whole organisation.
 */
export function sumPence(values: Iterable<Pence>): Pence {
  let total = 0n
  for (const v of values) {
    if (!Number.isFinite(v)) throw new RangeError(`Not an amount of pence: ${v}`)
    total += BigInt(Math.round(v))
  }
  return Number(total)
}

/** True when some amount in `value` (an object or array of them, as an API answers) is not exact pence. */
export function hasInexactPence(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isSafeInteger(value)
  if (Array.isArray(value)) return value.some(hasInexactPence)
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasInexactPence)
  return false
}

/**
 * Splits `total` in proportion to `weights` by the largest-remainder method: each share is the floor of
 * its exact proportion, and the pennies left over go to the largest fractions (earliest first on a tie),
 * so the shares always sum back to `total` — £100.00 three ways is £33.34, £33.33, £33.33.
 * Negative totals (credits) split the same way, mirrored.
 */
export function allocate(total: Pence, weights: readonly number[]): Pence[] {
  requirePence(total, 'total')
  if (weights.length === 0) throw new RangeError('Nothing to allocate to')
  if (weights.some((w) => !Number.isFinite(w) || w < 0)) throw new RangeError('Weights must be 0 or more')
  const weightSum = weights.reduce((s, w) => s + w, 0)
  if (weightSum <= 0) throw new RangeError('At least one weight must be more than 0')
  if (total < 0) return allocate(-total, weights).map((v) => (v === 0 ? 0 : -v))
  // BigInt keeps the proportions exact even for totals near the safe integer limit.
  // Whole-number weights are used as they are; fractional ones are scaled to parts per million.
  const ws = weights.every((w) => Number.isSafeInteger(w))
    ? weights.map((w) => BigInt(w))
    : weights.map((w) => BigInt(Math.round((w / weightSum) * 1_000_000)))
  if (!ws.some((w) => w > 0n)) throw new RangeError('At least one weight must be more than 0')
  const wSum = ws.reduce((s, w) => s + w, 0n)
  const t = BigInt(total)
  const shares = ws.map((w) => (t * w) / wSum)
  const remainders = ws.map((w, i) => ({ i, r: (t * w) % wSum }))
  let left = Number(t - shares.reduce((s, v) => s + v, 0n))
  remainders.sort((x, y) => (x.r === y.r ? x.i - y.i : x.r > y.r ? -1 : 1))
  for (const { i } of remainders) {
    if (left <= 0) break
    if (ws[i] === 0n) continue
    shares[i] = shares[i]! + 1n
    left--
  }
  return shares.map((s) => Number(s))
}

/** `total` in `n` near-equal shares, the odd pennies on the earliest. */
export function splitEvenly(total: Pence, n: number): Pence[] {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`Cannot split into ${n} parts`)
  return allocate(
    total,
    Array.from({ length: n }, () => 1),
  )
}

export type ProfileMethod = 'flat' | 'front_loaded' | 'manual'

/**
 * A budget line's profile across `n` periods. Flat: equal months. Front-loaded: weights falling
 * n, n−1 … 1, for work that buys its licences and mobilises early. Manual lines are entered by hand.
 */
export function profileAmounts(total: Pence, n: number, method: Exclude<ProfileMethod, 'manual'>): Pence[] {
  if (method === 'flat') return splitEvenly(total, n)
  return allocate(
    total,
    Array.from({ length: n }, (_, i) => n - i),
  )
}

const GROUPED = new Intl.NumberFormat('en-GB', { useGrouping: true })

function pounds(abs: bigint): string {
  return GROUPED.format(abs / 100n)
}

/**
 * The pence a page shows for what the database holds, never an error: a page that cannot show one amount
 * must still show the rest, and the row to correct. Past 2^53 a number is no longer exact pence (the
 * driver has already rounded it), so it is shown with "about"; a value that is no number at all, as "—".
 */
function shown(p: number): { abs: bigint; sign: string; about: string } | null {
  if (!Number.isFinite(p)) return null
  return {
    abs: BigInt(Math.abs(Math.round(p))),
    sign: p < 0 ? '-' : '',
    about: Number.isSafeInteger(p) ? '' : 'about ',
  }
}

/** "£1,234.56", and "-£1,234.56" for a credit or an underspend. */
export function formatMoney(p: Pence | null | undefined): string {
  if (p === null || p === undefined) return ''
  const s = shown(p)
  if (!s) return '—'
  const pennies = String(s.abs % 100n).padStart(2, '0')
  return `${s.about}${s.sign}£${pounds(s.abs)}.${pennies}`
}

/** Whole pounds, rounded half away from zero, for summary tables: "£1,235". */
export function formatPounds(p: Pence | null | undefined): string {
  if (p === null || p === undefined) return ''
  const s = shown(p)
  if (!s) return '—'
  const whole = (s.abs + 50n) / 100n
  return `${s.about}${whole > 0n ? s.sign : ''}£${GROUPED.format(whole)}`
}

/** Pence as the decimal pounds a spreadsheet or JSON consumer expects: 123456 → "1234.56". */
export function penceToDecimal(p: Pence): string {
  const s = shown(p)
  if (!s) return ''
  return `${s.sign}${s.abs / 100n}.${String(s.abs % 100n).padStart(2, '0')}`
}

/** Why text is not an amount Oversight accepts. */
export type MoneyProblem = 'not-money' | 'too-large' | 'too-small'

/**
 * The one reader of amounts typed on a form or printed in a ledger: "£1,234.56", "1234", "-12.50",
 * "(12.50)" for a credit. More than two decimal places, stray text or badly placed thousands separators are
 * 'not-money' rather than a guess; beyond ±MAX_PENCE, 'too-large' or 'too-small'. Empty text is null.
 */
export function readMoney(text: string): Pence | MoneyProblem | null {
  let s = text.trim().replace(/\s+/g, '')
  if (s === '') return null
  let negative = false
  if (/^\(.*\)$/.test(s)) {
    negative = true
    s = s.slice(1, -1)
  }
  if (s.startsWith('-') || s.startsWith('−')) {
    if (negative) return 'not-money'
    negative = true
    s = s.slice(1)
  }
  if (s.startsWith('£')) s = s.slice(1)
  if (s.startsWith('-')) {
    if (negative) return 'not-money'
    negative = true
    s = s.slice(1)
  }
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(s)
  if (!m) return 'not-money'
  const whole = BigInt(m[1]!.replace(/,/g, ''))
  const pence = whole * 100n + BigInt(m[2] ? m[2].padEnd(2, '0') : '0')
  if (pence > BigInt(MAX_PENCE)) return negative ? 'too-small' : 'too-large'
  return negative && pence > 0n ? -Number(pence) : Number(pence)
}

/** The error people read for a MoneyProblem, GOV.UK style: "Amount must be less than £100,000,000,000". */
export function moneyProblemMessage(problem: MoneyProblem, label: string): string {
  if (problem === 'too-large') return `${label} must be less than ${MONEY_LIMIT_TEXT}`
  if (problem === 'too-small') return `${label} must be more than -${MONEY_LIMIT_TEXT}`
  return `${label} must be an amount of money, like £1,250.00`
}

/** readMoney for callers that only need "an amount, or not": null for empty, unreadable or out of bounds. */
export function parseMoney(text: string): Pence | null {
  const p = readMoney(text)
  return typeof p === 'number' ? p : null
}

/**
 * An amount written in £ millions, as the Government Major Projects Portfolio publishes whole-life costs and
 * budgets: "12.3", "£12.3m", "£1,234.56", "£0.125M". Read as a decimal string, never through a float, so
 * "£0.1m" is exactly 1,000,000 pence; more than eight decimal places (a fraction of a penny) is 'not-money'.
 */
export function readMoneyMillions(text: string): Pence | MoneyProblem | null {
  let s = text.trim().replace(/\s+/g, '')
  if (s === '') return null
  let negative = false
  if (s.startsWith('-') || s.startsWith('−')) {
    negative = true
    s = s.slice(1)
  }
  if (s.startsWith('£')) s = s.slice(1)
  if (/m$/i.test(s)) s = s.slice(0, -1)
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,8}))?$/.exec(s)
  if (!m) return 'not-money'
  const pence = BigInt(m[1]!.replace(/,/g, '')) * 100_000_000n + BigInt((m[2] ?? '').padEnd(8, '0'))
  if (pence > BigInt(MAX_PENCE)) return negative ? 'too-small' : 'too-large'
  return negative && pence > 0n ? -Number(pence) : Number(pence)
}
