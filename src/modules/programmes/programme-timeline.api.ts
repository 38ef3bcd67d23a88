import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { Milestone } from '../../db/schema.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { IdParams, IsoDate, NullableDate, STANDARD_ERRORS } from '../../web/api-schemas.ts'
import { timelineFacts } from './programme-timeline.routes.ts'

const Span = (what: string) =>
  Type.Object({ start: NullableDate, end: NullableDate }, { description: `${what}: either end may be unset` })

const TimelineMilestone = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    status: Type.String(),
    baselineDate: NullableDate,
    forecastDate: NullableDate,
    actualDate: NullableDate,
  },
  { $id: 'TimelineMilestone' },
)

const TimelineProject = Type.Object(
  {
    id: Type.Integer(),
    reference: Type.String(),
    name: Type.String(),
    baseline: Span('The approved baseline'),
    forecast: Span('The forecast'),
    actual: Span('What actually happened; a project under way has a start and no end'),
    milestones: Type.Array(TimelineMilestone, { description: 'By baseline date' }),
  },
  { $id: 'TimelineProject' },
)

const ProgrammeTimelineSchema = Type.Object(
  {
    programme: Type.Object({ id: Type.Integer(), reference: Type.String(), name: Type.String() }),
    today: IsoDate,
    projects: Type.Array(TimelineProject),
  },
  { $id: 'ProgrammeTimeline' },
)

const milestoneJson = (m: Milestone): Static<typeof TimelineMilestone> => ({
  id: m.id,
  name: m.name,
  status: m.status,
  baselineDate: m.baseline_date,
  forecastDate: m.forecast_date,
  actualDate: m.actual_date,
})

/** The programme timeline's facts as dates (issue 13): what the page draws, through the same visibility rule. */
export async function programmeTimelineApi(app: FastifyInstance) {
  app.get<{ Params: { id: number } }>(
    '/api/v1/programmes/:id/timeline',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags: ['Programmes'],
        summary: "A programme's projects and milestones with baseline, forecast and actual dates",
        description:
          'A partner officer gets only the projects shared with their partner, and their milestones.',
        params: IdParams,
        response: { 200: ProgrammeTimelineSchema, ...STANDARD_ERRORS },
      },
    },
    async (request): Promise<Static<typeof ProgrammeTimelineSchema>> => {
      const { programme, projects, milestones } = await timelineFacts(
        app.services,
        scopeOf(request.actor!),
        request.params.id,
      )
      const byProject = new Map<number, Array<Static<typeof TimelineMilestone>>>()
      for (const m of milestones) {
        const list = byProject.get(m.project_id) ?? []
        if (list.length === 0) byProject.set(m.project_id, list)
        list.push(milestoneJson(m))
      }
      return {
        programme: { id: programme.id, reference: programme.reference, name: programme.name },
        today: todayInLondon(),
        projects: projects.map((p) => ({
          id: p.id,
          reference: p.reference,
          name: p.name,
          baseline: { start: p.baseline_start, end: p.baseline_end },
          forecast: { start: p.forecast_start, end: p.forecast_end },
          actual: { start: p.actual_start, end: p.actual_end },
          milestones: byProject.get(p.id) ?? [],
        })),
      }
    },
  )
}
