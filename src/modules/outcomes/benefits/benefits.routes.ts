import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import { allows } from '../../../auth/policy.ts'
import type { Benefit } from '../../../db/schema.ts'
import { formatMoney } from '../../../domain/money.ts'
import { notFound, type ConflictError } from '../../../errors.ts'
import { IdParams } from '../../../web/api-schemas.ts'
import { handleForm, renderConflict, whenStale } from '../../../web/form-pages.ts'
import { field, FormBody, optionalInt } from '../../../web/forms.ts'
import { personChoices } from '../../resourcing/person-refs.ts'
import { download } from '../../../web/exports.ts'
import { benefitFormContext, inputOf, readBenefitForm, resubmitBenefit } from './benefits.forms.ts'
import type { BenefitFilter, BenefitRow } from './benefits.repository.ts'
import { BENEFIT_TYPES, formatValue, labelOf, type BenefitInput } from './benefits.rules.ts'
import {
  benefitFacts,
  benefitRow,
  benefitsTable,
  homeOf,
  profileChart,
  profileTable,
  registerTotals,
} from './benefits.view.ts'

const HOME = { text: 'Benefits', href: '/benefits' }

const FilterQuery = Type.Object({
  programme: Type.Optional(Type.String({ maxLength: 20 })),
  project: Type.Optional(Type.String({ maxLength: 20 })),
  type: Type.Optional(Type.String({ maxLength: 40 })),
  ambition: Type.Optional(Type.String({ maxLength: 20 })),
})
type FilterQuery = Static<typeof FilterQuery>

const filterOf = (q: FilterQuery): BenefitFilter => ({
  programmeId: optionalInt(q.programme ?? ''),
  projectId: optionalInt(q.project ?? ''),
  type: BENEFIT_TYPES.some((t) => t.value === q.type) ? (q.type ?? null) : null,
  ambitionId: optionalInt(q.ambition ?? ''),
})

/** The benefits register's pages (issue 11): the register, one benefit with its profile, the forms, exports. */
export async function benefitsRoutes(app: FastifyInstance) {
  const service = app.services.benefits
  const canWrite = (actor: Actor) => allows('project.write', actor.role)

  app.get<{ Querystring: FilterQuery }>(
    '/benefits',
    { config: { policy: 'portfolio.read' }, schema: { querystring: FilterQuery } },
    async (request, reply) => {
      const actor = request.actor!
      const scope = scopeOf(actor)
      const f = filterOf(request.query)
      const [views, options] = await Promise.all([
        service.list(scope, f).then((rows) => service.views(scope, rows)),
        service.options(scope),
      ])
      const totals = registerTotals(views)
      const choose = (
        list: Array<{ value: string; text: string }>,
        chosen: number | string | null | undefined,
      ) => [
        { value: '', text: 'All' },
        ...list.map((x) => ({ ...x, selected: x.value === String(chosen ?? '') })),
      ]
      const query = new URLSearchParams(
        Object.entries(request.query).filter(
          (e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '',
        ),
      ).toString()
      return reply.render('outcomes/benefits/views/register.njk', {
        title: 'Benefits register',
        rows: views.map(benefitRow),
        totals: {
          cashablePlanned: formatMoney(totals.cashablePlanned),
          cashableRealised: formatMoney(totals.cashableRealised),
          mtfsPlanned: formatMoney(totals.mtfsPlanned),
          mtfsRealised: formatMoney(totals.mtfsRealised),
        },
        exportQuery: query ? `?${query}` : '',
        filters: {
          programme: choose(
            options.programmes.map((p) => ({ value: String(p.id), text: `${p.reference}: ${p.name}` })),
            f.programmeId,
          ),
          project: choose(
            options.projects.map((p) => ({ value: String(p.id), text: `${p.reference}: ${p.name}` })),
            f.projectId,
          ),
          type: choose(
            BENEFIT_TYPES.map((t) => ({ value: t.value, text: t.text })),
            f.type,
          ),
          ambition: choose(
            options.ambitions.map((a) => ({ value: String(a.id), text: a.title })),
            f.ambitionId,
          ),
        },
      })
    },
  )

  for (const format of ['csv', 'xlsx'] as const)
    app.get<{ Querystring: FilterQuery }>(
      `/benefits/export.${format}`,
      { config: { policy: 'portfolio.read' }, schema: { querystring: FilterQuery } },
      async (request, reply) => {
        const scope = scopeOf(request.actor!)
        const views = await service.views(scope, await service.list(scope, filterOf(request.query)))
        return download(reply, benefitsTable(views), 'benefits', format)
      },
    )

  async function viewOr404(actor: Actor, id: number) {
    const v = await service.view(scopeOf(actor), id)
    if (!v) throw notFound('Benefit')
    return v
  }

  async function showForm(
    reply: FastifyReply,
    opts: {
      title: string
      caption: string
      action: string
      backLink: string
      version: number | string | null
    },
    values: BenefitInput,
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    const actor = reply.request.actor!
    const [options, people] = await Promise.all([
      service.options(scopeOf(actor)),
      personChoices(app.database.db, actor.organisationId, [values.ownerPersonId]),
    ])
    return reply.render(
      'outcomes/benefits/views/benefit-form.njk',
      { ...opts, ...benefitFormContext(values, body, options, people, errors) },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  /** Where a new benefit is added: a project the writer may see, or a programme (the whole programme's). */
  async function homeOr404(actor: Actor, kind: 'projects' | 'programmes', id: number) {
    const options = await service.options(scopeOf(actor))
    const found = options[kind].find((p) => p.id === id)
    if (!found) throw notFound(kind === 'projects' ? 'Project' : 'Programme')
    return {
      home: kind === 'projects' ? { projectId: id, programmeId: null } : { projectId: null, programmeId: id },
      opts: {
        title: kind === 'projects' ? 'Add a benefit' : 'Add a benefit of the whole programme',
        caption: `${found.reference}: ${found.name}`,
        action: `/${kind}/${id}/benefits/new`,
        backLink: `/${kind}/${id}`,
        version: null,
      },
    }
  }

  const blank = (home: { projectId: number | null; programmeId: number | null }): BenefitInput => ({
    ...home,
    title: '',
    description: '',
    type: '',
    disBenefit: false,
    unit: '',
    ownerPersonId: null,
    ownerName: '',
    ambitionId: null,
    indicatorId: null,
    baselineYear: '',
    baselineValue: null,
    targetValue: null,
    targetOn: null,
    mtfs: false,
    profile: [],
  })

  for (const kind of ['projects', 'programmes'] as const) {
    app.get<{ Params: { id: number } }>(
      `/${kind}/:id/benefits/new`,
      { config: { policy: 'project.write' }, schema: { params: IdParams } },
      async (request, reply) => {
        const { home, opts } = await homeOr404(request.actor!, kind, request.params.id)
        return showForm(reply, opts, blank(home), null, {})
      },
    )

    app.post<{ Params: { id: number }; Body: FormBody }>(
      `/${kind}/:id/benefits/new`,
      { config: { policy: 'project.write' }, schema: { params: IdParams, body: FormBody } },
      async (request, reply) => {
        const { home, opts } = await homeOr404(request.actor!, kind, request.params.id)
        const { input, errors } = readBenefitForm(request.body, home)
        return handleForm(reply, {
          errors,
          save: () => service.create(request.actor!, input),
          onInvalid: (e) => showForm(reply, opts, input, request.body, e),
          onSaved: (b: Benefit) => {
            reply.flash(`${b.title} added`)
            return reply.redirect(`/benefits/${b.id}`, 303)
          },
        })
      },
    )
  }

  app.get<{ Params: { id: number } }>(
    '/benefits/:id',
    { config: { policy: 'portfolio.read' }, schema: { params: IdParams } },
    async (request, reply) => {
      const actor = request.actor!
      const v = await viewOr404(actor, request.params.id)
      return reply.render('outcomes/benefits/views/benefit.njk', {
        title: v.benefit.title,
        breadcrumbs: [HOME],
        benefit: v.benefit,
        disBenefit: v.benefit.dis_benefit === 1,
        canWrite: canWrite(actor),
        canRecordRealised: v.benefit.type === 'cashable' && allows('finance.write', actor.role),
        facts: benefitFacts(v),
        profile: profileTable(v),
        totals: {
          planned: formatValue(v.totals.planned, v.benefit.type, v.benefit.unit),
          realised: formatValue(v.totals.realised, v.benefit.type, v.benefit.unit),
        },
        chart: v.profile.length > 0 ? profileChart(v) : '',
        historyUrl: `/history/benefit/${v.benefit.id}`,
      })
    },
  )

  const editOpts = (b: BenefitRow, version: number | string) => ({
    title: `Edit ${b.title}`,
    caption: homeOf(b).text,
    action: `/benefits/${b.id}/edit`,
    backLink: `/benefits/${b.id}`,
    version,
  })

  app.get<{ Params: { id: number } }>(
    '/benefits/:id/edit',
    { config: { policy: 'project.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const v = await viewOr404(request.actor!, request.params.id)
      return showForm(reply, editOpts(v.benefit, v.benefit.version), inputOf(v), null, {})
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/benefits/:id/edit',
    { config: { policy: 'project.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const v = await viewOr404(actor, request.params.id)
      const { input, errors } = readBenefitForm(request.body, {
        projectId: v.benefit.project_id,
        programmeId: v.benefit.programme_id,
      })
      const version = field(request.body, 'version')
      return handleForm(reply, {
        errors,
        save: () => service.update(actor, v.benefit.id, optionalInt(version) ?? 0, input),
        onInvalid: (e) => showForm(reply, editOpts(v.benefit, version), input, request.body, e),
        onConflict: whenStale(async (err) => {
          const saved = (err as ConflictError<Benefit>).current
          const now = await viewOr404(actor, saved.id)
          const describe = (b: BenefitInput) =>
            b.profile
              .map(
                (p) =>
                  `${p.year}: ${formatValue(p.planned, b.type, b.unit)} planned, ${p.realised === null ? 'none' : formatValue(p.realised, b.type, b.unit)} realised`,
              )
              .join('; ') || 'No years'
          const mine = { ...input, unit: input.type === 'cashable' ? '' : input.unit }
          const theirs = inputOf(now)
          return renderConflict(reply, {
            title: saved.title,
            recordUrl: `/benefits/${saved.id}`,
            action: `/benefits/${saved.id}/edit`,
            rows: [
              { label: 'Benefit', yours: input.title, saved: now.benefit.title },
              {
                label: 'Type',
                yours: labelOf(BENEFIT_TYPES, input.type),
                saved: labelOf(BENEFIT_TYPES, now.benefit.type),
              },
              { label: 'Description', yours: input.description, saved: now.benefit.description },
              { label: 'Profile', yours: describe(mine), saved: describe(theirs) },
            ],
            resubmit: resubmitBenefit(request.body),
            savedVersion: now.benefit.version,
          })
        }),
        onSaved: (b: Benefit) => {
          reply.flash(`${b.title} saved`)
          return reply.redirect(`/benefits/${b.id}`, 303)
        },
      })
    },
  )
}
