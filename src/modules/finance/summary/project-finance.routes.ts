import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../../auth/actor.ts'
import { allows } from '../../../auth/policy.ts'
import { notFound } from '../../../errors.ts'
import {
  categoryLabel,
  claimStatusLabel,
  costTypeLabel,
  profileMethodLabel,
} from '../shared/finance.rules.ts'
import { moneyHelpers, yearFrom, yearSlug } from '../shared/finance.view-model.ts'
import { spendProfileChart } from './spend-profile.chart.ts'

const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })
const YearQuery = Type.Object({ year: Type.Optional(Type.String({ maxLength: 10 })) })

/** A project's finance page: the year's budget lines, spend against profile, claims and monthly monitoring. */
export async function projectFinanceRoutes(app: FastifyInstance) {
  const { finance } = app.services

  app.get<{ Params: { projectId: number }; Querystring: { year?: string } }>(
    '/projects/:projectId/finance',
    { config: { policy: 'portfolio.read' }, schema: { params: ProjectParams, querystring: YearQuery } },
    async (request, reply) => {
      const actor = request.actor!
      const year = yearFrom(request.query.year)
      const f = await finance.projectFinance(scopeOf(actor), request.params.projectId, year)
      if (!f) throw notFound('Project')
      const p = f.project
      return reply.render('finance/views/project-finance.njk', {
        ...moneyHelpers,
        title: `Finance: ${p.name}`,
        breadcrumbs: [
          { text: 'Dashboard', href: '/' },
          { text: p.name, href: `/projects/${p.id}` },
        ],
        f,
        yearSlug: yearSlug(f.financialYear),
        yearLinks: f.years.map((y) => ({ label: y, slug: yearSlug(y), current: y === f.financialYear })),
        chart: spendProfileChart({
          id: 'spend-profile',
          title: `Spend to date against profile, ${f.financialYear}`,
          points: f.periods.map((x) => ({
            label: `P${x.number}`,
            cumulativeProfiled: x.cumulativeProfiled,
            cumulativeActual: x.cumulativeActual,
          })),
        }),
        lines: f.lines.map((l) => ({
          ...l,
          categoryLabel: categoryLabel(l.category),
          costTypeLabel: costTypeLabel(l.cost_type),
          profileLabel: profileMethodLabel(l.profile_method),
        })),
        claims: f.claims.map((c) => ({ ...c, statusLabel: claimStatusLabel(c.status) })),
        monitoring: f.monitoring.map((m) => ({
          ...m,
          complete: Boolean(m.finance_signed_off_at && m.pm_signed_off_at && m.forecast_confirmed),
        })),
        canWrite: allows('finance.write', actor.role),
        canMonitor: allows('finance.monitor', actor.role),
      })
    },
  )
}
