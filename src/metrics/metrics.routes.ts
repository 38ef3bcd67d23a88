import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { notFoundHandler } from '../plugins/errors.ts'
import { CONTENT_TYPE } from './prometheus.ts'

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

/**
 * /metrics on the main port: public to the auth plugin, because its credential is its own bearer token
 * (METRICS_TOKEN), not a user's; with none configured it does not exist (404). METRICS_PORT serves the same
 * text with no token (metrics-server.ts). Answered even while the process sheds load.
 */
export async function metricsRoutes(app: FastifyInstance) {
  const expected = app.config.metricsToken === null ? null : sha256(app.config.metricsToken)
  app.get('/metrics', { config: { policy: 'public', alwaysAnswer: true } }, async (request, reply) => {
    if (expected === null) return notFoundHandler(request, reply)
    const header = request.headers.authorization ?? ''
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : ''
    if (!timingSafeEqual(sha256(given), expected)) {
      request.log.warn({ route: '/metrics', address: request.ip }, 'metrics token refused')
      return reply.status(401).header('www-authenticate', 'Bearer').send({
        error: 'Unauthorized',
        message: 'Send the metrics token: Authorization: Bearer <METRICS_TOKEN>',
      })
    }
    return reply
      .type(CONTENT_TYPE)
      .header('cache-control', 'no-store')
      .send(await app.renderMetrics())
  })
}
