import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../../auth/actor.ts'
import { formatMoney } from '../../../domain/money.ts'
import { currentPeriod, parseFinancialYear } from '../../../domain/periods.ts'
import { notFound } from '../../../errors.ts'
import { handleForm, readMoneyField } from '../../../web/form-pages.ts'
import { checkedSave } from '../shared/finance.forms.ts'
import { errorList, field, FormBody } from '../../../web/forms.ts'
import { validateForecast } from '../shared/finance.rules.ts'
import { periodItems, yearFrom, yearSlug } from '../shared/finance.view-model.ts'

const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })
const YearQuery = Type.Object({ year: Type.Optional(Type.String({ maxLength: 10 })) })

/** The monthly round: the forecast outturn, and the joint sign-off by finance and the project manager. */
export async function monitoringRoutes(app: FastifyInstance) {
  const { finance, projects } = app.services

  const FORECAST_FORM = 'finance/views/forecast-form.njk'
  const SIGN_OFF_FORM = 'finance/views/sign-off-form.njk'

  app.get<{ Params: { projectId: number }; Querystring: { year?: string } }>(
    '/projects/:projectId/finance/forecast',
    { config: { policy: 'finance.monitor' }, schema: { params: ProjectParams, querystring: YearQuery } },
    async (request, reply) => {
      const project = await projects.get(scopeOf(request.actor!), request.params.projectId)
      if (!project) throw notFound('Project')
      const year = yearFrom(request.query.year)
      return reply.render(FORECAST_FORM, {
        title: `Forecast outturn for ${project.name}`,
        project,
        backLink: `/projects/${project.id}/finance?year=${yearSlug(year)}`,
        values: { financialYear: year, forecast: '', note: '' },
        periods: periodItems(year, currentPeriod()),
        errors: {},
        errorList: [],
      })
    },
  )

  app.post<{ Params: { projectId: number }; Body: FormBody }>(
    '/projects/:projectId/finance/forecast',
    { config: { policy: 'finance.monitor' }, schema: { params: ProjectParams, body: FormBody } },
    async (request, reply) => {
      const project = await projects.get(scopeOf(request.actor!), request.params.projectId)
      if (!project) throw notFound('Project')
      const errors: Record<string, string> = {}
      const b = request.body
      const input = {
        financialYear: field(b, 'financialYear'),
        period: field(b, 'period'),
        forecastPence: readMoneyField(field(b, 'forecast'), 'forecast', 'Forecast outturn', errors),
        note: field(b, 'note'),
      }
      const year = parseFinancialYear(input.financialYear)?.label ?? yearFrom(undefined)
      const invalid = (errs: Record<string, string>) => {
        const all = { ...errs, ...errors }
        return reply.render(
          FORECAST_FORM,
          {
            title: `Forecast outturn for ${project.name}`,
            project,
            backLink: `/projects/${project.id}/finance?year=${yearSlug(year)}`,
            values: { financialYear: input.financialYear, forecast: field(b, 'forecast'), note: input.note },
            periods: periodItems(year, input.period),
            errors: all,
            errorList: errorList(all, ['financialYear', 'period', 'forecast', 'note']),
          },
          400,
        )
      }
      return handleForm(reply, {
        save: () =>
          checkedSave(
            errors,
            () => validateForecast(input),
            () => finance.recordForecast(request.actor!, project.id, input),
          ),
        onInvalid: invalid,
        onSaved: (forecast) => {
          reply.flash(`Forecast outturn of ${formatMoney(Number(forecast.forecast_outturn_pence))} recorded`)
          return reply.redirect(`/projects/${project.id}/finance?year=${yearSlug(year)}`, 303)
        },
      })
    },
  )

  const signOffContext = (
    project: { id: number; name: string },
    year: string,
    role: string,
    values: { period: string; as: string; forecastConfirmed: boolean; varianceExplanation: string },
    errors: Record<string, string>,
  ) => ({
    title: `Sign off budget monitoring for ${project.name}`,
    project,
    backLink: `/projects/${project.id}/finance?year=${yearSlug(year)}`,
    financialYear: year,
    periods: periodItems(year, values.period),
    asItems: [
      { value: 'finance', text: 'Finance officer', checked: values.as === 'finance' },
      { value: 'project', text: 'Project manager', checked: values.as === 'project' },
    ],
    values,
    role,
    errors,
    errorList: errorList(errors, ['period', 'as', 'forecastConfirmed', 'varianceExplanation']),
  })

  app.get<{ Params: { projectId: number }; Querystring: { year?: string } }>(
    '/projects/:projectId/finance/sign-off',
    { config: { policy: 'finance.monitor' }, schema: { params: ProjectParams, querystring: YearQuery } },
    async (request, reply) => {
      const actor = request.actor!
      const project = await projects.get(scopeOf(actor), request.params.projectId)
      if (!project) throw notFound('Project')
      const year = yearFrom(request.query.year)
      const as = actor.role === 'finance_officer' || actor.role === 'administrator' ? 'finance' : 'project'
      return reply.render(
        SIGN_OFF_FORM,
        signOffContext(
          project,
          year,
          actor.role,
          { period: currentPeriod(), as, forecastConfirmed: false, varianceExplanation: '' },
          {},
        ),
      )
    },
  )

  app.post<{ Params: { projectId: number }; Body: FormBody }>(
    '/projects/:projectId/finance/sign-off',
    { config: { policy: 'finance.monitor' }, schema: { params: ProjectParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const project = await projects.get(scopeOf(actor), request.params.projectId)
      if (!project) throw notFound('Project')
      const b = request.body
      const as: 'finance' | 'project' = field(b, 'as') === 'project' ? 'project' : 'finance'
      const input = {
        period: field(b, 'period'),
        as: as,
        forecastConfirmed: field(b, 'forecastConfirmed') === 'yes',
        varianceExplanation: field(b, 'varianceExplanation'),
      }
      const year = yearFrom(field(b, 'financialYear'))
      return handleForm(reply, {
        save: () => finance.signOff(actor, project.id, input),
        onInvalid: (errs) =>
          reply.render(SIGN_OFF_FORM, signOffContext(project, year, actor.role, input, errs), 400),
        onSaved: () => {
          reply.flash(`Budget monitoring signed off for ${as === 'finance' ? 'finance' : 'the project'}`)
          return reply.redirect(`/projects/${project.id}/finance?year=${yearSlug(year)}`, 303)
        },
      })
    },
  )
}
