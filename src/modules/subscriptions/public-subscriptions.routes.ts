import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { notFound } from '../../errors.ts'
import { errorList, field, FormBody } from '../../web/forms.ts'
import { FOLLOWABLE, type Followable } from './follows.rules.ts'
import { isEmailAddress } from './public-subscriptions.rules.ts'

const V = 'subscriptions/views'
const SlugParams = Type.Object({ slug: Type.String({ maxLength: 100 }) })
const TokenQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 2000 })) })
const SubscribeQuery = Type.Object({
  type: Type.Optional(Type.String({ maxLength: 20 })),
  id: Type.Optional(Type.Integer({ minimum: 1 })),
})
type Slug = { Params: { slug: string } }

const isFollowable = (v: string): v is Followable => (FOLLOWABLE as readonly string[]).includes(v)

/**
 * A member of the public subscribes by email on the organisation's public pages, where it lets them:
 * <PUBLIC_BASE_PATH>/<slug>/subscribe (the form, linked from the public pages of each record one can follow),
 * the emailed confirmation link, and the unsubscribe page with its one-click POST.
 */
export async function publicSubscriptionsRoutes(app: FastifyInstance) {
  const { publicSubscriptions: subs } = app.services
  const base = app.config.publicBasePath

  async function openOrg(slug: string) {
    const org = await subs.organisationOpenTo(slug)
    // Not open to the public, or no such organisation: the same 404, revealing nothing.
    if (!org) throw notFound('Page')
    return org
  }

  const form = (
    reply: FastifyReply,
    org: { name: string; slug: string },
    values: { type: string; id: number; email: string },
    errors: Record<string, string>,
    status = 200,
  ) =>
    reply.render(
      `${V}/public-subscribe-page.njk`,
      {
        title: `Get emails when this changes – ${org.name}`,
        org,
        subscribe: { ...values, slug: org.slug },
        errors,
        errorList: errorList(errors, ['email']),
      },
      status,
    )

  app.get<Slug & { Querystring: { type?: string; id?: number } }>(
    `${base}/:slug/subscribe`,
    { config: { policy: 'public' }, schema: { params: SlugParams, querystring: SubscribeQuery } },
    async (request, reply) => {
      const org = await openOrg(request.params.slug)
      const { type = '', id = 0 } = request.query
      if (!isFollowable(type) || !(await subs.onPublicSite(org.slug, type, id))) throw notFound('Page')
      return form(reply, org, { type, id, email: '' }, {})
    },
  )

  app.post<Slug & { Body: FormBody }>(
    `${base}/:slug/subscribe`,
    { config: { policy: 'public' }, schema: { params: SlugParams, body: FormBody } },
    async (request, reply) => {
      const org = await openOrg(request.params.slug)
      const type = field(request.body, 'type')
      const id = Number(field(request.body, 'id'))
      if (!isFollowable(type) || !Number.isInteger(id) || !(await subs.onPublicSite(org.slug, type, id)))
        throw notFound('Page')
      const email = field(request.body, 'email').trim()
      if (!isEmailAddress(email))
        return form(
          reply,
          org,
          { type, id, email },
          { email: 'Enter an email address in the correct format, like name@example.com' },
          400,
        )
      const outcome = await subs.request(org, { email, recordType: type, recordId: id, ip: request.ip })
      if (outcome === 'too-many-from-network')
        return reply.render(
          `${V}/public-message.njk`,
          {
            title: 'Too many requests',
            heading: 'Too many requests',
            paragraphs: [
              'There have been too many requests to subscribe from your network. Try again in an hour.',
            ],
          },
          429,
        )
      return reply.render(`${V}/public-message.njk`, {
        title: 'Check your email',
        heading: 'Check your email',
        paragraphs: [
          `If ${email} can receive email, we have sent it a link to confirm your subscription.`,
          'The link works for 24 hours. Until you confirm, your address is not kept.',
        ],
      })
    },
  )

  app.get<Slug & { Querystring: { token?: string } }>(
    `${base}/:slug/subscribe/confirm`,
    { config: { policy: 'public' }, schema: { params: SlugParams, querystring: TokenQuery } },
    async (request, reply) => {
      const org = await openOrg(request.params.slug)
      const token = request.query.token ?? ''
      const p = subs.pending(org.id, token)
      if (typeof p === 'string') return expired(reply)
      // A page with a button, not the confirmation itself: mail scanners open links, people press buttons.
      return reply.render(`${V}/public-confirm.njk`, {
        title: 'Confirm your subscription',
        org,
        token,
        email: p.email,
      })
    },
  )

  app.post<Slug & { Body: FormBody }>(
    `${base}/:slug/subscribe/confirm`,
    { config: { policy: 'public' }, schema: { params: SlugParams, body: FormBody } },
    async (request, reply) => {
      const org = await openOrg(request.params.slug)
      const p = await subs.confirm(org.id, field(request.body, 'token'))
      if (typeof p === 'string') return expired(reply)
      return reply.render(`${V}/public-message.njk`, {
        title: 'Subscription confirmed',
        heading: 'Subscription confirmed',
        paragraphs: [
          `We will email ${p.email} when this changes.`,
          'Every email has a link to unsubscribe; unsubscribing deletes your address.',
        ],
      })
    },
  )

  function expired(reply: FastifyReply) {
    return reply.render(
      `${V}/public-message.njk`,
      {
        title: 'This link has expired or is not valid',
        heading: 'This link has expired or is not valid',
        paragraphs: ['Confirmation links work for 24 hours. Ask again from the page you want emails about.'],
      },
      400,
    )
  }

  app.get<Slug & { Querystring: { token?: string } }>(
    `${base}/:slug/unsubscribe`,
    { config: { policy: 'public' }, schema: { params: SlugParams, querystring: TokenQuery } },
    async (request, reply) => {
      const { slug } = request.params
      return reply.render(`${V}/public-unsubscribe.njk`, {
        title: 'Unsubscribe',
        action: `${base}/${encodeURIComponent(slug)}/unsubscribe?token=${encodeURIComponent(request.query.token ?? '')}`,
      })
    },
  )

  // The page's button and the mail client's one-click POST (List-Unsubscribe-Post) both come here. The
  // answer is the same whether or not the subscription still existed.
  app.post<Slug & { Querystring: { token?: string } }>(
    `${base}/:slug/unsubscribe`,
    {
      config: { policy: 'public', oneClickUnsubscribe: true },
      schema: { params: SlugParams, querystring: TokenQuery },
    },
    async (request, reply) => {
      const org = await app.services.publicSubscriptions.organisationOpenTo(request.params.slug)
      const done = org ? await subs.unsubscribe(org.id, request.query.token ?? '') : false
      if (!done) return expired(reply)
      return reply.render(`${V}/public-message.njk`, {
        title: 'You have unsubscribed',
        heading: 'You have unsubscribed',
        paragraphs: ['Your email address has been deleted. We will not email you about this again.'],
      })
    },
  )
}
