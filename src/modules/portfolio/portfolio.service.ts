import type { Kysely } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import type { DB } from '../../db/schema.ts'
import { createChangeCache } from '../audit/change-cache.ts'
import { RATING_SCALES, ratingTag, rollUp, type RatingScaleId, type RollUp } from '../../domain/dca.ts'
import { currentPeriod, formatPeriod } from '../../domain/periods.ts'
import { horizontalBarChart } from '../../web/charts.ts'
import type { MilestonesService } from '../milestones/milestones.service.ts'
import type { ProgrammesService } from '../programmes/programmes.service.ts'
import type { ProjectListRow, ProjectsService } from '../projects/projects.service.ts'

/** Projects that have ended drop out of the live roll-up; their history stays on their own pages. */
const FINISHED = new Set(['closed', 'cancelled'])

const NO_RATING_COLOUR = '#505a5f'

export interface AttentionRow {
  project: ProjectListRow
  tag: { text: string; classes: string }
  reasons: string[]
}

/** Why a project needs attention, in words: the same three tests the project list's filter applies. */
export function attentionReasons(p: ProjectListRow, scale: RatingScaleId, period: string): string[] {
  const reasons: string[] = []
  if (p.rating === 'red' || p.rating === 'amber_red') reasons.push(`Rated ${ratingTag(scale, p.rating).text}`)
  if (p.stage === 'delivery' && !p.hasCurrentReport)
    reasons.push(`No status report for ${formatPeriod(period)}`)
  const end = p.slippage.endDays
  if (end !== null && end > 0) reasons.push(`Finishing ${end} ${end === 1 ? 'day' : 'days'} after baseline`)
  return reasons
}

function chartFor(id: string, r: RollUp, scale: RatingScaleId, title: string) {
  const colours = new Map(RATING_SCALES[scale].ratings.map((d) => [d.code as string, d.colour]))
  const bars = r.distribution.map((d) => ({
    label: d.label,
    value: d.count,
    colour: colours.get(d.code) ?? NO_RATING_COLOUR,
  }))
  return horizontalBarChart({
    id,
    title,
    description: r.distribution.map((d) => `${d.label}: ${d.count}`).join(', '),
    bars,
  })
}

export type Dashboard = Awaited<ReturnType<typeof computeDashboard>>

/** The governance health check's headline, which the dashboard shows (the detail is at /governance). */
export interface HealthHeadline {
  total: number
  failingRules: number
  enabledRules: number
  top: Array<{ id: string; title: string; count: number }>
}

interface DashboardDeps {
  programmes: ProgrammesService
  projects: ProjectsService
  milestones: MilestonesService
  /** Supplied by the governance area, which is built after this one. */
  healthHeadline?: (scope: Scope) => Promise<HealthHeadline>
}

async function computeDashboard(deps: DashboardDeps, scope: Scope, scale: RatingScaleId) {
  const period = currentPeriod()
  const [programmes, projects, slipped, health] = await Promise.all([
    deps.programmes.list(scope, { limit: 500 }),
    deps.projects.listProjects(scope, { limit: 100_000, sort: 'reference' }),
    deps.milestones.slipped(scope, { limit: 10 }),
    deps.healthHeadline ? deps.healthHeadline(scope) : null,
  ])
  const live = projects.filter((p) => !FINISHED.has(p.stage))
  const overall = rollUp(live, scale)
  const attention: AttentionRow[] = live
    .map((project) => ({
      project,
      tag: ratingTag(scale, project.rating),
      reasons: attentionReasons(project, scale, period),
    }))
    .filter((a) => a.reasons.length > 0)
    .sort(
      (a, b) => b.reasons.length - a.reasons.length || a.project.reference.localeCompare(b.project.reference),
    )

  const byProgramme = new Map<number, ProjectListRow[]>()
  for (const p of live) byProgramme.set(p.programme_id, [...(byProgramme.get(p.programme_id) ?? []), p])
  const programmeRows = programmes.map((programme) => {
    const r = rollUp(byProgramme.get(programme.id) ?? [], scale)
    return {
      programme,
      rollUp: r,
      worstTag: r.worst ? ratingTag(scale, r.worst) : null,
      summary: r.distribution
        .filter((d) => d.count > 0)
        .map((d) => `${d.count} ${d.label}`)
        .join(', '),
    }
  })

  return {
    period,
    periodLabel: formatPeriod(period),
    scaleName: RATING_SCALES[scale].name,
    counts: {
      programmes: programmes.length,
      liveProjects: live.length,
      attention: attention.length,
      missingCurrent: overall.missingCurrent,
      slippedMilestones: slipped.length,
    },
    overall,
    chart: chartFor(
      'dca-portfolio',
      overall,
      scale,
      `Live projects by delivery confidence, ${formatPeriod(period)}`,
    ),
    programmes: programmeRows,
    attention: attention.slice(0, 15),
    slipped,
    health,
  }
}

export function createPortfolioService(deps: DashboardDeps & { db: Kysely<DB>; changeCache: boolean }) {
  const cached = createChangeCache<Dashboard>(deps.db, undefined, deps.changeCache)

  return {
    /**
     * Everything the portfolio dashboard shows, computed from the other areas' services, the governance
     * headline included. Remembered until anything in the organisation changes (or the day turns): the
     * dashboard is the most visited page, and the health check reads the whole portfolio. `seenSeq`: the
     * change counter as this request's actor read it (see createChangeCache).
     */
    dashboard(scope: Scope, scale: RatingScaleId, seenSeq?: number): Promise<Dashboard> {
      return cached(scope, scale, () => computeDashboard(deps, scope, scale), seenSeq)
    },
  }
}

export type PortfolioService = ReturnType<typeof createPortfolioService>
