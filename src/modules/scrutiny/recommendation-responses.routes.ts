import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Recommendation } from '../../db/schema.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { IdParams } from '../../web/api-schemas.ts'
import { dateItems, readDate, renderConflict, resubmitFields } from '../../web/form-pages.ts'
import { field, FormBody, optionalInt } from '../../web/forms.ts'
import { recommendationPage, type Rec } from './recommendation-page.ts'
import { recommendationStatusRows, responseConflictRows } from './scrutiny.conflicts.ts'
import { RESPONSES, responseLabel, statusTag, type ResponseInput } from './scrutiny.rules.ts'
import {
  saveScrutinyForm,
  choices,
  formErrors,
  notAddresseePage,
  type Id,
  type IdForm,
} from './scrutiny.view.ts'

/**
 * What follows a recommendation's making: the addressee's response (the addressee, lead officer or an
 * administrator), its status as the tracker shows it, and the agenda item that follows it up.
 */
export async function recommendationResponsesRoutes(app: FastifyInstance) {
  const recs = app.services.scrutiny.recommendations
  const { loadRec, showRec } = recommendationPage(app)

  const RESPOND = 'scrutiny/views/respond.njk'
  const respondForm = (
    reply: FastifyReply,
    r: Rec,
    values: ResponseInput,
    body: FormBody | null,
    errors: Record<string, string>,
    status = 200,
  ) =>
    reply.render(
      RESPOND,
      {
        title: `Respond to ${r.reference}`,
        backLink: `/recommendations/${r.id}`,
        rec: r,
        values,
        responses: choices(RESPONSES, values.response),
        dateItems: dateItems(body, 'respondedOn', values.respondedOn, Boolean(errors.respondedOn)),
        ...formErrors(errors, ['response', 'reasons', 'respondedOn']),
      },
      status,
    )

  app.get<Id>(
    '/recommendations/:id/respond',
    { config: { policy: 'scrutiny.respond' }, schema: { params: IdParams } },
    async (request, reply) => {
      const r = await loadRec(reply, request.params.id)
      if (!recs.mayRespond(request.actor!, r)) return notAddresseePage(reply)
      if (r.response !== null) {
        reply.flash('This recommendation has already been responded to')
        return reply.redirect(`/recommendations/${r.id}`, 303)
      }
      return respondForm(reply, r, { response: '', reasons: '', respondedOn: todayInLondon() }, null, {})
    },
  )

  app.post<IdForm>(
    '/recommendations/:id/respond',
    { config: { policy: 'scrutiny.respond' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const r = await loadRec(reply, request.params.id)
      const errors: Record<string, string> = {}
      const values: ResponseInput = {
        response: field(request.body, 'response'),
        reasons: field(request.body, 'reasons'),
        respondedOn: readDate(request.body, 'respondedOn', 'Date of the response', errors, true),
      }
      const version = optionalInt(field(request.body, 'version'))
      return saveScrutinyForm(reply, {
        // A date the form could not read arrives as null, which the service refuses with the field named.
        save: () => recs.respond(request.actor!, r.id, version, values),
        invalid: (errs, status) =>
          respondForm(reply, r, values, request.body, { ...errs, ...errors }, status),
        onStale: (conflict) =>
          renderConflict(reply, {
            title: r.reference,
            recordUrl: `/recommendations/${r.id}`,
            action: `/recommendations/${r.id}/respond`,
            rows: responseConflictRows(values, conflict.current as Recommendation),
            resubmit: resubmitFields(request.body),
            savedVersion: (conflict.current as Recommendation).version,
          }),
        onSaved: (saved) => {
          reply.flash(`Response to ${r.reference} recorded: ${responseLabel(saved.response).toLowerCase()}`)
          return reply.redirect(`/recommendations/${r.id}`, 303)
        },
      })
    },
  )

  app.post<IdForm>(
    '/recommendations/:id/status',
    { config: { policy: 'scrutiny.respond' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const r = await loadRec(reply, request.params.id)
      return saveScrutinyForm(reply, {
        save: () =>
          recs.setStatus(
            request.actor!,
            r.id,
            optionalInt(field(request.body, 'version')),
            field(request.body, 'status'),
            field(request.body, 'evidence'),
          ),
        invalid: (errs, status) => showRec(reply, r, errs, status),
        onStale: (conflict) =>
          renderConflict(reply, {
            title: r.reference,
            recordUrl: `/recommendations/${r.id}`,
            action: `/recommendations/${r.id}/status`,
            rows: recommendationStatusRows(field(request.body, 'status'), conflict.current as Recommendation),
            resubmit: resubmitFields(request.body),
            savedVersion: (conflict.current as Recommendation).version,
          }),
        onSaved: (saved) => {
          reply.flash(`${r.reference} is now ${statusTag(saved.status).text.toLowerCase()}`)
          return reply.redirect(`/recommendations/${r.id}`, 303)
        },
      })
    },
  )

  app.post<IdForm>(
    '/recommendations/:id/follow-up',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const r = await loadRec(reply, request.params.id)
      return saveScrutinyForm(reply, {
        save: () =>
          recs.linkFollowUp(request.actor!, r.id, optionalInt(field(request.body, 'followUpItemId'))),
        invalid: (errs, status) => showRec(reply, r, errs, status),
        onSaved: () => {
          reply.flash(`${r.reference} followed up`)
          return reply.redirect(`/recommendations/${r.id}`, 303)
        },
      })
    },
  )
}
