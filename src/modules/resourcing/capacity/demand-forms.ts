import { scopeOf, type Actor } from '../../../auth/actor.ts'
import { formatFteFixed, parseFte } from '../../../domain/fte.ts'
import { formatPeriod, type Period } from '../../../domain/periods.ts'
import { ValidationError } from '../../../errors.ts'
import { field, type FormBody } from '../../../web/forms.ts'
import { evenMonths, type AllocationInput, type MonthFte } from './capacity.rules.ts'
import type { CapacityService } from './capacity.service.ts'
import type { DemandService } from './demand.service.ts'

// What the demand pages' forms share: months typed as a from–to stretch at one FTE, or one field a month
// (`fte-2019-06`) on the edit forms, and the over-allocation warning an allocation form asks to confirm.

const MONTH_FIELD = /^fte-(\d{4}-\d{2})$/

/** The months a form's from/to/FTE give, or field errors named `${prefix}-from`, `-to` and `-fte`. */
export function readStretch(body: FormBody, prefix: string, errors: Record<string, string>): MonthFte[] {
  const from = field(body, `${prefix}-from`)
  const to = field(body, `${prefix}-to`)
  const fte = parseFte(field(body, `${prefix}-fte`))
  if (!/^\d{4}-\d{2}$/.test(from)) errors[`${prefix}-from`] = 'Enter the first month, like 2019-06'
  if (!/^\d{4}-\d{2}$/.test(to) || to < from)
    errors[`${prefix}-to`] = 'Enter the last month, the same as or after the first'
  if (Number.isNaN(fte)) errors[`${prefix}-fte`] = 'Enter the FTE each month as a number, like 0.5'
  return evenMonths(from, to, fte)
}

/**
 * The months of an edit form: one field a month, `fte-YYYY-MM`, a blank one leaving the month out; each
 * unreadable one a field error of its own.
 */
export function readMonthFields(body: FormBody, errors: Record<string, string>): MonthFte[] {
  const out: MonthFte[] = []
  for (const name of Object.keys(body).sort()) {
    const period = MONTH_FIELD.exec(name)?.[1]
    if (period === undefined) continue
    const text = field(body, name)
    if (text === '') continue
    const fte = parseFte(text)
    if (Number.isNaN(fte)) errors[name] = `Enter the FTE for ${formatPeriod(period)} as a number, like 0.5`
    else out.push({ period, fteHundredths: fte })
  }
  return out
}

/** The month fields of an edit form, refilled from what was typed or from the stored months. */
export function monthItems(
  periods: readonly Period[],
  stored: readonly MonthFte[],
  body: FormBody | null,
  errors: Record<string, string>,
) {
  return [...new Set(periods)].sort().map((period) => {
    const name = `fte-${period}`
    const saved = stored.find((m) => m.period === period)
    return {
      name,
      label: formatPeriod(period),
      value: body ? field(body, name) : saved ? formatFteFixed(saved.fteHundredths) : '',
      error: errors[name],
    }
  })
}

/** Months as one line for the conflict page: "June 2019 0.80; July 2019 0.50". */
export const describeMonths = (months: readonly MonthFte[]) =>
  months.length === 0
    ? 'None'
    : [...months]
        .sort((a, b) => a.period.localeCompare(b.period))
        .map((m) => `${formatPeriod(m.period)} ${formatFteFixed(m.fteHundredths)}`)
        .join('; ')

/**
 * The warning an allocation form shows before allocating someone beyond their capacity (issue 10: allowed,
 * and flagged): the months they would be over, with what they would be given and what they have. Null when
 * they are not over, or the person confirmed (`confirmed`). The allocation's field errors, if it has any,
 * are thrown first (a ValidationError), so one submission never shows a warning for an allocation the rules
 * refuse.
 */
export async function overAllocationWarning(
  services: { capacity: CapacityService; demand: DemandService },
  actor: Actor,
  target: { roleId: number; allocationId: number | null },
  input: AllocationInput,
  name: string,
  confirmed: boolean,
): Promise<string | null> {
  if (confirmed || input.personId === null || input.months.length === 0) return null
  // The rules first: a month beyond one person's time, or after they left, is an error, not a warning.
  const problems = await services.demand.allocationProblems(actor, target.roleId, input)
  if (Object.keys(problems).length > 0) throw new ValidationError(problems)
  const over = await services.capacity.overAllocationIf(
    scopeOf(actor),
    input.personId,
    input.months,
    target.allocationId,
  )
  if (over.length === 0) return null
  const list = over
    .map(
      (o) =>
        `${formatPeriod(o.period)} (${formatFteFixed(o.allocated)} FTE of ${formatFteFixed(o.available)} available)`,
    )
    .join(', ')
  return `${name} would be over their capacity in ${list}. Change the FTE, or confirm you want to allocate them anyway`
}
