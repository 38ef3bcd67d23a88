import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import { allows } from '../../../auth/policy.ts'
import type { Indicator } from '../../../db/schema.ts'
import { formatPeriodKey } from '../../../domain/reporting-periods.ts'
import { notFound, type ConflictError } from '../../../errors.ts'
import { createChangeCache } from '../../audit/change-cache.ts'
import { IdParams } from '../../../web/api-schemas.ts'
import { handleForm, renderConflict, whenStale } from '../../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../../web/forms.ts'
import { download } from '../../../web/exports.ts'
import { indicatorFormContext, inputOf, readIndicatorForm, resubmitIndicator } from './indicators.forms.ts'
import { decimalInUnit, labelOf, UNITS, type IndicatorInput } from './indicators.rules.ts'
import type { IndicatorView, OwnerInput } from './indicators.service.ts'
import { groupMix, indicatorPage, latestSummary, type IndicatorPage } from './indicators.view.ts'

const HOME = { text: 'Indicators', href: '/indicators' }
const GroupQuery = Type.Object({ name: Type.String({ maxLength: 100 }) })
const PeriodQuery = Type.Object({ period: Type.Optional(Type.String({ maxLength: 40 })) })

type Values = { input: IndicatorInput; owner: OwnerInput }

/** Performance indicators' pages (issue 11): the list by group, a group's mix, one indicator, forms, export. */
export async function indicatorsRoutes(app: FastifyInstance) {
  const service = app.services.indicators
  // The page's series, chart and table, remembered per reader's scope and indicator until anything in the
  // organisation changes (a value, a target, a link, an owner's name): its 120 rows and SVG chart are most of
  // the page's cost, and figures are read far more often than entered.
  const pages = createChangeCache<IndicatorPage>(app.database.db, 200, app.config.changeCache)

  async function viewOr404(actor: Actor, id: number) {
    const v = await service.view(scopeOf(actor), id)
    if (!v) throw notFound('Indicator')
    return v
  }

  const row = (v: IndicatorView) => ({
    id: v.indicator.id,
    name: v.indicator.name,
    unit: labelOf(UNITS, v.indicator.unit),
    retired: v.indicator.status !== 'active',
    latest: latestSummary(v),
  })

  app.get('/indicators', { config: { policy: 'portfolio.read' } }, async (request, reply) => {
    const actor = request.actor!
    const views = await service.all(scopeOf(actor))
    const groups = new Map<string, IndicatorView[]>()
    for (const v of views)
      groups.set(v.indicator.group_name, [...(groups.get(v.indicator.group_name) ?? []), v])
    return reply.render('outcomes/indicators/views/list.njk', {
      title: 'Performance indicators',
      canDefine: service.canDefine(actor),
      canImport: allows('indicator.import', actor.role),
      groups: [...groups].map(([name, vs]) => ({ name, rows: vs.map(row) })),
    })
  })

  app.get<{ Querystring: { name: string } }>(
    '/indicators/group',
    { config: { policy: 'portfolio.read' }, schema: { querystring: GroupQuery } },
    async (request, reply) => {
      const views = (await service.all(scopeOf(request.actor!))).filter(
        (v) => v.indicator.group_name === request.query.name && request.query.name !== '',
      )
      if (views.length === 0) throw notFound('Group')
      return reply.render('outcomes/indicators/views/group.njk', {
        title: request.query.name,
        breadcrumbs: [HOME],
        rows: views.map(row),
        mix: groupMix(views),
      })
    },
  )

  async function showForm(
    reply: FastifyReply,
    opts: { title: string; action: string; backLink: string; version: number | string | null },
    values: Values,
    errors: Record<string, string>,
  ) {
    const options = await service.options(reply.request.actor!, values.owner.personId)
    return reply.render(
      'outcomes/indicators/views/form.njk',
      { ...opts, breadcrumbs: [HOME], ...indicatorFormContext(values, options, errors) },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  const blank: Values = {
    input: {
      name: '',
      description: '',
      unit: '',
      scale: 0,
      polarity: '',
      frequency: '',
      rollup: 'sum',
      groupName: '',
      dataSource: '',
      status: 'active',
      ambitionIds: [],
      programmeIds: [],
      projectIds: [],
    },
    owner: { personId: null, name: '' },
  }
  const NEW = { title: 'Add an indicator', action: '/indicators/new', backLink: '/indicators', version: null }

  app.get('/indicators/new', { config: { policy: 'programme.write' } }, async (_request, reply) =>
    showForm(reply, NEW, blank, {}),
  )

  app.post<{ Body: FormBody }>(
    '/indicators/new',
    { config: { policy: 'programme.write' }, schema: { body: FormBody } },
    async (request, reply) => {
      const values = readIndicatorForm(request.body)
      return handleForm(reply, {
        save: () => service.create(request.actor!, values.input, values.owner),
        onInvalid: (errors) => showForm(reply, NEW, values, errors),
        onSaved: (i: Indicator) => {
          reply.flash(`${i.name} added`)
          return reply.redirect(`/indicators/${i.id}`, 303)
        },
      })
    },
  )

  app.get<{ Params: { id: number } }>(
    '/indicators/:id',
    { config: { policy: 'portfolio.read' }, schema: { params: IdParams } },
    async (request, reply) => {
      const actor = request.actor!
      const id = request.params.id
      const page = await pages(
        scopeOf(actor),
        String(id),
        async () => indicatorPage(await viewOr404(actor, id)),
        actor.changeSeq,
      )
      return reply.render('outcomes/indicators/views/indicator.njk', {
        title: page.indicator.name,
        breadcrumbs: [HOME],
        ...page,
        canDefine: service.canDefine(actor),
        canEnter: await service.canEnter(actor, page.indicator),
        historyUrl: `/history/indicator/${id}`,
      })
    },
  )

  for (const format of ['csv', 'xlsx'] as const)
    app.get<{ Params: { id: number } }>(
      `/indicators/:id/export.${format}`,
      { config: { policy: 'portfolio.read' }, schema: { params: IdParams } },
      async (request, reply) => {
        const v = await viewOr404(request.actor!, request.params.id)
        const i = v.indicator
        const num = (n: number | null) => (n === null ? '' : decimalInUnit(i.unit, i.scale, n))
        return download(
          reply,
          {
            name: i.name.slice(0, 31),
            header: [
              'Period',
              'Period key',
              'Value',
              'Target',
              'Warning threshold',
              'Status',
              'Note',
              'Entered by',
              'Entered at',
            ],
            rows: v.series.map((p) => [
              formatPeriodKey(p.period),
              p.period,
              num(p.value),
              num(p.target),
              num(p.warning),
              p.status ?? '',
              p.note,
              p.enteredBy,
              p.enteredAt ?? '',
            ]),
            money: [],
            numeric: [2, 3, 4],
          },
          `indicator-${i.id}`,
          format,
        )
      },
    )

  const editOpts = (i: Indicator, version: number | string) => ({
    title: `Edit ${i.name}`,
    action: `/indicators/${i.id}/edit`,
    backLink: `/indicators/${i.id}`,
    version,
  })

  app.get<{ Params: { id: number } }>(
    '/indicators/:id/edit',
    { config: { policy: 'programme.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const v = await viewOr404(request.actor!, request.params.id)
      return showForm(reply, editOpts(v.indicator, v.indicator.version), inputOf(v), {})
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/indicators/:id/edit',
    { config: { policy: 'programme.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const v = await viewOr404(actor, request.params.id)
      const values = readIndicatorForm(request.body)
      const version = field(request.body, 'version')
      return handleForm(reply, {
        save: () =>
          service.update(actor, v.indicator.id, optionalInt(version) ?? 0, values.input, values.owner),
        onInvalid: (errors) => showForm(reply, editOpts(v.indicator, version), values, errors),
        onConflict: whenStale(async (err) => {
          const saved = (err as ConflictError<Indicator>).current
          return renderConflict(reply, {
            title: saved.name,
            recordUrl: `/indicators/${saved.id}`,
            action: `/indicators/${saved.id}/edit`,
            rows: [
              { label: 'Name', yours: values.input.name, saved: saved.name },
              { label: 'Description', yours: values.input.description, saved: saved.description },
              { label: 'Unit', yours: labelOf(UNITS, values.input.unit), saved: labelOf(UNITS, saved.unit) },
              { label: 'Frequency', yours: values.input.frequency, saved: saved.frequency },
              { label: 'Group', yours: values.input.groupName, saved: saved.group_name },
              { label: 'Data source', yours: values.input.dataSource, saved: saved.data_source },
              { label: 'Status', yours: values.input.status, saved: saved.status },
            ],
            resubmit: resubmitIndicator(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: (i: Indicator) => {
          reply.flash(`${i.name} saved`)
          return reply.redirect(`/indicators/${i.id}`, 303)
        },
      })
    },
  )

  // One period's value (or target): a blank form, or, with ?period=, the one held, to correct.
  for (const part of ['values', 'targets'] as const) {
    const policy = part === 'values' ? 'indicator.enter' : 'programme.write'
    const render = (
      reply: FastifyReply,
      v: IndicatorView,
      form: Record<string, string>,
      errors: Record<string, string>,
      status = Object.keys(errors).length > 0 ? 400 : 200,
    ) =>
      reply.render(
        'outcomes/indicators/views/period-form.njk',
        {
          title:
            part === 'values' ? `Enter a value: ${v.indicator.name}` : `Set a target: ${v.indicator.name}`,
          breadcrumbs: [HOME, { text: v.indicator.name, href: `/indicators/${v.indicator.id}` }],
          part,
          indicator: v.indicator,
          unit: labelOf(UNITS, v.indicator.unit),
          form,
          errors,
          errorList: errorList(errors, ['period', 'value', 'target', 'warning', 'note', 'version']),
        },
        status,
      )

    app.get<{ Params: { id: number }; Querystring: { period?: string } }>(
      `/indicators/:id/${part}`,
      { config: { policy }, schema: { params: IdParams, querystring: PeriodQuery } },
      async (request, reply) => {
        const v = await viewOr404(request.actor!, request.params.id)
        const i = v.indicator
        const held = v.series.find((p) => p.period === request.query.period)
        const num = (n: number | null | undefined) => (n == null ? '' : decimalInUnit(i.unit, i.scale, n))
        const version = part === 'values' ? held?.valueVersion : held?.targetVersion
        return render(
          reply,
          v,
          {
            period: held ? held.period : '',
            value: num(held?.value),
            note: held?.note ?? '',
            target: num(held?.target),
            warning: num(held?.warning),
            version: version == null ? '' : String(version),
          },
          {},
        )
      },
    )

    app.post<{ Params: { id: number }; Body: FormBody }>(
      `/indicators/:id/${part}`,
      { config: { policy }, schema: { params: IdParams, body: FormBody } },
      async (request, reply) => {
        const actor = request.actor!
        const v = await viewOr404(actor, request.params.id)
        const b = request.body
        const form = Object.fromEntries(
          ['period', 'value', 'note', 'target', 'warning', 'version'].map((k) => [k, field(b, k)]),
        )
        const version = optionalInt(form.version ?? '')
        return handleForm(reply, {
          save: () =>
            part === 'values'
              ? service.setValue(actor, v.indicator.id, {
                  period: form.period!,
                  value: form.value!,
                  note: form.note!,
                  version,
                })
              : service.setTarget(actor, v.indicator.id, {
                  period: form.period!,
                  target: form.target!,
                  warning: form.warning!,
                  version,
                }),
          onInvalid: (errors) => render(reply, v, form, errors),
          // A period already held (entered by someone since, or never read) is shown to correct, not overwritten.
          onConflict: whenStale((err) => {
            const held = (err as ConflictError<{ period: string; version: number }>).current
            return render(
              reply,
              v,
              { ...form, version: String(held.version) },
              {
                version: `A ${part === 'values' ? 'value' : 'target'} for ${formatPeriodKey(held.period)} is already recorded${form.version ? ' and was changed by someone else' : ''}. Check it on the indicator's page; to replace it, save again.`,
              },
              409,
            )
          }),
          onSaved: (saved: { period: string }) => {
            reply.flash(
              `${part === 'values' ? 'Value' : 'Target'} for ${formatPeriodKey(saved.period)} saved`,
            )
            return reply.redirect(`/indicators/${v.indicator.id}`, 303)
          },
        })
      },
    )
  }
}
