import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { ForwardPlanEntry } from '../../db/schema.ts'
import { formatDate, todayInLondon } from '../../domain/dates.ts'
import { notFound, type ConflictError } from '../../errors.ts'
import { IdParams } from '../../web/api-schemas.ts'
import {
  dateItems,
  handleForm,
  readDate,
  renderConflict,
  resubmitFields,
  whenStale,
} from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import { download } from '../../web/exports.ts'
import { inputOfEntry } from './forward-plan.api.ts'
import { entryFormContext, exemptText, forwardPlanTable, readEntryForm } from './forward-plan.forms.ts'
import { ENTRY_STATUSES, FORWARD_PLAN_CLEAR_DAYS, labelOf, type EntryInput } from './forward-plan.rules.ts'
import type { EntryView } from './forward-plan.service.ts'

const HOME = { text: 'Forward plan', href: '/forward-plan' }

/** The forward plan's pages (issue 12): the plan by expected date, an entry with its history, the forms. */
export async function forwardPlanRoutes(app: FastifyInstance) {
  const service = app.services.forwardPlan
  const canWrite = (actor: Actor) => allows('decision.record', actor.role)

  app.get('/forward-plan', { config: { policy: 'forwardPlan.read' } }, async (request, reply) => {
    const actor = request.actor!
    const entries = await service.list(scopeOf(actor))
    return reply.render('forward-plan/views/list.njk', {
      title: 'Forward plan of key decisions',
      canWrite: canWrite(actor),
      clearDays: FORWARD_PLAN_CLEAR_DAYS,
      rows: entries.map((e) => ({
        id: e.id,
        title: e.title,
        maker: e.decision_maker,
        expected: formatDate(e.expected_on),
        listed: formatDate(e.listed_on),
        exempt: exemptText(e),
        status: labelOf(ENTRY_STATUSES, e.status),
        notice: e.status === 'withdrawn' || e.givesNotice ? null : `${e.clearDays} clear days`,
      })),
    })
  })

  app.get('/forward-plan/export.csv', { config: { policy: 'forwardPlan.read' } }, async (request, reply) => {
    const table = forwardPlanTable(await service.list(scopeOf(request.actor!)))
    return download(reply, table, 'forward-plan', 'csv')
  })

  async function viewOr404(actor: Actor, id: number) {
    const v = await service.view(scopeOf(actor), id)
    if (!v) throw notFound('Forward plan entry')
    return v
  }

  async function showForm(
    reply: FastifyReply,
    opts: { title: string; action: string; backLink: string; version: number | string | null },
    values: EntryInput,
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    const options = await service.options(reply.request.actor!.organisationId)
    return reply.render(
      'forward-plan/views/form.njk',
      { ...opts, ...entryFormContext(values, body, options, errors) },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  const blank: EntryInput = {
    title: '',
    description: '',
    decisionMaker: '',
    expectedOn: '',
    isExempt: false,
    exemptParagraph: '',
    status: 'planned',
    decisionId: null,
    programmeId: null,
    projectId: null,
  }
  const NEW = {
    title: 'Add a key decision',
    action: '/forward-plan/new',
    backLink: '/forward-plan',
    version: null,
  }

  app.get('/forward-plan/new', { config: { policy: 'decision.record' } }, async (_request, reply) =>
    showForm(reply, NEW, blank, null, {}),
  )

  app.post<{ Body: FormBody }>(
    '/forward-plan/new',
    { config: { policy: 'decision.record' }, schema: { body: FormBody } },
    async (request, reply) => {
      const input = readEntryForm(request.body)
      return handleForm(reply, {
        save: () => service.create(request.actor!, input),
        onInvalid: (errors) => showForm(reply, NEW, input, request.body, errors),
        onSaved: (e: ForwardPlanEntry) => {
          reply.flash(`${e.title} added to the forward plan`)
          return reply.redirect(`/forward-plan/${e.id}`, 303)
        },
      })
    },
  )

  const facts = (e: EntryView) => [
    { label: 'Decision-maker', text: e.decision_maker },
    { label: 'Expected', text: formatDate(e.expected_on) },
    { label: 'On the plan from', text: formatDate(e.listed_on) },
    { label: 'Exempt', text: exemptText(e) },
    { label: 'Status', text: labelOf(ENTRY_STATUSES, e.status) },
    { label: 'Description', text: e.description || 'Not recorded' },
  ]

  app.get<{ Params: { id: number } }>(
    '/forward-plan/:id',
    { config: { policy: 'forwardPlan.read' }, schema: { params: IdParams } },
    async (request, reply) => {
      const actor = request.actor!
      const e = await viewOr404(actor, request.params.id)
      return reply.render('forward-plan/views/entry.njk', {
        title: e.title,
        breadcrumbs: [HOME],
        entry: e,
        canWrite: canWrite(actor),
        facts: facts(e),
        notice:
          e.status === 'withdrawn' || e.givesNotice
            ? null
            : `${e.clearDays} clear days on the forward plan before the decision: the rule is ${FORWARD_PLAN_CLEAR_DAYS}. Take it under the general exception or special urgency rules, or move the date.`,
        historyUrl: `/history/forward_plan_entry/${e.id}`,
      })
    },
  )

  const editOpts = (e: { id: number; title: string }, version: number | string) => ({
    title: `Edit ${e.title}`,
    action: `/forward-plan/${e.id}/edit`,
    backLink: `/forward-plan/${e.id}`,
    version,
  })

  app.get<{ Params: { id: number } }>(
    '/forward-plan/:id/edit',
    { config: { policy: 'decision.record' }, schema: { params: IdParams } },
    async (request, reply) => {
      const e = await viewOr404(request.actor!, request.params.id)
      return showForm(reply, editOpts(e, e.version), inputOfEntry(e), null, {})
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/forward-plan/:id/edit',
    { config: { policy: 'decision.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const e = await viewOr404(actor, request.params.id)
      const input = readEntryForm(request.body)
      const version = field(request.body, 'version')
      return handleForm(reply, {
        save: () => service.update(actor, e.id, optionalInt(version) ?? 0, input),
        onInvalid: (errors) => showForm(reply, editOpts(e, version), input, request.body, errors),
        onConflict: whenStale(async (err) => {
          const saved = await viewOr404(actor, (err as ConflictError<ForwardPlanEntry>).current.id)
          return renderConflict(reply, {
            title: saved.title,
            recordUrl: `/forward-plan/${saved.id}`,
            action: `/forward-plan/${saved.id}/edit`,
            rows: [
              { label: 'Decision', yours: input.title, saved: saved.title },
              {
                label: 'Expected',
                yours: formatDate(input.expectedOn),
                saved: formatDate(saved.expected_on),
              },
              {
                label: 'Status',
                yours: labelOf(ENTRY_STATUSES, input.status),
                saved: labelOf(ENTRY_STATUSES, saved.status),
              },
              { label: 'Exempt', yours: input.isExempt ? 'Yes' : 'No', saved: exemptText(saved) },
              { label: 'Description', yours: input.description, saved: saved.description },
            ],
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: (saved: ForwardPlanEntry) => {
          reply.flash(`${saved.title} saved`)
          return reply.redirect(`/forward-plan/${saved.id}`, 303)
        },
      })
    },
  )

  // The call-in of a published decision: its period, and recording its implementation once it is over.
  async function showImplementation(
    reply: FastifyReply,
    decisionId: number,
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    const actor = reply.request.actor!
    const decision = await app.services.decisions.get(scopeOf(actor), decisionId)
    if (!decision) throw notFound('Decision')
    const callIn = await service.callIn(actor.organisationId, decisionId)
    return reply.render(
      'forward-plan/views/implementation.njk',
      {
        title: `Implementation of ${decision.title}`,
        breadcrumbs: [
          { text: 'Decisions', href: '/decisions' },
          { text: decision.title, href: `/decisions/${decision.id}` },
        ],
        decision,
        callIn: callIn && {
          published: formatDate(callIn.publishedOn),
          ends: formatDate(callIn.endsOn),
          implemented: callIn.implementedOn && formatDate(callIn.implementedOn),
          open: callIn.endsOn >= todayInLondon(),
        },
        errors,
        errorList: errorList(errors, ['implementedOn']),
        dateItems: dateItems(
          body,
          'implementedOn',
          body ? null : todayInLondon(),
          Boolean(errors.implementedOn),
        ),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  app.get<{ Params: { id: number } }>(
    '/decisions/:id/implementation',
    { config: { policy: 'decision.record' }, schema: { params: IdParams } },
    async (request, reply) => showImplementation(reply, request.params.id, null, {}),
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/decisions/:id/implementation',
    { config: { policy: 'decision.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const errors: Record<string, string> = {}
      const on = readDate(request.body, 'implementedOn', 'Date it was implemented', errors, true)
      return handleForm(reply, {
        errors,
        save: () => service.implement(request.actor!, request.params.id, on ?? ''),
        onInvalid: (errs) => showImplementation(reply, request.params.id, request.body, errs),
        onSaved: () => {
          reply.flash('Implementation recorded')
          return reply.redirect(`/decisions/${request.params.id}`, 303)
        },
      })
    },
  )
}
