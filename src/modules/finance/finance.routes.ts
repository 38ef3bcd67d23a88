import { financeClaimEditRoutes } from './finance-claim-edit.routes.ts'
import { financeCommitmentsRoutes } from './finance-commitments.routes.ts'
import { financeCorrectionsRoutes } from './finance-corrections.routes.ts'
import { financeLandingRoutes } from './finance-landing.routes.ts'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { BudgetLine } from '../../db/schema.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { formatMoney } from '../../domain/money.ts'
import { financialYearOf } from '../../domain/periods.ts'
import { notFound, ValidationError } from '../../errors.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import { renderConflict, resubmitFields, trySave } from '../../web/form-pages.ts'
import { spendProfileChart } from './finance.chart.ts'
import {
  BUDGET_LINE_FIELD_ORDER,
  categoryLabel,
  claimStatusLabel,
  costTypeLabel,
  profileMethodLabel,
  validateBudgetLine,
} from './finance.rules.ts'
import {
  budgetLineFormContext,
  moneyHelpers,
  readBudgetLineForm,
  yearFrom,
  yearSlug,
} from './finance.view-model.ts'

const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })
const LineParams = Type.Object({ budgetLineId: Type.Integer({ minimum: 1 }) })
const YearQuery = Type.Object({ year: Type.Optional(Type.String({ maxLength: 10 })) })

export async function financeRoutes(app: FastifyInstance) {
  const { finance, projects } = app.services
  const LINE_FORM = 'finance/views/budget-line-form.njk'

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

  const renderLineForm = async (
    reply: FastifyReply,
    opts: {
      title: string
      action: string
      backLink: string
      body: FormBody | null
      line: Awaited<ReturnType<typeof finance.budgetLine>> | null
      errors: Record<string, string>
      version?: number
    },
    status = 200,
  ) => {
    const streams = await finance.fundingStreams(scopeOf(reply.request.actor!))
    return reply.render(
      LINE_FORM,
      {
        title: opts.title,
        action: opts.action,
        backLink: opts.backLink,
        version: opts.version,
        errors: opts.errors,
        errorList: errorList(opts.errors, BUDGET_LINE_FIELD_ORDER),
        noStreams: streams.length === 0,
        ...budgetLineFormContext({
          body: opts.body,
          line: opts.line ?? null,
          streams,
          defaultYear: financialYearOf(todayInLondon()).label,
        }),
      },
      status,
    )
  }

  app.get<{ Params: { projectId: number } }>(
    '/projects/:projectId/budget-lines/new',
    { config: { policy: 'finance.write' }, schema: { params: ProjectParams } },
    async (request, reply) => {
      const project = await projects.get(scopeOf(request.actor!), request.params.projectId)
      if (!project) throw notFound('Project')
      return renderLineForm(reply, {
        title: `Add a budget line to ${project.name}`,
        action: `/projects/${project.id}/budget-lines`,
        backLink: `/projects/${project.id}/finance`,
        body: null,
        line: null,
        errors: {},
      })
    },
  )

  app.post<{ Params: { projectId: number }; Body: FormBody }>(
    '/projects/:projectId/budget-lines',
    { config: { policy: 'finance.write' }, schema: { params: ProjectParams, body: FormBody } },
    async (request, reply) => {
      const project = await projects.get(scopeOf(request.actor!), request.params.projectId)
      if (!project) throw notFound('Project')
      const errors: Record<string, string> = {}
      const input = readBudgetLineForm(request.body, errors)
      const invalid = (errs: Record<string, string>) =>
        renderLineForm(
          reply,
          {
            title: `Add a budget line to ${project.name}`,
            action: `/projects/${project.id}/budget-lines`,
            backLink: `/projects/${project.id}/finance`,
            body: request.body,
            line: null,
            errors: { ...errs, ...errors },
          },
          400,
        )
      const result = await trySave(
        async () => {
          if (Object.keys(errors).length > 0)
            throw new ValidationError({ ...validateBudgetLine(input), ...errors })
          return finance.createBudgetLine(request.actor!, project.id, input)
        },
        invalid,
        () => invalid({}),
      )
      if (!result.ok) return result.response
      reply.flash(`Budget line of ${formatMoney(Number(result.value.amount_pence))} added`)
      return reply.redirect(
        `/projects/${project.id}/finance?year=${yearSlug(result.value.financial_year)}`,
        303,
      )
    },
  )

  app.get<{ Params: { budgetLineId: number } }>(
    '/budget-lines/:budgetLineId/edit',
    { config: { policy: 'finance.write' }, schema: { params: LineParams } },
    async (request, reply) => {
      const line = await finance.budgetLine(scopeOf(request.actor!), request.params.budgetLineId)
      if (!line) throw notFound('Budget line')
      return renderLineForm(reply, {
        title: 'Change a budget line',
        action: `/budget-lines/${line.id}/edit`,
        backLink: `/projects/${line.project_id}/finance?year=${yearSlug(line.financial_year)}`,
        body: null,
        line,
        errors: {},
        version: line.version,
      })
    },
  )

  app.post<{ Params: { budgetLineId: number }; Body: FormBody }>(
    '/budget-lines/:budgetLineId/edit',
    { config: { policy: 'finance.write' }, schema: { params: LineParams, body: FormBody } },
    async (request, reply) => {
      const line = await finance.budgetLine(scopeOf(request.actor!), request.params.budgetLineId)
      if (!line) throw notFound('Budget line')
      const errors: Record<string, string> = {}
      const input = readBudgetLineForm(request.body, errors)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      const back = `/projects/${line.project_id}/finance?year=${yearSlug(line.financial_year)}`
      const invalid = (errs: Record<string, string>) =>
        renderLineForm(
          reply,
          {
            title: 'Change a budget line',
            action: `/budget-lines/${line.id}/edit`,
            backLink: back,
            body: request.body,
            line,
            errors: { ...errs, ...errors },
            version,
          },
          400,
        )
      const result = await trySave(
        async () => {
          if (Object.keys(errors).length > 0)
            throw new ValidationError({ ...validateBudgetLine(input), ...errors })
          return finance.updateBudgetLine(request.actor!, line.id, version, input)
        },
        invalid,
        (conflict) => {
          const saved = conflict.current as BudgetLine
          return renderConflict(reply, {
            title: 'Budget line',
            recordUrl: back,
            action: `/budget-lines/${line.id}/edit`,
            rows: [
              {
                label: 'Amount',
                yours: formatMoney(input.amountPence),
                saved: formatMoney(Number(saved.amount_pence)),
              },
              { label: 'Description', yours: input.description, saved: saved.description },
            ],
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        },
      )
      if (!result.ok) return result.response
      reply.flash('Budget line updated')
      return reply.redirect(
        `/projects/${line.project_id}/finance?year=${yearSlug(result.value.financial_year)}`,
        303,
      )
    },
  )
  await app.register(financeCommitmentsRoutes)
  await app.register(financeLandingRoutes)
  await app.register(financeClaimEditRoutes)
  await app.register(financeCorrectionsRoutes)
}
