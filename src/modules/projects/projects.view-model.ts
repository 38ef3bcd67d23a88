import { ratingDefinition, ratingTag, rollUp, type RatingScaleId } from '../../domain/dca.ts'
import { currentPeriod } from '../../domain/periods.ts'
import { projectStageLabel } from './projects.rules.ts'
import type { ProjectListRow } from './projects.service.ts'

/** What a table row or the project page shows: labels and the rating tag on the organisation's scale. */
export function projectRowView(p: ProjectListRow, scale: RatingScaleId) {
  return {
    ...p,
    stageLabel: projectStageLabel(p.stage),
    ratingTag: ratingTag(scale, p.rating),
    ratingDefinition: p.rating ? (ratingDefinition(scale, p.rating)?.definition ?? '') : '',
  }
}

export type ProjectRowView = ReturnType<typeof projectRowView>

/**
 * The context of `projects/views/_programme-projects.njk` on the programme page: the programme's projects and
 * the delivery confidence roll-up of those still open. Closed and cancelled projects no longer report, so
 * counting them would report them as missing and let a final rating stand for current work.
 */
export function programmeProjectsContext(
  rows: ProjectListRow[],
  scale: RatingScaleId,
  programmeId: number,
  canAddProject: boolean,
) {
  const open = rows.filter((p) => p.stage !== 'closed' && p.stage !== 'cancelled')
  const summary = rollUp(open, scale)
  return {
    programmeProjects: rows.map((p) => projectRowView(p, scale)),
    projectRollUp: {
      ...summary,
      distribution: summary.distribution.map((d) => ({
        ...d,
        tag: ratingTag(scale, d.code === 'none' ? null : d.code),
      })),
      worstTag: summary.worst ? ratingTag(scale, summary.worst) : null,
    },
    reportingPeriod: currentPeriod(),
    addProjectUrl: `/projects/new?programmeId=${programmeId}`,
    canAddProject,
  }
}
