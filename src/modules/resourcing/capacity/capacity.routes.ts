import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import { allows } from '../../../auth/policy.ts'
import { formatFteFixed } from '../../../domain/fte.ts'
import { formatPeriod } from '../../../domain/periods.ts'
import { notFound, ValidationError } from '../../../errors.ts'
import { IdParams } from '../../../web/api-schemas.ts'
import { errorList } from '../../../web/forms.ts'
import { download } from '../../../web/exports.ts'
import { allocationEditRoutes } from './allocation-edit.routes.ts'
import { forecastStartRoutes } from './forecast-start.routes.ts'
import { projectRolesRoutes } from './project-roles.routes.ts'
import { roleEditRoutes } from './role-edit.routes.ts'
import { allocationsTable, capacityTable } from './capacity-export.ts'
import { capacityHeatMap, unfilledOf } from './capacity.heat-map.ts'
import { NO_SKILL } from './capacity.repository.ts'
import type { CapacityQuery } from './capacity.service.ts'

// The capacity page (issue 10): filters as a GET form that works without JavaScript; the heat map and the same
// figures as a table; over-allocation, unfilled roles and skills nobody holds; CSV and Excel of both tables.

const PageQuery = Type.Object({
  programmeId: Type.Optional(Type.String({ maxLength: 12 })),
  team: Type.Optional(Type.String({ maxLength: 200 })),
  skillId: Type.Optional(Type.String({ maxLength: 12 })),
  from: Type.Optional(Type.String({ maxLength: 20 })),
  to: Type.Optional(Type.String({ maxLength: 20 })),
  by: Type.Optional(Type.String({ maxLength: 10 })),
})
type PageQuery = Static<typeof PageQuery>

/** The page's query as the service's filter: empty fields are no filter; a number that is not one is none. */
function filterOf(q: PageQuery): CapacityQuery {
  const id = (v: string | undefined) => (v && /^\d{1,9}$/.test(v) ? Number(v) : undefined)
  const text = (v: string | undefined) => (v && v.trim() !== '' ? v.trim() : undefined)
  const out: CapacityQuery = { by: q.by === 'team' ? 'team' : 'skill' }
  const programmeId = id(q.programmeId)
  const skillId = id(q.skillId)
  if (programmeId !== undefined) out.programmeId = programmeId
  if (skillId !== undefined) out.skillId = skillId
  if (text(q.team) !== undefined) out.team = text(q.team)!
  if (text(q.from) !== undefined) out.from = text(q.from)!
  if (text(q.to) !== undefined) out.to = text(q.to)!
  return out
}

const groupLabel = (by: string) => (name: string) =>
  name === '' ? (by === 'team' ? 'No team' : NO_SKILL) : name

export async function capacityRoutes(app: FastifyInstance) {
  const { capacity, demand } = app.services.resourcing.capacity
  const { programmes } = app.services
  const { skills, teams } = app.services.resourcing

  await app.register(projectRolesRoutes)
  await app.register(roleEditRoutes)
  await app.register(allocationEditRoutes)
  await app.register(forecastStartRoutes)

  async function page(reply: FastifyReply, actor: Actor, q: PageQuery) {
    const scope = scopeOf(actor)
    const filter = filterOf(q)
    let errors: Record<string, string> = {}
    let report = null
    try {
      report = await capacity.report(scope, filter)
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err
      errors = err.fields ?? {}
    }
    const [programmeList, skillList, roles, teamList] = await Promise.all([
      programmes.list(scope, { limit: 500 }),
      skills.list(scope),
      demand.roles(scope, filter.programmeId !== undefined ? { programmeId: filter.programmeId } : {}),
      teams(actor.organisationId),
    ])
    // The organisation's one team list; a team only a role names is added, so no demand is out of reach.
    const teamNames = [
      ...new Set([...teamList, ...roles.map((r) => r.team).filter((t) => t !== '')]),
      ...(filter.team === undefined ? [] : [filter.team]),
    ]
    const label = groupLabel(filter.by ?? 'skill')
    const qs = new URLSearchParams(
      Object.entries(q).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
    ).toString()
    return reply.render(
      'resourcing/capacity/views/capacity.njk',
      {
        title: 'Capacity',
        canMoveStart: allows('project.write', actor.role),
        errors,
        errorList: errorList(errors, ['from', 'to']),
        values: {
          from: q.from ?? report?.filter.from ?? '',
          to: q.to ?? report?.filter.to ?? '',
        },
        by: filter.by,
        programmeItems: [
          { value: '', text: 'All programmes' },
          ...programmeList.map((p) => ({
            value: String(p.id),
            text: `${p.reference} ${p.name}`,
            selected: p.id === filter.programmeId,
          })),
        ],
        skillItems: [
          { value: '', text: 'All skills' },
          ...skillList.map((s) => ({ value: String(s.id), text: s.name, selected: s.id === filter.skillId })),
        ],
        teamItems: [
          { value: '', text: 'All teams' },
          ...[...new Set(teamNames)]
            .sort((a, b) => a.localeCompare(b))
            .map((t) => ({ value: t, text: t, selected: t === filter.team })),
        ],
        exportQuery: qs === '' ? '' : `?${qs}`,
        report: report && {
          heatMap: capacityHeatMap('capacity-heat-map', report, label),
          rows: report.groups.flatMap((g) =>
            g.cells.map((c) => ({
              group: label(g.name),
              month: formatPeriod(c.period),
              demand: formatFteFixed(c.demand),
              allocated: formatFteFixed(c.allocated),
              toVacantPosts: formatFteFixed(c.toVacantPosts),
              available: formatFteFixed(c.available),
              unfilled: formatFteFixed(unfilledOf(c)),
            })),
          ),
          overAllocated: report.overAllocated.map((o) => ({
            ...o,
            month: formatPeriod(o.period),
            allocated: formatFteFixed(o.allocated),
            available: formatFteFixed(o.available),
          })),
          unfilled: report.unfilled.map((u) => ({
            ...u,
            from: formatPeriod(u.firstPeriod),
            gap: formatFteFixed(u.gap),
          })),
          skillsNobodyHolds: report.skillsNobodyHolds,
          period: `${formatPeriod(report.filter.from)} to ${formatPeriod(report.filter.to)}`,
        },
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  app.get<{ Querystring: PageQuery }>(
    '/capacity',
    { config: { policy: 'people.read' }, schema: { querystring: PageQuery } },
    async (request, reply) => page(reply, request.actor!, request.query),
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/programmes/:id/capacity',
    { config: { policy: 'people.read' }, schema: { params: IdParams } },
    async (request, reply) => {
      const programme = await programmes.get(scopeOf(request.actor!), request.params.id)
      if (!programme) throw notFound('Programme')
      return reply.redirect(`/capacity?programmeId=${programme.id}`, 303)
    },
  )

  for (const format of ['csv', 'xlsx'] as const) {
    app.get<{ Querystring: PageQuery }>(
      `/capacity/export.${format}`,
      { config: { policy: 'people.read' }, schema: { querystring: PageQuery } },
      async (request, reply) => {
        const filter = filterOf(request.query)
        const report = await capacity.report(scopeOf(request.actor!), filter)
        return download(reply, capacityTable(report, groupLabel(filter.by ?? 'skill')), 'capacity', format)
      },
    )
    app.get<{ Querystring: PageQuery }>(
      `/capacity/allocations.${format}`,
      { config: { policy: 'people.read' }, schema: { querystring: PageQuery } },
      async (request, reply) => {
        const scope = scopeOf(request.actor!)
        const programmeId = filterOf(request.query).programmeId
        const rows = await demand.allocations(scope, programmeId === undefined ? {} : { programmeId })
        const months = await demand.allocationMonths(rows.map((a) => a.id))
        return download(reply, allocationsTable(rows, months), 'allocations', format)
      },
    )
  }
}
