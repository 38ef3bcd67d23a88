import { formatDate, isIsoDate, type IsoDate } from '../../domain/dates.ts'
import { isPence } from '../../domain/money.ts'
import { projectSlippage, slippageDays } from '../../domain/slippage.ts'

/**
 * PRINCE2 tolerances: how far a project may move from its approved plan before the board must decide.
 * Time, cost and risk are measured from the records; scope and benefits tolerances are stated in words
 * and a breach of them is raised by hand, because no figure in the system can tell it.
 */
export const TOLERANCE_KINDS = [
  { value: 'time', text: 'Time' },
  { value: 'cost', text: 'Cost' },
  { value: 'scope', text: 'Scope' },
  { value: 'benefits', text: 'Benefits' },
  { value: 'risk', text: 'Risk' },
] as const

export type ToleranceKind = (typeof TOLERANCE_KINDS)[number]['value']
export const MEASURED_KINDS: readonly ToleranceKind[] = ['time', 'cost', 'risk']
export const MANUAL_KINDS: readonly ToleranceKind[] = ['scope', 'benefits']

export function isToleranceKind(v: string): v is ToleranceKind {
  return TOLERANCE_KINDS.some((k) => k.value === v)
}

export function toleranceKindLabel(v: string): string {
  return TOLERANCE_KINDS.find((k) => k.value === v)?.text ?? v
}

/** The default time the project manager has to write the exception report, in working days. */
export const DEFAULT_REPORT_WORKING_DAYS = 5

export interface Tolerances {
  timeDays: number | null
  costPercent: number | null
  costPence: number | null
  scopeNote: string
  benefitsNote: string
  riskScore: number | null
  reportWorkingDays: number
}

export type ToleranceInput = Omit<Tolerances, 'reportWorkingDays'> & { reportWorkingDays: number | null }

export const NO_TOLERANCES: Tolerances = {
  timeDays: null,
  costPercent: null,
  costPence: null,
  scopeNote: '',
  benefitsNote: '',
  riskScore: null,
  reportWorkingDays: DEFAULT_REPORT_WORKING_DAYS,
}

/** A project's figure wins where it sets one; otherwise the programme's applies. */
export function effectiveTolerances(
  programme: Partial<ToleranceInput> | null,
  project: Partial<ToleranceInput> | null,
): Tolerances {
  const pick = <K extends keyof ToleranceInput>(k: K): ToleranceInput[K] | undefined => {
    const own = project?.[k]
    if (own !== null && own !== undefined && own !== '') return own
    const inherited = programme?.[k]
    return inherited === null || inherited === undefined ? undefined : inherited
  }
  return {
    timeDays: pick('timeDays') ?? null,
    costPercent: pick('costPercent') ?? null,
    costPence: pick('costPence') ?? null,
    scopeNote: pick('scopeNote') ?? '',
    benefitsNote: pick('benefitsNote') ?? '',
    riskScore: pick('riskScore') ?? null,
    reportWorkingDays: pick('reportWorkingDays') ?? DEFAULT_REPORT_WORKING_DAYS,
  }
}

export interface KeyMilestoneFacts {
  id: number
  name: string
  baselineDate: IsoDate | null
  forecastDate: IsoDate | null
  actualDate: IsoDate | null
  status: string
}

export interface ProjectFacts {
  baselineEnd: IsoDate | null
  forecastEnd: IsoDate | null
  actualEnd: IsoDate | null
  keyMilestones: KeyMilestoneFacts[]
  /** Approved budget lines and the latest forecast outturn for the financial year, in pence; null where finance has none. */
  budgetPence: number | null
  forecastPence: number | null
  /** Open risks with their current score (residual once assessed, else inherent). */
  risks: Array<{ id: number; title: string; score: number }>
}

export interface Fact {
  label: string
  value: string
}

export interface Breach {
  kind: ToleranceKind
  summary: string
  facts: Fact[]
}

export interface Evaluation {
  breaches: Breach[]
  /** Measured tolerances that could not be judged, with the reason (shown on the page, never hidden). */
  notEvaluated: Array<{ kind: ToleranceKind; reason: string }>
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`
const pounds = (pence: number) =>
  `£${new Intl.NumberFormat('en-GB', { minimumFractionDigits: 0, maximumFractionDigits: 2 }).format(pence / 100)}`

/**
 * Judges a project against its tolerances. A breach is a *forecast* beyond tolerance: the board must hear
 * of it when it is foreseen, not when the date has passed ("the expeditious reporting of issues"). A
 * slippage equal to the tolerance is within it.
 */
export function evaluateTolerances(t: Tolerances, f: ProjectFacts): Evaluation {
  const breaches: Breach[] = []
  const notEvaluated: Evaluation['notEvaluated'] = []

  if (t.timeDays !== null) {
    const facts: Fact[] = []
    const end = projectSlippage({
      baselineStart: null,
      forecastStart: null,
      actualStart: null,
      baselineEnd: f.baselineEnd,
      forecastEnd: f.forecastEnd,
      actualEnd: f.actualEnd,
    }).endDays
    if (end !== null && end > t.timeDays)
      facts.push({
        label: 'End date',
        value: `${plural(end, 'day')} beyond the baseline of ${formatDate(f.baselineEnd)} (${f.actualEnd ? 'finished' : 'forecast'} ${formatDate(f.actualEnd ?? f.forecastEnd)})`,
      })
    for (const m of f.keyMilestones) {
      if (m.status === 'cancelled') continue
      const slip = slippageDays(m.baselineDate, m.actualDate ?? m.forecastDate)
      if (slip !== null && slip > t.timeDays)
        facts.push({
          label: `Key milestone: ${m.name}`,
          value: `${plural(slip, 'day')} beyond the baseline of ${formatDate(m.baselineDate)} (${m.actualDate ? 'achieved' : 'forecast'} ${formatDate(m.actualDate ?? m.forecastDate)})`,
        })
    }
    if (end === null && f.keyMilestones.length === 0)
      notEvaluated.push({ kind: 'time', reason: 'No baseline end date or key milestone to measure against' })
    if (facts.length > 0)
      breaches.push({
        kind: 'time',
        summary: `Forecast slippage beyond the time tolerance of ${plural(t.timeDays, 'day')}`,
        facts: [{ label: 'Time tolerance', value: plural(t.timeDays, 'day') }, ...facts],
      })
  }

  if (t.costPercent !== null || t.costPence !== null) {
    if (f.budgetPence === null || f.forecastPence === null) {
      notEvaluated.push({
        kind: 'cost',
        reason:
          'Cost is measured once the project has approved budget lines and a forecast outturn for this financial year',
      })
    } else {
      const over = f.forecastPence - f.budgetPence
      const overPercent = t.costPercent !== null && over * 100 > f.budgetPence * t.costPercent
      const overPounds = t.costPence !== null && over > t.costPence
      if (over > 0 && (overPercent || overPounds))
        breaches.push({
          kind: 'cost',
          summary: 'Forecast outturn over budget beyond the cost tolerance',
          facts: [
            {
              label: 'Cost tolerance',
              value: [
                t.costPercent !== null ? `${t.costPercent}% of budget` : null,
                t.costPence !== null ? pounds(t.costPence) : null,
              ]
                .filter(Boolean)
                .join(' or '),
            },
            { label: 'Budget', value: pounds(f.budgetPence) },
            { label: 'Forecast outturn', value: pounds(f.forecastPence) },
            { label: 'Over budget by', value: pounds(over) },
          ],
        })
    }
  }

  if (t.riskScore !== null) {
    const above = f.risks.filter((r) => r.score > t.riskScore!)
    if (above.length > 0)
      breaches.push({
        kind: 'risk',
        summary: `${plural(above.length, 'risk')} scored above the risk tolerance of ${t.riskScore}`,
        facts: [
          { label: 'Risk tolerance', value: `Score ${t.riskScore}` },
          ...above.map((r) => ({ label: `Risk: ${r.title}`, value: `Score ${r.score}` })),
        ],
      })
  }
  return { breaches, notEvaluated }
}

export const TOLERANCE_FIELD_ORDER = [
  'timeDays',
  'costPercent',
  'costPence',
  'scopeNote',
  'benefitsNote',
  'riskScore',
  'reportWorkingDays',
]

/** Tolerance figures in the council's words; a blank figure means "not set" (or "as the programme"). */
export function validateTolerances(t: ToleranceInput): Record<string, string> {
  const errors: Record<string, string> = {}
  const whole = (name: keyof ToleranceInput, label: string, max: number, min = 0) => {
    const v = t[name]
    if (v === null) return
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      errors[name] =
        `${label} must be a whole number from ${min} to ${new Intl.NumberFormat('en-GB').format(max)}`
  }
  whole('timeDays', 'Time tolerance', 3650)
  whole('costPercent', 'Cost tolerance (%)', 1000)
  // Pence, so the limit is said in pounds: £1,000,000,000, a tenth of any amount Oversight holds.
  if (t.costPence !== null && (!isPence(t.costPence) || t.costPence < 0 || t.costPence > 1_000_000_000_00))
    errors.costPence = 'Cost tolerance (£) must be from £0 to £1,000,000,000'
  whole('riskScore', 'Risk tolerance', 25, 1)
  whole('reportWorkingDays', 'Days to write the exception report', 60, 1)
  if (t.scopeNote.length > 2000) errors.scopeNote = 'Scope tolerance must be 2,000 characters or fewer'
  if (t.benefitsNote.length > 2000)
    errors.benefitsNote = 'Benefits tolerance must be 2,000 characters or fewer'
  return errors
}

export const EXCEPTION_STATUSES = [
  { value: 'raised', text: 'Report due', colour: 'red' },
  { value: 'reported', text: 'Awaiting board decision', colour: 'orange' },
  { value: 'decided', text: 'Decided', colour: 'green' },
] as const

export function exceptionStatusLabel(v: string): string {
  return EXCEPTION_STATUSES.find((s) => s.value === v)?.text ?? v
}

/** The board's decisions on an exception report (PRINCE2: approve the exception plan, change tolerances, or close). */
export const EXCEPTION_OUTCOMES = [
  { value: 'exception_plan_approved', text: 'Exception plan approved' },
  { value: 'tolerances_changed', text: 'Tolerances changed' },
  { value: 'project_stopped', text: 'Project stopped' },
] as const

export type ExceptionOutcome = (typeof EXCEPTION_OUTCOMES)[number]['value']

export function isExceptionOutcome(v: string): v is ExceptionOutcome {
  return EXCEPTION_OUTCOMES.some((o) => o.value === v)
}

export function exceptionOutcomeLabel(v: string | null): string {
  return EXCEPTION_OUTCOMES.find((o) => o.value === v)?.text ?? ''
}

export interface ExceptionReportInput {
  cause: string
  impact: string
  options: string
  recommendation: string
}

export const REPORT_FIELD_ORDER = ['cause', 'impact', 'options', 'recommendation']

export function validateExceptionReport(r: ExceptionReportInput): Record<string, string> {
  const errors: Record<string, string> = {}
  const need = (k: keyof ExceptionReportInput, msg: string) => {
    if (r[k].trim() === '') errors[k] = msg
    else if (r[k].length > 10000) errors[k] = 'Must be 10,000 characters or fewer'
  }
  need('cause', 'Enter the cause of the exception')
  need('impact', 'Enter the impact on the project and programme')
  need('options', 'Enter the options considered')
  need('recommendation', 'Enter the recommended option')
  return errors
}

export interface ExceptionDecisionInput {
  outcome: string
  reasons: string
  decidedOn: IsoDate | null
}

export function validateExceptionDecision(d: ExceptionDecisionInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!isExceptionOutcome(d.outcome)) errors.outcome = "Select the board's decision"
  if (d.reasons.trim() === '') errors.reasons = 'Enter the reasons for the decision'
  else if (d.reasons.length > 10000) errors.reasons = 'Reasons must be 10,000 characters or fewer'
  if (d.decidedOn !== null && !isIsoDate(d.decidedOn))
    errors.decidedOn = 'Date of decision must be a real date'
  return errors
}

export interface ManualExceptionInput {
  kind: string
  summary: string
}

export function validateManualException(m: ManualExceptionInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!isToleranceKind(m.kind)) errors.kind = 'Select which tolerance is breached'
  if (m.summary.trim() === '') errors.summary = 'Describe the breach'
  else if (m.summary.length > 2000) errors.summary = 'Description must be 2,000 characters or fewer'
  return errors
}
