import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Actor } from '../../auth/actor.ts'
import { notFound } from '../../errors.ts'
import { FormBody } from '../../web/forms.ts'
import { FOLLOWABLE, followedUrl, type Followable } from './follows.rules.ts'

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })
type Params = { Params: { id: number }; Body: FormBody }
const FOLLOWED_NAMES: Record<Followable, string> = {
  committee: 'Committee',
  programme: 'Programme',
  recommendation: 'Recommendation',
}

/** The pages that carry a Follow button, by their route; the record's id is the route's `id`. */
const FOLLOW_PAGES: Record<string, Followable> = {
  '/committees/:id': 'committee',
  '/programmes/:id': 'programme',
  '/recommendations/:id': 'recommendation',
}

export interface FollowState {
  action: string
  following: boolean
  recordType: Followable
}

/**
 * The Follow button's state on the pages that include `subscriptions/views/follow-button.njk`: read before
 * the page's handler, kept against the request's actor, so each page needs only the include line.
 */
export const followButton = fp(
  async function followButton(app: FastifyInstance) {
    const states = new WeakMap<Actor, FollowState>()
    app.views.addGlobal('followState', (actor: Actor | null) => (actor ? (states.get(actor) ?? null) : null))
    app.addHook('preHandler', async (request) => {
      const type = FOLLOW_PAGES[request.routeOptions.url ?? '']
      const actor = request.actor
      if (!type || !actor || request.method !== 'GET') return
      const id = Number((request.params as { id?: unknown }).id)
      if (!Number.isInteger(id)) return
      const following = await app.services.follows.isFollowing(actor, type, id)
      states.set(actor, {
        recordType: type,
        following,
        action: `${followedUrl(type, id)}/${following ? 'unfollow' : 'follow'}`,
      })
    })
  },
  { name: 'follow-button', dependencies: ['views'] },
)

/** Following a record, and stopping: POST /programmes/:id/follow, /committees/:id/unfollow and so on. */
export async function followsRoutes(app: FastifyInstance) {
  const { follows } = app.services

  for (const type of FOLLOWABLE) {
    const base = followedUrl(type, 0).replace(/\/0$/, '')
    app.post<Params>(
      `${base}/:id/follow`,
      { config: { policy: 'portfolio.read' }, schema: { params: IdParams, body: FormBody } },
      async (request, reply) => {
        const { id } = request.params
        if (!(await follows.follow(request.actor!, type, id))) throw notFound(FOLLOWED_NAMES[type])
        reply.flash(`You are following this ${type}. We will email you when it changes.`)
        return reply.redirect(followedUrl(type, id), 303)
      },
    )

    app.post<Params>(
      `${base}/:id/unfollow`,
      { config: { policy: 'portfolio.read' }, schema: { params: IdParams, body: FormBody } },
      async (request, reply) => {
        const { id } = request.params
        if (!(await follows.unfollow(request.actor!, type, id))) throw notFound(FOLLOWED_NAMES[type])
        reply.flash(`You are no longer following this ${type}`)
        return reply.redirect(followedUrl(type, id), 303)
      },
    )
  }
}
