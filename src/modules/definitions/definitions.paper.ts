import { formatDate } from '../../domain/dates.ts'
import type { Programme } from '../../db/schema.ts'
import {
  h2,
  list,
  para,
  paragraphs,
  table,
  type Block,
  type PaperDocument,
} from '../../documents/document.model.ts'
import type { MilestoneView } from '../milestones/milestones.rules.ts'
import { projectStageLabel } from '../projects/projects.rules.ts'
import type { ProjectListRow } from '../projects/projects.service.ts'
import {
  lines,
  SIX_POINTS,
  type CompletenessGap,
  type DefinitionInput,
  type SectionKey,
} from './definitions.rules.ts'
import type { RecommendationOption } from './definitions.repository.ts'

export interface DefinitionPaperData {
  input: DefinitionInput
  programme: Programme
  recommendation: RecommendationOption | null
  responsibleName: string | null
  interimOwnerName: string | null
  projects: ProjectListRow[]
  keyMilestones: Array<MilestoneView & { projectReference: string }>
  /** The strategic ambitions the programme contributes to. */
  ambitions: Array<{ id: number; title: string }>
  gaps: CompletenessGap[]
  organisationName: string
  author: string
}

const NOT_YET = 'Not yet stated.'

/** The programme definition as the paper the panel asked for: its six points, in their order. */
export function definitionPaper(d: DefinitionPaperData): PaperDocument {
  const i = d.input
  const sections: Record<SectionKey, Block[]> = {
    digital: [
      ...(paragraphs(i.digitalMeaning).length ? paragraphs(i.digitalMeaning) : [para(NOT_YET)]),
      ...(lines(i.digitalPrinciples).length ? [para('Principles:'), list(lines(i.digitalPrinciples))] : []),
      ...(d.ambitions.length
        ? [para('The strategic ambitions it serves:'), list(d.ambitions.map((a) => a.title))]
        : []),
    ],
    resources: [
      para('Human resources required:'),
      lines(i.humanResources).length ? list(lines(i.humanResources)) : para(NOT_YET),
      para('Digital resources required:'),
      lines(i.digitalResources).length ? list(lines(i.digitalResources)) : para(NOT_YET),
      ...paragraphs(i.resourcesNarrative),
    ],
    responsible: [
      para(`Responsible for preparing the paper: ${d.responsibleName ?? NOT_YET}`),
      para(`The paper will be ready by: ${i.paperDueOn ? formatDate(i.paperDueOn) : NOT_YET}`),
    ],
    delivery: [
      para(`Delivered by: ${i.deliveredBy.trim() || NOT_YET}`),
      ...paragraphs(i.deliveryNarrative),
      ...(d.projects.length
        ? [
            table(
              'The programme’s projects and who manages them',
              ['Reference', 'Project', 'Stage', 'Project manager'],
              d.projects.map((p) => [
                p.reference,
                p.name,
                projectStageLabel(p.stage),
                p.project_manager || 'Not named',
              ]),
            ),
          ]
        : []),
    ],
    timeframe: [
      para(
        `Implementation: ${i.implementationStart ? formatDate(i.implementationStart) : 'start not set'} to ${
          i.implementationEnd ? formatDate(i.implementationEnd) : 'end not set'
        }.`,
      ),
      ...paragraphs(i.timeframeNarrative),
      ...(d.keyMilestones.length
        ? [
            table(
              'Key milestones',
              ['Project', 'Milestone', 'Baseline', 'Forecast or actual', 'Status'],
              d.keyMilestones.map((m) => [
                m.projectReference,
                m.name,
                formatDate(m.baseline_date),
                formatDate(m.actual_date ?? m.forecast_date),
                m.statusLabel,
              ]),
            ),
          ]
        : []),
    ],
    interim: [
      ...(paragraphs(i.interimNarrative).length ? paragraphs(i.interimNarrative) : [para(NOT_YET)]),
      para(`Managed by: ${d.interimOwnerName ?? NOT_YET}`),
    ],
  }
  const intro: Block[] = []
  if (d.recommendation)
    intro.push(
      para(`Prepared in response to recommendation ${d.recommendation.reference}: ${d.recommendation.text}`),
    )
  if (d.gaps.length > 0)
    intro.push(
      para(`Draft: this paper does not yet cover everything the panel asked for. Still missing:`),
      list(d.gaps.map((g) => g.missing)),
    )
  const blocks: Block[] = [...intro]
  SIX_POINTS.forEach((s, n) => blocks.push(h2(`${n + 1}. ${s.title}`), ...sections[s.key]))
  return {
    title: i.title,
    subtitle: `${d.programme.reference} ${d.programme.name}`,
    language: 'en-GB',
    author: `${d.author}, ${d.organisationName}`,
    blocks,
  }
}
