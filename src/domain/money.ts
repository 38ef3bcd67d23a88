/**
 * Money, always as integer pence.
 *
 * Floating-point pounds lose pennies (0.1 + 0.2); a budget book that does not add up is the first thing a
 * scrutiny panel notices. Every sum here stays a safe integer, and every split of an amount (profiling a
 * budget across periods, apportioning a recharge) hands out exactly the pennies it was given.
 */

export type Pence = number

const MAX = Number.MAX_SAFE_INTEGER

function requirePence(v: number, what = 'amount'): void {
  if (!Number.isSafeInteger(v)) throw new RangeError(`Not a whole number of pence (${what}): ${v}`)
}

/** The exact total; throws rather than round if the sum would leave the safe integer range. */
export function sumPence(values: Iterable<Pence>): Pence {
  let total = 0
  for (const v of values) {
    requirePence(v)
    total += v
    if (!Number.isSafeInteger(total)) throw new RangeError('Total is too large to hold exactly')
  }
  return total
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

/** "£1,234.56", and "-£1,234.56" for a credit or an underspend. */
export function formatMoney(p: Pence | null | undefined): string {
  if (p === null || p === undefined) return ''
  requirePence(p)
  const abs = BigInt(Math.abs(p))
  const pennies = String(abs % 100n).padStart(2, '0')
  return `${p < 0 ? '-' : ''}£${pounds(abs)}.${pennies}`
}

/** Whole pounds, rounded half away from zero, for summary tables: "£1,235". */
export function formatPounds(p: Pence | null | undefined): string {
  if (p === null || p === undefined) return ''
  requirePence(p)
  const abs = BigInt(Math.abs(p))
  const whole = (abs + 50n) / 100n
  return `${p < 0 && whole > 0n ? '-' : ''}£${GROUPED.format(whole)}`
}

/** Pence as the decimal pounds a spreadsheet or JSON consumer expects: 123456 → "1234.56". */
export function penceToDecimal(p: Pence): string {
  requirePence(p)
  const abs = Math.abs(p)
  return `${p < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/**
 * Reads an amount as people type it on a form or as ledgers print it: "£1,234.56", "1234", "-12.50",
 * "(12.50)" for a credit. More than two decimal places, stray text, or badly placed thousands separators
 * give null rather than a guess.
 */
export function parseMoney(text: string): Pence | null {
  let s = text.trim().replace(/\s+/g, '')
  if (s === '') return null
  let negative = false
  if (/^\(.*\)$/.test(s)) {
    negative = true
    s = s.slice(1, -1)
  }
  if (s.startsWith('-') || s.startsWith('−')) {
    if (negative) return null
    negative = true
    s = s.slice(1)
  }
  if (s.startsWith('£')) s = s.slice(1)
  if (s.startsWith('-')) {
    if (negative) return null
    negative = true
    s = s.slice(1)
  }
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(s)
  if (!m) return null
  const whole = Number(m[1]!.replace(/,/g, ''))
  const frac = m[2] ? Number(m[2].padEnd(2, '0')) : 0
  const pence = whole * 100 + frac
  if (!Number.isSafeInteger(pence) || pence > MAX) return null
  return negative ? -pence : pence
}
