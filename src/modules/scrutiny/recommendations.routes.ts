import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { notFound } from '../../errors.ts'
import { IdParams } from '../../web/api-schemas.ts'
import { field, FormBody, optionalInt } from '../../web/forms.ts'
import { EXPORT_FORMATS, exportLinks, inWindows, sendExport } from '../../web/exports.ts'
import { trackerRows } from './recommendation-status.ts'
import { recommendationsExport } from './recommendations.export.ts'
import { recommendationActionsRoutes } from './recommendation-actions.routes.ts'
import { recommendationPage } from './recommendation-page.ts'
import { recommendationResponsesRoutes } from './recommendation-responses.routes.ts'
import {
  ADDRESSEES,
  RECOMMENDATION_KINDS,
  RECOMMENDATION_STATUSES,
  recommendationKindLabel,
  statusTag,
  type RecommendationInput,
} from './scrutiny.rules.ts'
import { saveScrutinyForm, choices, formErrors, peopleItems, type Id, type IdForm } from './scrutiny.view.ts'

/**
 * Scrutiny recommendations on pages: recorded at an agenda item, the tracker (and its export) and each one's
 * page. The addressee's response and the actions taken on it are slices of their own, registered here.
 */
export async function recommendationsRoutes(app: FastifyInstance) {
  const { scrutiny } = app.services
  const recs = scrutiny.recommendations
  const { loadRec, showRec } = recommendationPage(app)

  // ---- Record a recommendation at an agenda item (scrutiny members) ----
  const NEW_FORM = 'scrutiny/views/recommendation-form.njk'
  async function newForm(
    reply: FastifyReply,
    itemId: number,
    values: RecommendationInput,
    errors: Record<string, string>,
    status = 200,
  ) {
    const scope = scopeOf(reply.request.actor!)
    const item = await scrutiny.getItem(scope, itemId)
    if (!item) throw notFound('Agenda item')
    const people = await scrutiny.people(scope)
    return reply.render(
      NEW_FORM,
      {
        title: 'Record a recommendation',
        backLink: `/agenda-items/${item.id}`,
        action: `/agenda-items/${item.id}/recommendations`,
        item,
        values,
        kinds: choices(RECOMMENDATION_KINDS, values.kind),
        addressees: choices(ADDRESSEES, values.addressedTo),
        addresseePeople: peopleItems(people, values.addresseeUserId),
        leadPeople: peopleItems(people, values.leadOfficerUserId, 'No lead officer'),
        ...formErrors(errors, [
          'reference',
          'kind',
          'text',
          'addressedTo',
          'addresseeUserId',
          'leadOfficerUserId',
        ]),
      },
      status,
    )
  }

  app.get<Id>(
    '/agenda-items/:id/recommendations/new',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams } },
    async (request, reply) => {
      const scope = scopeOf(request.actor!)
      const item = await scrutiny.getItem(scope, request.params.id)
      if (!item) throw notFound('Agenda item')
      const meeting = await scrutiny.getMeeting(scope, item.meeting_id)
      const committee = meeting && (await scrutiny.getCommittee(scope, meeting.committee_id))
      const year = meeting?.meeting_date.slice(0, 4) ?? ''
      const made = committee
        ? (await recs.list(scope, { committeeId: committee.id })).filter((r) => r.made_on.startsWith(year))
            .length
        : 0
      const reference = committee?.code
        ? `${committee.code}/${year}/${String(made + 1).padStart(2, '0')}`
        : ''
      return newForm(
        reply,
        item.id,
        {
          reference,
          kind: 'recommendation',
          text: '',
          addressedTo: 'portfolio_holder',
          addresseeUserId: null,
          leadOfficerUserId: null,
        },
        {},
      )
    },
  )

  app.post<IdForm>(
    '/agenda-items/:id/recommendations',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const b = request.body
      const values: RecommendationInput = {
        reference: field(b, 'reference'),
        kind: field(b, 'kind'),
        text: field(b, 'text'),
        addressedTo: field(b, 'addressedTo'),
        addresseeUserId: optionalInt(field(b, 'addresseeUserId')),
        leadOfficerUserId: optionalInt(field(b, 'leadOfficerUserId')),
      }
      return saveScrutinyForm(reply, {
        save: () => recs.create(request.actor!, request.params.id, values),
        invalid: (errs, status) => newForm(reply, request.params.id, values, errs, status),
        onSaved: (saved) => {
          reply.flash(`${recommendationKindLabel(saved.kind)} ${saved.reference} recorded`)
          return reply.redirect(`/recommendations/${saved.id}`, 303)
        },
      })
    },
  )

  // ---- Read ----
  app.get<{ Querystring: { status?: string } }>(
    '/recommendations',
    {
      config: { policy: 'portfolio.read' },
      schema: { querystring: Type.Object({ status: Type.Optional(Type.String()) }) },
    },
    async (request, reply) => {
      const wanted = request.query.status ?? ''
      const rows = trackerRows(await recs.list(scopeOf(request.actor!)), todayInLondon(), wanted)
      return reply.render('scrutiny/views/recommendations.njk', {
        title: 'Recommendations',
        breadcrumbs: [{ text: 'Scrutiny', href: '/scrutiny' }],
        recs: rows.map((r) => ({ ...r, tag: statusTag(r.status) })),
        statuses: [{ value: '', text: 'Any status' }, ...choices(RECOMMENDATION_STATUSES, wanted, true)],
        exportLinks: exportLinks('/recommendations/export', { status: wanted }),
      })
    },
  )

  for (const format of EXPORT_FORMATS)
    app.get<{ Querystring: { status?: string } }>(
      `/recommendations/export.${format}`,
      {
        config: { policy: 'portfolio.read' },
        schema: { querystring: Type.Object({ status: Type.Optional(Type.String()) }) },
      },
      async (request, reply) => {
        const actor = request.actor!
        const today = todayInLondon()
        const wanted = request.query.status ?? ''
        async function* rows() {
          for await (const batch of inWindows((w) => recs.list(scopeOf(actor), w)))
            yield* trackerRows(batch, today, wanted)
        }
        return sendExport(reply, format, actor.organisationSlug, recommendationsExport, rows())
      },
    )

  app.get<Id>(
    '/recommendations/:id',
    { config: { policy: 'portfolio.read' }, schema: { params: IdParams } },
    async (request, reply) => showRec(reply, await loadRec(reply, request.params.id)),
  )

  await app.register(recommendationResponsesRoutes)
  await app.register(recommendationActionsRoutes)
}
