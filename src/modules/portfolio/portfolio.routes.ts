import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'

export async function portfolioRoutes(app: FastifyInstance) {
  app.get('/', { config: { policy: 'portfolio.read' } }, async (request, reply) => {
    const actor = request.actor!
    const data = await app.services.portfolio.dashboard(scopeOf(actor), actor.ratingScale, actor.changeSeq)
    return reply.render('portfolio/views/dashboard.njk', { title: 'Portfolio dashboard', ...data })
  })
}
