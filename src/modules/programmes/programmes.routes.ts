import { indicatorsMeasuring } from '../outcomes/indicators/index.ts'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { Programme } from '../../db/schema.ts'
import { formatDate } from '../../domain/dates.ts'
import { notFound } from '../../errors.ts'
import {
  dateItems,
  readDate,
  renderConflict,
  handleForm,
  whenStale,
  resubmitFields,
} from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import { ownerFieldView, personChoices, readOwner, type PersonChoice } from '../resourcing/person-refs.ts'
import { programmeProjectsContext } from '../projects/projects.view-model.ts'
import { toProgrammeInput } from './programmes.service.ts'
import {
  PROGRAMME_FIELD_ORDER,
  PROGRAMME_STATUSES,
  programmeStatusLabel,
  validateProgramme,
  type ProgrammeInput,
} from './programmes.rules.ts'

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })

function readForm(body: FormBody, errors: Record<string, string>): ProgrammeInput {
  const holder = readOwner(body, 'portfolioHolderPersonId', 'portfolioHolder')
  return {
    reference: field(body, 'reference'),
    name: field(body, 'name'),
    purpose: field(body, 'purpose'),
    sro: field(body, 'sro'),
    portfolioHolderPersonId: holder.personId,
    portfolioHolder: holder.name,
    startDate: readDate(body, 'startDate', 'Start date', errors),
    endDate: readDate(body, 'endDate', 'End date', errors),
    status: field(body, 'status'),
  }
}

function formContext(
  values: ProgrammeInput,
  body: FormBody | null,
  errors: Record<string, string>,
  people: readonly PersonChoice[],
) {
  return {
    values,
    errors,
    errorList: errorList(errors, PROGRAMME_FIELD_ORDER),
    portfolioHolder: ownerFieldView(
      {
        legend: 'Portfolio Holder',
        hint: 'The cabinet member accountable for decisions on the programme',
        idField: 'portfolioHolderPersonId',
        nameField: 'portfolioHolder',
      },
      people,
      { personId: values.portfolioHolderPersonId, name: values.portfolioHolder },
      errors,
    ),
    statuses: PROGRAMME_STATUSES.map((s) => ({ ...s, checked: s.value === values.status })),
    startDateItems: dateItems(body, 'startDate', values.startDate, Boolean(errors.startDate)),
    endDateItems: dateItems(body, 'endDate', values.endDate, Boolean(errors.endDate)),
  }
}

function conflictRows(yours: ProgrammeInput, saved: Programme, people: readonly PersonChoice[]) {
  const s = toProgrammeInput(saved)
  const holder =
    yours.portfolioHolder || people.find((p) => p.value === String(yours.portfolioHolderPersonId))?.text
  const row = (label: string, a: string, b: string) => ({ label, yours: a, saved: b })
  return [
    row('Reference', yours.reference, s.reference),
    row('Name', yours.name, s.name),
    row('Purpose', yours.purpose, s.purpose),
    row('Senior Responsible Owner', yours.sro, s.sro),
    row('Portfolio Holder', holder ?? '', s.portfolioHolder),
    row('Start date', formatDate(yours.startDate), formatDate(s.startDate)),
    row('End date', formatDate(yours.endDate), formatDate(s.endDate)),
    row('Status', programmeStatusLabel(yours.status), programmeStatusLabel(s.status)),
  ]
}

export async function programmesRoutes(app: FastifyInstance) {
  const { programmes } = app.services
  const FORM = 'programmes/views/form.njk'
  /** The register for the Portfolio Holder's list, keeping the one already chosen even if they have left. */
  const people = (organisationId: number, values: ProgrammeInput) =>
    personChoices(app.database.db, organisationId, [values.portfolioHolderPersonId])

  app.get<{ Querystring: { status?: string } }>(
    '/programmes',
    {
      config: { policy: 'portfolio.read' },
      schema: { querystring: Type.Object({ status: Type.Optional(Type.String()) }) },
    },
    async (request, reply) => {
      const actor = request.actor!
      const rows = await programmes.list(scopeOf(actor), {
        status: request.query.status || undefined,
        limit: 500,
      })
      return reply.render('programmes/views/list.njk', {
        title: 'Programmes',
        programmes: rows.map((p) => ({ ...p, statusLabel: programmeStatusLabel(p.status) })),
        canCreate: allows('programme.write', actor.role),
        canImport: allows('portfolio.import', actor.role),
      })
    },
  )

  app.get('/programmes/new', { config: { policy: 'programme.write' } }, async (request, reply) => {
    const values: ProgrammeInput = {
      reference: '',
      name: '',
      purpose: '',
      sro: '',
      portfolioHolderPersonId: null,
      portfolioHolder: '',
      startDate: null,
      endDate: null,
      status: 'active',
    }
    return reply.render(FORM, {
      title: 'Add a programme',
      backLink: '/programmes',
      action: '/programmes',
      ...formContext(values, null, {}, await people(request.actor!.organisationId, values)),
    })
  })

  app.post<{ Body: FormBody }>(
    '/programmes',
    { config: { policy: 'programme.write' }, schema: { body: FormBody } },
    async (request, reply) => {
      const errors: Record<string, string> = {}
      const values = readForm(request.body, errors)
      const choices = await people(request.actor!.organisationId, values)
      const invalid = (errs: Record<string, string>) =>
        reply.render(
          FORM,
          {
            title: 'Add a programme',
            backLink: '/programmes',
            action: '/programmes',
            ...formContext(values, request.body, errs, choices),
          },
          400,
        )
      if (Object.keys(errors).length > 0) return invalid({ ...validateProgramme(values), ...errors })
      return handleForm(reply, {
        save: () => programmes.create(request.actor!, values),
        onInvalid: (errs) => invalid({ ...errs, ...errors }),
        onConflict: whenStale(() => invalid({})),
        onSaved: (saved) => {
          reply.flash(`Programme ${saved.reference} added`)
          return reply.redirect(`/programmes/${saved.id}`, 303)
        },
      })
    },
  )

  app.get<{ Params: { id: number } }>(
    '/programmes/:id',
    { config: { policy: 'portfolio.read' }, schema: { params: IdParams } },
    async (request, reply) => {
      const actor = request.actor!
      const programme = await programmes.get(scopeOf(actor), request.params.id)
      if (!programme) throw notFound('Programme')
      return renderProgrammePage(app, reply, programme)
    },
  )

  app.get<{ Params: { id: number } }>(
    '/programmes/:id/edit',
    { config: { policy: 'programme.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const programme = await programmes.get(scopeOf(request.actor!), request.params.id)
      if (!programme) throw notFound('Programme')
      const values = toProgrammeInput(programme)
      return reply.render(FORM, {
        title: `Edit ${programme.name}`,
        backLink: `/programmes/${programme.id}`,
        action: `/programmes/${programme.id}/edit`,
        version: programme.version,
        ...formContext(values, null, {}, await people(request.actor!.organisationId, values)),
      })
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/programmes/:id/edit',
    { config: { policy: 'programme.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const id = request.params.id
      const errors: Record<string, string> = {}
      const values = readForm(request.body, errors)
      const choices = await people(request.actor!.organisationId, values)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      const invalid = (errs: Record<string, string>) =>
        reply.render(
          FORM,
          {
            title: 'Edit programme',
            backLink: `/programmes/${id}`,
            action: `/programmes/${id}/edit`,
            version,
            ...formContext(values, request.body, errs, choices),
          },
          400,
        )
      if (Object.keys(errors).length > 0) return invalid({ ...validateProgramme(values), ...errors })
      return handleForm(reply, {
        save: () => programmes.update(request.actor!, id, version, values),
        onInvalid: invalid,
        onConflict: whenStale((conflict) => {
          const saved = conflict.current as Programme
          return renderConflict(reply, {
            title: saved.name,
            recordUrl: `/programmes/${id}`,
            action: `/programmes/${id}/edit`,
            rows: conflictRows(values, saved, choices),
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: () => {
          reply.flash('Programme updated')
          return reply.redirect(`/programmes/${id}`, 303)
        },
      })
    },
  )
}

/** The programme page, with the projects area's table and delivery confidence roll-up of its projects. */
async function renderProgrammePage(app: FastifyInstance, reply: FastifyReply, programme: Programme) {
  const actor = reply.request.actor!
  const projects = await app.services.projects.forProgramme(scopeOf(actor), programme.id)
  return reply.render('programmes/views/show.njk', {
    ...programmeProjectsContext(
      projects,
      actor.ratingScale,
      programme.id,
      allows('project.write', actor.role),
    ),
    title: programme.name,
    breadcrumbs: [
      { text: 'Dashboard', href: '/' },
      { text: 'Programmes', href: '/programmes' },
    ],
    programme: { ...programme, statusLabel: programmeStatusLabel(programme.status) },
    canEdit: allows('programme.write', actor.role),
    ambitions: await app.services.ambitions.ofProgramme(scopeOf(actor), programme.id),
    benefits: await app.services.benefits.programmeRows(scopeOf(actor), programme.id),
    canAddBenefit: allows('project.write', actor.role),
    ...(await indicatorsMeasuring(app.services.indicators, scopeOf(actor), 'programme', programme.id)),
  })
}
