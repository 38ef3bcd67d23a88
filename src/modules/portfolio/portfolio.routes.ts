import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { signedInPageKey } from '../../web/page-store.ts'

export async function portfolioRoutes(app: FastifyInstance) {
  app.get('/', { config: { policy: 'portfolio.read' } }, async (request, reply) => {
    const actor = request.actor!
    // The dashboard as this person last saw it, if nothing in the organisation has changed since (the change
    // counter was read with their session): neither computed nor rendered again.
    const key = signedInPageKey(app, request, 'dashboard')
    if (key !== null && app.pages.send(reply, key)) return reply
    const data = await app.services.portfolio.dashboard(scopeOf(actor), actor.ratingScale, actor.changeSeq)
    return reply.render('portfolio/views/dashboard.njk', { title: 'Portfolio dashboard', ...data }, undefined, key)
  })
}
