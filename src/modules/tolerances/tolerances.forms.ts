import type { ToleranceSettings } from '../../db/schema.ts'
import { field, type FormBody } from '../../web/forms.ts'
import { readMoneyField, type ConflictRow } from '../../web/form-pages.ts'
import { toToleranceInput } from './tolerances.service.ts'
import type { ToleranceInput, Tolerances } from './tolerances.rules.ts'

/** A whole number from a form; blank is "not set"; anything else is a field error. */
function readWhole(
  body: FormBody,
  name: string,
  label: string,
  errors: Record<string, string>,
): number | null {
  const raw = field(body, name).replace(/,/g, '')
  if (raw === '') return null
  if (!/^\d{1,12}$/.test(raw)) {
    errors[name] = `${label} must be a whole number, like 30`
    return null
  }
  return Number(raw)
}

export function readToleranceForm(body: FormBody, errors: Record<string, string>): ToleranceInput {
  return {
    timeDays: readWhole(body, 'timeDays', 'Time tolerance', errors),
    costPercent: readWhole(body, 'costPercent', 'Cost tolerance (%)', errors),
    costPence: readMoneyField(field(body, 'costPounds'), 'costPounds', 'Cost tolerance (£)', errors, false),
    scopeNote: field(body, 'scopeNote'),
    benefitsNote: field(body, 'benefitsNote'),
    riskScore: readWhole(body, 'riskScore', 'Risk tolerance', errors),
    reportWorkingDays: readWhole(body, 'reportWorkingDays', 'Days to write the exception report', errors),
  }
}

const penceToPounds = (p: number | null) => (p === null ? '' : (p / 100).toFixed(p % 100 === 0 ? 0 : 2))

/** The form's values as typed (after an error) or as saved. */
export function toleranceFormValues(body: FormBody | null, saved: ToleranceSettings | undefined) {
  if (body)
    return Object.fromEntries(
      [
        'timeDays',
        'costPercent',
        'costPounds',
        'scopeNote',
        'benefitsNote',
        'riskScore',
        'reportWorkingDays',
      ].map((k) => [k, field(body, k)]),
    )
  const t = toToleranceInput(saved)
  const s = (n: number | null) => (n === null ? '' : String(n))
  return {
    timeDays: s(t.timeDays),
    costPercent: s(t.costPercent),
    costPounds: penceToPounds(t.costPence),
    scopeNote: t.scopeNote,
    benefitsNote: t.benefitsNote,
    riskScore: s(t.riskScore),
    reportWorkingDays: s(t.reportWorkingDays),
  }
}

const FIELD_LABELS: Record<string, string> = {
  timeDays: 'Time tolerance (days)',
  costPercent: 'Cost tolerance (%)',
  costPounds: 'Cost tolerance (£)',
  scopeNote: 'Scope tolerance',
  benefitsNote: 'Benefits tolerance',
  riskScore: 'Risk tolerance',
  reportWorkingDays: 'Days to write the exception report',
}

/** The tolerances as typed beside the tolerances as saved, for the conflict page. */
export function toleranceConflictRows(body: FormBody, saved: ToleranceSettings | undefined): ConflictRow[] {
  const yours = toleranceFormValues(body, undefined)
  const stored = toleranceFormValues(null, saved)
  return Object.entries(FIELD_LABELS).map(([k, label]) => ({
    label,
    yours: yours[k as keyof typeof yours] ?? '',
    saved: stored[k as keyof typeof stored] ?? '',
  }))
}

/** The tolerances that apply, as summary-list rows. */
export function toleranceRows(t: Tolerances) {
  const notSet = 'Not set'
  const money = (p: number) => `£${new Intl.NumberFormat('en-GB').format(p / 100)}`
  const cost = [
    t.costPercent !== null ? `${t.costPercent}% of budget` : null,
    t.costPence !== null ? money(t.costPence) : null,
  ]
    .filter(Boolean)
    .join(' or ')
  return [
    {
      key: { text: 'Time' },
      value: { text: t.timeDays === null ? notSet : `${t.timeDays} days beyond baseline` },
    },
    { key: { text: 'Cost' }, value: { text: cost === '' ? notSet : `${cost} over budget` } },
    { key: { text: 'Scope' }, value: { text: t.scopeNote || notSet } },
    { key: { text: 'Benefits' }, value: { text: t.benefitsNote || notSet } },
    {
      key: { text: 'Risk' },
      value: { text: t.riskScore === null ? notSet : `Any open risk scored above ${t.riskScore}` },
    },
    { key: { text: 'Exception report due within' }, value: { text: `${t.reportWorkingDays} working days` } },
  ]
}
