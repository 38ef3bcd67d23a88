import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../../auth/actor.ts'
import type { BudgetLine } from '../../../db/schema.ts'
import { todayInLondon } from '../../../domain/dates.ts'
import { formatMoney } from '../../../domain/money.ts'
import { financialYearOf } from '../../../domain/periods.ts'
import { ConflictError, notFound } from '../../../errors.ts'
import { errorList, field, FormBody, optionalInt } from '../../../web/forms.ts'
import { handleForm, renderConflict, resubmitFields } from '../../../web/form-pages.ts'
import { checkedSave } from '../shared/finance.forms.ts'
import { BUDGET_LINE_FIELD_ORDER, validateBudgetLine } from '../shared/finance.rules.ts'
import { yearSlug } from '../shared/finance.view-model.ts'
import { budgetLineFormContext, readBudgetLineForm } from './budget-line.form.ts'

const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })
const LineParams = Type.Object({ budgetLineId: Type.Integer({ minimum: 1 }) })

/** Adding and changing a project's budget lines. */
export async function budgetLinesRoutes(app: FastifyInstance) {
  const { finance, projects } = app.services
  const LINE_FORM = 'finance/views/budget-line-form.njk'

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
      return handleForm(reply, {
        save: () =>
          checkedSave(
            errors,
            () => validateBudgetLine(input),
            () => finance.createBudgetLine(request.actor!, project.id, input),
          ),
        onInvalid: invalid,
        onSaved: (line) => {
          reply.flash(`Budget line of ${formatMoney(Number(line.amount_pence))} added`)
          return reply.redirect(`/projects/${project.id}/finance?year=${yearSlug(line.financial_year)}`, 303)
        },
      })
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
      return handleForm(reply, {
        save: () =>
          checkedSave(
            errors,
            () => validateBudgetLine(input),
            () => finance.updateBudgetLine(request.actor!, line.id, version, input),
          ),
        onInvalid: invalid,
        onConflict: (conflict) => {
          if (!(conflict instanceof ConflictError)) throw conflict
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
        onSaved: (updated) => {
          reply.flash('Budget line updated')
          return reply.redirect(
            `/projects/${line.project_id}/finance?year=${yearSlug(updated.financial_year)}`,
            303,
          )
        },
      })
    },
  )
}
