import type { FastifyInstance } from 'fastify'
import { scopeOf, type Scope } from '../../auth/actor.ts'
import { formatDate, todayInLondon } from '../../domain/dates.ts'
import { notFound } from '../../errors.ts'
import { IdParams } from '../../web/api-schemas.ts'
import { timelineChart } from '../../web/timeline-chart.ts'
import { programmeTimeline } from './programme-timeline.rules.ts'

/** The programme and what its timeline shows, as the reader may see them (page and API alike). */
export async function timelineFacts(
  services: FastifyInstance['services'],
  scope: Scope,
  programmeId: number,
) {
  const programme = await services.programmes.get(scope, programmeId)
  if (!programme) throw notFound('Programme')
  return {
    programme,
    projects: await services.projects.forProgramme(scope, programme.id),
    milestones: await services.milestones.forProgramme(scope, programme.id),
  }
}

/**
 * The programme timeline (issue 13): its projects and milestones on one time axis, as an SVG and as a table,
 * through the one visibility rule (a partner officer sees only the projects shared with their partner). It prints
 * on A4 landscape (public/timeline-print.css).
 */
export async function programmeTimelineRoutes(app: FastifyInstance) {
  app.get<{ Params: { id: number } }>(
    '/programmes/:id/timeline',
    { config: { policy: 'portfolio.read' }, schema: { params: IdParams } },
    async (request, reply) => {
      const { programme, projects, milestones } = await timelineFacts(
        app.services,
        scopeOf(request.actor!),
        request.params.id,
      )
      const today = todayInLondon()
      const timeline = programmeTimeline(projects, milestones, today)
      const hasDates = timeline.chart.some((r) => r.baseline ?? r.forecast ?? r.actual)
      const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`
      const chart = hasDates
        ? timelineChart({
            id: 'timeline',
            title: `Timeline of ${programme.name}`,
            description:
              `${count(timeline.projects, 'project')} and ${count(timeline.milestones, 'milestone')}: ` +
              `for each, the baseline (outlined bar or hollow diamond), the forecast (dashed bar or triangle) and ` +
              `what actually happened (solid bar or filled diamond), with a line for today, ${formatDate(today)}. ` +
              'The table below gives the same dates.',
            rows: timeline.chart,
            today,
          })
        : null
      return reply.render('programmes/views/timeline.njk', {
        title: `Timeline: ${programme.name}`,
        breadcrumbs: [
          { text: 'Dashboard', href: '/' },
          { text: 'Programmes', href: '/programmes' },
          { text: programme.name, href: `/programmes/${programme.id}` },
        ],
        programme,
        chart,
        rows: timeline.table,
        today,
      })
    },
  )
}
