import { PROJECT_STAGES, projectStageLabel } from '../projects/projects.rules.ts'

/**
 * The stages a gate can guard: any stage a project moves forward into. Not "idea" (every project starts
 * there) and not "cancelled" (stopping work must never wait for an approval).
 */
export const GUARDABLE_STAGES = PROJECT_STAGES.filter((s) => s.value !== 'idea' && s.value !== 'cancelled')

export const isGuardableStage = (s: string) => GUARDABLE_STAGES.some((x) => x.value === s)

export interface GateInput {
  code: string
  name: string
  description: string
  /** The project stage the gate must be passed before, or null when it guards no stage. */
  requiredForStage: string | null
  /** Passing the gate needs resources in place (gates.rules.ts RESOURCES_WINDOW_MONTHS). */
  requiresResources: boolean
}

export const GATE_FIELD_ORDER = ['name', 'code', 'description', 'requiredForStage', 'requiresResources']

/** The lowest and highest risk escalation threshold: a score on the 5 × 5 likelihood × impact matrix. */
export const THRESHOLD_MIN = 1
export const THRESHOLD_MAX = 25

export const THRESHOLD_ERROR = `Enter the risk escalation threshold as a whole number from ${THRESHOLD_MIN} to ${THRESHOLD_MAX}`

/**
 * Is this gate valid to save? `others` are the organisation's other gates: a code names one gate, and a
 * stage has at most one gate, so that "the gate before delivery" always means one thing.
 */
export function validateGate(
  g: GateInput,
  others: readonly { code: string; name: string; required_for_stage: string | null }[],
): Record<string, string> {
  const errors: Record<string, string> = {}
  if (g.name.trim() === '') errors.name = 'Enter the name of the gate, for example Full business case'
  else if (g.name.length > 200) errors.name = 'Name must be 200 characters or fewer'
  const code = g.code.trim()
  if (code === '') errors.code = 'Enter a short code for the gate, for example FBC'
  else if (!/^[A-Za-z0-9-]{1,10}$/.test(code))
    errors.code = 'Code must be 10 letters, numbers or hyphens or fewer, for example FBC'
  else if (others.some((o) => o.code.toLowerCase() === code.toLowerCase()))
    errors.code = 'Another gate already has this code'
  if (g.description.length > 2000) errors.description = 'Description must be 2,000 characters or fewer'
  if (g.requiredForStage !== null) {
    const taken = others.find((o) => o.required_for_stage === g.requiredForStage)
    if (!isGuardableStage(g.requiredForStage))
      errors.requiredForStage = 'Select the stage the gate must be passed before, or none'
    else if (taken)
      errors.requiredForStage = `The ${taken.name} gate already guards ${projectStageLabel(g.requiredForStage)}: a stage has one gate`
  }
  return errors
}

export function validateThreshold(n: number | null): Record<string, string> {
  return n === null || !Number.isInteger(n) || n < THRESHOLD_MIN || n > THRESHOLD_MAX
    ? { riskEscalationThreshold: THRESHOLD_ERROR }
    : {}
}
