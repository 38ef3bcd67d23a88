import type { FastifyInstance, FastifyReply } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import { formatDate } from '../../domain/dates.ts'
import { notFound } from '../../errors.ts'
import { IdParams, Nullable, STANDARD_ERRORS, WRITE_ERRORS } from '../../web/api-schemas.ts'
import { dateItems, handleForm, readDate } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import { isExemptItem } from './agenda-exemption.ts'
import { EXEMPT_PARAGRAPHS, PAPERS_CLEAR_WORKING_DAYS } from './forward-plan.rules.ts'

// A meeting's Access to Information facts (issue 12): when its agenda and papers were published, and which
// items are exempt (Part B) and why. One page for the clerk, and the same two writes in the API.

export async function meetingAccessRoutes(app: FastifyInstance) {
  const service = app.services.meetingAccess

  async function show(
    reply: FastifyReply,
    meetingId: number,
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    const v = await service.view(reply.request.actor!, meetingId)
    if (!v) throw notFound('Meeting')
    return reply.render(
      'forward-plan/views/meeting-access.njk',
      {
        title: `Papers and exempt items: meeting of ${formatDate(v.meeting.meeting_date)}`,
        breadcrumbs: [{ text: 'Meeting', href: `/meetings/${v.meeting.id}` }],
        meeting: v.meeting,
        dueBy: formatDate(v.papersDueBy),
        clearDays: PAPERS_CLEAR_WORKING_DAYS,
        published: v.meeting.papers_published_on && formatDate(v.meeting.papers_published_on),
        late: v.meeting.papers_published_on !== null && v.meeting.papers_published_on > v.papersDueBy,
        dateItems: dateItems(body, 'publishedOn', v.meeting.papers_published_on, Boolean(errors.publishedOn)),
        items: v.items.map((i) => ({
          ...i,
          error: errors[`paragraph-${i.id}`],
          paragraphItems: [
            { value: '', text: 'Open: not exempt' },
            ...EXEMPT_PARAGRAPHS.map((p) => ({
              ...p,
              selected: isExemptItem(i) && i.exempt_reason === p.text,
            })),
          ],
        })),
        errors,
        errorList: errorList(errors, ['publishedOn', ...v.items.map((i) => `paragraph-${i.id}`)]),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  app.get<{ Params: { id: number } }>(
    '/meetings/:id/access-to-information',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams } },
    async (request, reply) => show(reply, request.params.id, null, {}),
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/meetings/:id/access-to-information',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const errors: Record<string, string> = {}
      const on = readDate(request.body, 'publishedOn', 'Date the papers were published', errors)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      return handleForm(reply, {
        errors,
        save: () => service.setPapersPublished(request.actor!, request.params.id, version, on),
        onInvalid: (errs) => show(reply, request.params.id, request.body, errs),
        onSaved: () => {
          reply.flash('Publication of the papers saved')
          return reply.redirect(`/meetings/${request.params.id}/access-to-information`, 303)
        },
      })
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/agenda-items/:id/exemption',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const item = await service.item(actor, request.params.id)
      if (!item) throw notFound('Agenda item')
      const paragraph = field(request.body, 'paragraph')
      const version = optionalInt(field(request.body, 'version')) ?? 0
      return handleForm(reply, {
        save: () => service.setExemption(actor, item.id, version, paragraph === '' ? null : paragraph),
        onInvalid: (errs) => show(reply, item.meeting_id, null, errs),
        onSaved: () => {
          reply.flash(`Item ${item.number} saved`)
          return reply.redirect(`/meetings/${item.meeting_id}/access-to-information`, 303)
        },
      })
    },
  )

  const Papers = Type.Object(
    {
      version: Type.Integer({ minimum: 1 }),
      papersPublishedOn: Type.Optional(
        Nullable(Type.String({ maxLength: 10, description: 'YYYY-MM-DD; null or left out: not yet' })),
      ),
    },
    { additionalProperties: false },
  )
  const Exemption = Type.Object(
    {
      version: Type.Integer({ minimum: 1 }),
      exemptParagraph: Type.Optional(
        Nullable(
          Type.String({
            maxLength: 1,
            description: 'Schedule 12A paragraph 1–7; null or left out: open to the public',
          }),
        ),
      ),
    },
    { additionalProperties: false },
  )
  const Saved = Type.Object({ id: Type.Integer(), version: Type.Integer() })
  const PapersState = Type.Object({
    version: Type.Integer(),
    papersPublishedOn: Nullable(Type.String({ format: 'date' })),
    papersDueBy: Type.String({ format: 'date', description: '5 clear working days before the meeting' }),
  })
  const ExemptionState = Type.Object({
    version: Type.Integer(),
    exemptParagraph: Nullable(Type.String()),
    isExempt: Type.Boolean(),
    exemptReason: Type.String(),
  })
  const tags = ['Forward plan']

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/meetings/:id/papers-published',
    {
      config: { policy: 'scrutiny.record' },
      schema: {
        tags,
        summary: 'When a meeting’s agenda and papers were published, and when they were due',
        params: IdParams,
        response: { 200: PapersState, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const v = await service.view(request.actor!, request.params.id)
      if (!v) throw notFound('Meeting')
      return {
        version: v.meeting.version,
        papersPublishedOn: v.meeting.papers_published_on,
        papersDueBy: v.papersDueBy,
      }
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/agenda-items/:id/exemption',
    {
      config: { policy: 'scrutiny.record' },
      schema: {
        tags,
        summary: 'Whether an agenda item is exempt (Part B), and why',
        params: IdParams,
        response: { 200: ExemptionState, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const i = await service.item(request.actor!, request.params.id)
      if (!i) throw notFound('Agenda item')
      const p = EXEMPT_PARAGRAPHS.find((x) => isExemptItem(i) && x.text === i.exempt_reason)
      return {
        version: i.version,
        exemptParagraph: p?.value ?? null,
        isExempt: isExemptItem(i),
        exemptReason: i.exempt_reason,
      }
    },
  )

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof Papers> }>(
    '/api/v1/meetings/:id/papers-published',
    {
      config: { policy: 'scrutiny.record' },
      schema: {
        tags,
        summary: 'Record when a meeting’s agenda and papers were published (due 5 clear working days before)',
        params: IdParams,
        body: Papers,
        response: { 200: Saved, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const m = await service.setPapersPublished(
        request.actor!,
        request.params.id,
        request.body.version,
        request.body.papersPublishedOn ?? null,
      )
      return { id: m.id, version: m.version }
    },
  )

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof Exemption> }>(
    '/api/v1/agenda-items/:id/exemption',
    {
      config: { policy: 'scrutiny.record' },
      schema: {
        tags,
        summary: 'Mark an agenda item exempt (Part B) with its Schedule 12A paragraph, kept off public pages',
        params: IdParams,
        body: Exemption,
        response: { 200: Saved, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const i = await service.setExemption(
        request.actor!,
        request.params.id,
        request.body.version,
        request.body.exemptParagraph ?? null,
      )
      return { id: i.id, version: i.version }
    },
  )
}
