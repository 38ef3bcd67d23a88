/**
 * Full-time equivalent, always as integer hundredths (1.00 FTE = 100), like money in pence: 0.1 + 0.2 FTE
 * must add up to 0.3 when a person's posts and secondments are summed for a month.
 */
export type FteHundredths = number

/** One person's whole working time. A person works between 0.01 and 1.00 FTE in any one post or secondment. */
export const FULL_TIME: FteHundredths = 100

/** FTE as typed ("0.5", "2") to hundredths; NaN when it is not a number of FTE. */
export function parseFte(text: string): FteHundredths {
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(text.trim())) return Number.NaN
  return Math.round(Number(text.trim()) * 100)
}

export const formatFte = (hundredths: FteHundredths) => String(hundredths / 100)

/** "0.60": the two decimals a table shows, so a column of FTE lines up. */
export const formatFteFixed = (hundredths: FteHundredths) => (hundredths / 100).toFixed(2)

/**
 * Why an FTE for one person (a post, a holding, a secondment) is not acceptable, in GOV.UK wording, or null.
 * More than 1.00 is more than one person's whole working time; 0 is no time at all.
 */
export function personFteProblem(hundredths: FteHundredths, label: string): string | null {
  if (!Number.isSafeInteger(hundredths)) return `${label} must be a number between 0.01 and 1, like 0.6`
  if (hundredths <= 0) return `${label} must be more than 0`
  if (hundredths > FULL_TIME) return `${label} must be 1 or less`
  return null
}
