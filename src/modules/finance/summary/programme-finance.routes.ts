import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../../auth/actor.ts'
import { notFound } from '../../../errors.ts'
import { sendWorkbook } from '../../../web/exports.ts'
import { programmeSummarySheets } from './programme-summary.export.ts'
import { fundingKindLabel } from '../shared/finance.rules.ts'
import { moneyHelpers, yearFrom, yearSlug } from '../shared/finance.view-model.ts'

const ProgrammeParams = Type.Object({ programmeId: Type.Integer({ minimum: 1 }) })
const YearQuery = Type.Object({ year: Type.Optional(Type.String({ maxLength: 10 })) })

export async function programmeFinanceRoutes(app: FastifyInstance) {
  const { finance } = app.services

  app.get<{ Params: { programmeId: number }; Querystring: { year?: string } }>(
    '/programmes/:programmeId/finance',
    { config: { policy: 'portfolio.read' }, schema: { params: ProgrammeParams, querystring: YearQuery } },
    async (request, reply) => {
      const s = await finance.programmeSummary(
        scopeOf(request.actor!),
        request.params.programmeId,
        yearFrom(request.query.year),
      )
      if (!s) throw notFound('Programme')
      return reply.render('finance/views/programme-finance.njk', {
        ...moneyHelpers,
        title: `Finance summary: ${s.programme.name}`,
        breadcrumbs: [
          { text: 'Dashboard', href: '/' },
          { text: s.programme.name, href: `/programmes/${s.programme.id}` },
        ],
        s,
        yearSlug: yearSlug(s.financialYear),
        yearLinks: s.years.map((y) => ({ label: y, slug: yearSlug(y), current: y === s.financialYear })),
        streams: s.fundingStreams.map((f) => ({ ...f, kindLabel: fundingKindLabel(f.kind) })),
      })
    },
  )

  app.get<{ Params: { programmeId: number }; Querystring: { year?: string } }>(
    '/programmes/:programmeId/finance/summary.xlsx',
    { config: { policy: 'portfolio.read' }, schema: { params: ProgrammeParams, querystring: YearQuery } },
    async (request, reply) => {
      const s = await finance.programmeSummary(
        scopeOf(request.actor!),
        request.params.programmeId,
        yearFrom(request.query.year),
      )
      if (!s) throw notFound('Programme')
      return sendWorkbook(
        reply,
        request.actor!.organisationSlug,
        `${s.programme.reference}-finance-${yearSlug(s.financialYear)}`,
        programmeSummarySheets(s),
      )
    },
  )
}
