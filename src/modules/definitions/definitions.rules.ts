import { isIsoDate } from '../../domain/dates.ts'

/**
 * The six points the Performance Monitoring Panel asked the paper to cover, in the minute's own words and
 * order. Each is a section of the programme definition; the completeness check reports against them.
 */
export const SIX_POINTS = [
  { key: 'digital', title: 'What ‘Digital’ means to the authority' },
  { key: 'resources', title: 'The human and digital resources required' },
  { key: 'responsible', title: 'The responsible person for preparing the paper, and a timeframe' },
  { key: 'delivery', title: 'How and by whom the programme will be delivered' },
  { key: 'timeframe', title: 'The implementation timeframe' },
  { key: 'interim', title: 'How needs and expectations will be managed in the interim' },
] as const
export type SectionKey = (typeof SIX_POINTS)[number]['key']

export interface DefinitionInput {
  programmeId: number | null
  recommendationId: number | null
  title: string
  digitalMeaning: string
  digitalPrinciples: string
  humanResources: string
  digitalResources: string
  resourcesNarrative: string
  responsibleUserId: number | null
  paperDueOn: string | null
  deliveredBy: string
  deliveryNarrative: string
  implementationStart: string | null
  implementationEnd: string | null
  timeframeNarrative: string
  interimNarrative: string
  interimOwnerUserId: number | null
}

export const DEFINITION_FIELD_ORDER: Array<keyof DefinitionInput> = [
  'programmeId',
  'recommendationId',
  'title',
  'digitalMeaning',
  'digitalPrinciples',
  'humanResources',
  'digitalResources',
  'resourcesNarrative',
  'responsibleUserId',
  'paperDueOn',
  'deliveredBy',
  'deliveryNarrative',
  'implementationStart',
  'implementationEnd',
  'timeframeNarrative',
  'interimNarrative',
  'interimOwnerUserId',
]

const LONG = 20_000
const TEXT_FIELDS: Array<[keyof DefinitionInput, string]> = [
  ['digitalMeaning', 'What ‘Digital’ means'],
  ['digitalPrinciples', 'Principles'],
  ['humanResources', 'Human resources'],
  ['digitalResources', 'Digital resources'],
  ['resourcesNarrative', 'Resources narrative'],
  ['deliveredBy', 'Who will deliver the programme'],
  ['deliveryNarrative', 'How the programme will be delivered'],
  ['timeframeNarrative', 'Implementation timeframe narrative'],
  ['interimNarrative', 'Interim arrangements'],
]

/** Rules for saving: a draft may be incomplete (the completeness check says what is missing) but not wrong. */
export function validateDefinition(i: DefinitionInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (i.programmeId === null) errors.programmeId = 'Select the programme the paper defines'
  if (i.title.trim() === '') errors.title = 'Enter a title for the paper'
  else if (i.title.length > 200) errors.title = 'Title must be 200 characters or fewer'
  for (const [key, label] of TEXT_FIELDS) {
    const v = i[key]
    if (typeof v === 'string' && v.length > LONG) errors[key] = `${label} must be 20,000 characters or fewer`
  }
  for (const key of ['paperDueOn', 'implementationStart', 'implementationEnd'] as const) {
    const v = i[key]
    if (v !== null && !isIsoDate(v)) errors[key] = 'Enter a real date'
  }
  if (
    i.implementationStart &&
    i.implementationEnd &&
    !errors.implementationEnd &&
    i.implementationEnd < i.implementationStart
  )
    errors.implementationEnd = 'Implementation end must be the same as or after the start'
  return errors
}

/** One line per item, as typed into a textarea. */
export const lines = (v: string): string[] =>
  v
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')

export interface CompletenessGap {
  section: SectionKey
  sectionTitle: string
  /** What is missing, in words a panel member would use. */
  missing: string
  /** The form field to put it right. */
  field: keyof DefinitionInput
}

/**
 * What the paper still lacks against the panel's six points. Linked records count: the implementation
 * timeframe needs key milestones on the programme's projects, not just dates typed into the paper.
 */
export function completenessGaps(i: DefinitionInput, linked: { keyMilestones: number }): CompletenessGap[] {
  const gaps: CompletenessGap[] = []
  const gap = (section: SectionKey, missing: string, field: keyof DefinitionInput) =>
    gaps.push({ section, sectionTitle: SIX_POINTS.find((s) => s.key === section)!.title, missing, field })
  const blank = (v: string) => v.trim() === ''
  if (blank(i.digitalMeaning))
    gap('digital', 'An explanation of what ‘Digital’ means to the authority', 'digitalMeaning')
  if (lines(i.humanResources).length === 0)
    gap('resources', 'The human resources (posts and skills) required', 'humanResources')
  if (lines(i.digitalResources).length === 0)
    gap('resources', 'The digital resources (systems and platforms) required', 'digitalResources')
  if (i.responsibleUserId === null)
    gap('responsible', 'The person responsible for preparing the paper', 'responsibleUserId')
  if (i.paperDueOn === null) gap('responsible', 'The date the paper will be ready', 'paperDueOn')
  if (blank(i.deliveredBy)) gap('delivery', 'Who will deliver the programme', 'deliveredBy')
  if (blank(i.deliveryNarrative)) gap('delivery', 'How the programme will be delivered', 'deliveryNarrative')
  if (i.implementationStart === null || i.implementationEnd === null)
    gap(
      'timeframe',
      'The implementation start and end dates',
      i.implementationStart === null ? 'implementationStart' : 'implementationEnd',
    )
  if (linked.keyMilestones === 0)
    gap('timeframe', 'Key milestones on the programme’s projects', 'timeframeNarrative')
  if (blank(i.interimNarrative))
    gap('interim', 'How needs and expectations will be managed in the interim', 'interimNarrative')
  if (i.interimOwnerUserId === null)
    gap('interim', 'Who manages the interim arrangements', 'interimOwnerUserId')
  return gaps
}
