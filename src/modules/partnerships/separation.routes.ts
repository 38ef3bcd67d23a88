import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import type { Partner } from '../../db/schema.ts'
import type { PaperDocument } from '../../documents/document.model.ts'
import { CONTENT_TYPES, fileName, renderOne } from '../../documents/render.ts'
import { formatDate } from '../../domain/dates.ts'
import { notFound } from '../../errors.ts'
import { handleForm } from '../../web/form-pages.ts'
import { FormBody } from '../../web/forms.ts'
import { readSeparationForm, separationCheckContext, separationFormContext } from './separation.forms.ts'
import { validateSeparation, type SharedItem } from './separation.rules.ts'

const PartnerParams = Type.Object({ partnerId: Type.Integer({ minimum: 1 }) })
type Params = { Params: { partnerId: number } }

/** The guided process that ends a partnership, and the separation it leaves for the panel. */
export async function separationRoutes(app: FastifyInstance) {
  const { partnerships } = app.services

  async function shared(actor: Actor, partnerId: number) {
    const found = await partnerships.shared(scopeOf(actor), partnerId)
    if (!found) throw notFound('Partner')
    return found
  }

  const renderChoose = (
    reply: FastifyReply,
    partner: Partner,
    items: SharedItem[],
    body: FormBody | null,
    errors: Record<string, string>,
  ) =>
    reply.render(
      'partnerships/views/separation-form.njk',
      {
        title: `End the partnership with ${partner.name}`,
        partner,
        backLink: `/partners/${partner.id}`,
        ...separationFormContext(items, body, errors),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )

  const refuseEnded = (reply: FastifyReply, partner: Partner) => {
    reply.flash(`The partnership with ${partner.name} already ended on ${formatDate(partner.ended_on)}`)
    return reply.redirect(`/partners/${partner.id}/separation`, 303)
  }

  app.get<Params>(
    '/partners/:partnerId/end',
    { config: { policy: 'partnership.end' }, schema: { params: PartnerParams } },
    async (request, reply) => {
      const { partner, items } = await shared(request.actor!, request.params.partnerId)
      if (partner.ended_on) return refuseEnded(reply, partner)
      return renderChoose(reply, partner, items, null, {})
    },
  )

  // The choices are checked here and shown back before anything is written: the next step writes them.
  app.post<Params & { Body: FormBody }>(
    '/partners/:partnerId/end',
    { config: { policy: 'partnership.end' }, schema: { params: PartnerParams, body: FormBody } },
    async (request, reply) => {
      const { partner, items } = await shared(request.actor!, request.params.partnerId)
      if (partner.ended_on) return refuseEnded(reply, partner)
      const { errors: readErrors, ...input } = readSeparationForm(request.body, items)
      const errors = { ...validateSeparation(input, items, partner.agreement_starts_on), ...readErrors }
      if (Object.keys(errors).length > 0) return renderChoose(reply, partner, items, request.body, errors)
      return reply.render('partnerships/views/separation-check.njk', {
        title: `Check before ending the partnership with ${partner.name}`,
        partner,
        endedOn: formatDate(input.endedOn),
        reasons: input.reasons,
        backLink: `/partners/${partner.id}/end`,
        ...separationCheckContext(items, input, request.body),
      })
    },
  )

  // Back from the check page to the choices, as they were made (a second submit button, so no script).
  app.post<Params & { Body: FormBody }>(
    '/partners/:partnerId/end/change',
    { config: { policy: 'partnership.end' }, schema: { params: PartnerParams, body: FormBody } },
    async (request, reply) => {
      const { partner, items } = await shared(request.actor!, request.params.partnerId)
      if (partner.ended_on) return refuseEnded(reply, partner)
      return renderChoose(reply, partner, items, request.body, {})
    },
  )

  app.post<Params & { Body: FormBody }>(
    '/partners/:partnerId/end/confirm',
    { config: { policy: 'partnership.end' }, schema: { params: PartnerParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const { partner, items } = await shared(actor, request.params.partnerId)
      if (partner.ended_on) return refuseEnded(reply, partner)
      const { errors, ...input } = readSeparationForm(request.body, items)
      return handleForm(reply, {
        errors,
        save: () => partnerships.end(actor, partner.id, input),
        onInvalid: async (errs) =>
          // The shared records may have changed since the check page: choose again against the current ones.
          renderChoose(reply, partner, (await shared(actor, partner.id)).items, request.body, errs),
        onSaved: () => {
          reply.flash(`The partnership with ${partner.name} ends on ${formatDate(input.endedOn)}`)
          return reply.redirect(`/partners/${partner.id}/separation`, 303)
        },
      })
    },
  )

  async function separationOf(actor: Actor, partnerId: number) {
    const scope = scopeOf(actor)
    const partner = await partnerships.partner(scope, partnerId)
    const separation = partner && (await partnerships.separation(scope, partnerId))
    if (!partner || !separation) throw notFound('Separation')
    return { partner, separation, summary: JSON.parse(separation.summary_json) as PaperDocument }
  }

  app.get<Params>(
    '/partners/:partnerId/separation',
    { config: { policy: 'portfolio.read' }, schema: { params: PartnerParams } },
    async (request, reply) => {
      const { partner, separation, summary } = await separationOf(request.actor!, request.params.partnerId)
      return reply.render('partnerships/views/separation.njk', {
        title: summary.title,
        partner,
        separation,
        endedOn: formatDate(separation.ended_on),
        summary,
        backLink: `/partners/${partner.id}`,
      })
    },
  )

  for (const format of ['docx', 'pdf'] as const) {
    app.get<Params>(
      `/partners/:partnerId/separation.${format}`,
      { config: { policy: 'portfolio.read' }, schema: { params: PartnerParams } },
      async (request, reply) => {
        const { summary } = await separationOf(request.actor!, request.params.partnerId)
        return reply
          .type(CONTENT_TYPES[format])
          .header('content-disposition', `attachment; filename="${fileName(summary.title, format)}"`)
          .send(await renderOne(summary, format))
      },
    )
  }
}
