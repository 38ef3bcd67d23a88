import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import { notFound } from '../../errors.ts'
import { IdParams } from '../../web/api-schemas.ts'
import { handleForm } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import { datedFormContext, readHolderForm, readSecondmentForm } from './resourcing.forms.ts'

const SECONDMENT = 'resourcing/views/secondment-form.njk'
const HOLDER = 'resourcing/views/holder-form.njk'

/**
 * Editing a secondment and a post holding once recorded: ending one, correcting its dates or FTE. The same
 * forms as adding them, filled from the record, saved against its version (a stale one is refused).
 */
export async function holdingsRoutes(app: FastifyInstance) {
  const { people, posts } = app.services.resourcing

  async function secondmentOr404(actor: Actor, id: number) {
    const s = await people.secondment(scopeOf(actor), id)
    if (!s) throw notFound('Secondment')
    return s
  }

  async function secondmentForm(
    reply: FastifyReply,
    id: number,
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    const s = await secondmentOr404(reply.request.actor!, id)
    return reply.render(
      SECONDMENT,
      {
        title: `Edit a secondment of ${s.person_name}`,
        backLink: `/people/${s.person_id}`,
        action: `/secondments/${s.id}/edit`,
        version: body ? field(body, 'version') : s.version,
        errors,
        errorList: errorList(errors, [
          'direction',
          'toTeam',
          'startsOn',
          'endsOn',
          'fte',
          'reason',
          'version',
        ]),
        ...datedFormContext(body, errors, {
          fteHundredths: s.fte_hundredths,
          startsOn: s.starts_on,
          endsOn: s.ends_on,
          direction: s.direction,
          fromTeam: s.from_team,
          fromOrganisation: s.from_organisation,
          toTeam: s.to_team,
          toOrganisation: s.to_organisation,
          reason: s.reason,
        }),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  app.get<{ Params: { id: number } }>(
    '/secondments/:id/edit',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams } },
    async (request, reply) => secondmentForm(reply, request.params.id, null, {}),
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/secondments/:id/edit',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const s = await secondmentOr404(request.actor!, request.params.id)
      const errors: Record<string, string> = {}
      const input = readSecondmentForm(request.body, s.person_id, errors)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      return handleForm(reply, {
        errors,
        save: () => people.updateSecondment(request.actor!, s.id, version, input),
        onInvalid: (errs) => secondmentForm(reply, s.id, request.body, errs),
        onSaved: () => {
          reply.flash('Secondment updated')
          return reply.redirect(`/people/${s.person_id}`, 303)
        },
      })
    },
  )

  async function holderOr404(actor: Actor, id: number) {
    const scope = scopeOf(actor)
    const h = await posts.holder(scope, id)
    const [post, person] = h
      ? await Promise.all([posts.get(scope, h.post_id), people.get(scope, h.person_id)])
      : [undefined, undefined]
    if (!h || !post || !person) throw notFound('Post holder')
    return { h, post, person }
  }

  async function holderForm(
    reply: FastifyReply,
    id: number,
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    const { h, post, person } = await holderOr404(reply.request.actor!, id)
    return reply.render(
      HOLDER,
      {
        title: `Edit ${person.name}’s holding of ${post.title}`,
        backLink: `/posts/${post.id}`,
        action: `/post-holders/${h.id}/edit`,
        personId: h.person_id,
        version: body ? field(body, 'version') : h.version,
        errors,
        errorList: errorList(errors, ['startsOn', 'endsOn', 'fte', 'version']),
        ...datedFormContext(body, errors, {
          fteHundredths: h.fte_hundredths,
          startsOn: h.starts_on,
          endsOn: h.ends_on,
        }),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  app.get<{ Params: { id: number } }>(
    '/post-holders/:id/edit',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams } },
    async (request, reply) => holderForm(reply, request.params.id, null, {}),
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/post-holders/:id/edit',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const { h } = await holderOr404(request.actor!, request.params.id)
      const errors: Record<string, string> = {}
      // The holder stays the same person: a different person is a new holding.
      const input = { ...readHolderForm(request.body, errors), personId: h.person_id }
      const version = optionalInt(field(request.body, 'version')) ?? 0
      return handleForm(reply, {
        errors,
        save: () => posts.updateHolder(request.actor!, h.id, version, input),
        onInvalid: (errs) => holderForm(reply, h.id, request.body, errs),
        onSaved: () => {
          reply.flash('Post holder updated')
          return reply.redirect(`/posts/${h.post_id}`, 303)
        },
      })
    },
  )
}
