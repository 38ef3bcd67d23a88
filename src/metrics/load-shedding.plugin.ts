import { readFileSync } from 'node:fs'
import path from 'node:path'
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { HttpError } from '../errors.ts'
import { projectRoot } from '../paths.ts'
import { isApiPath } from '../plugins/auth.ts'
import { requestsShed } from './metrics.ts'

/**
 * Load shedding (issue 14): when the event loop's mean delay over a sample, or the heap in use, passes its
 * configured limit (config.loadShedding), requests answer 503 with Retry-After at once, before their work
 * starts, so the process catches up instead of queueing more until every request times out; a balancer
 * sends the retry elsewhere. `@fastify/under-pressure` samples and decides; the liveness probe and
 * /metrics (routes with `alwaysAnswer`) still answer, so the process is not restarted for being busy and the
 * operator can see why. Readiness is shed like the rest: a busy instance is not ready for more.
 */
export default fp(
  async function loadShedding(app: FastifyInstance) {
    const limits = app.config.loadShedding
    const retryAfter = String(limits.retryAfterSeconds)
    // A page that needs no rendering: a busy process should not spend its time on templates, and at this
    // point (before the session is read) the layout's context does not exist yet.
    const busyPage = readFileSync(path.join(projectRoot(), 'src', 'views', 'errors', 'busy.html'), 'utf8')
    await app.register(underPressure, {
      maxEventLoopDelay: limits.maxEventLoopDelayMs,
      maxHeapUsedBytes: limits.maxHeapUsedMb * 1024 * 1024,
      sampleInterval: limits.sampleIntervalMs,
      retryAfter: limits.retryAfterSeconds,
      pressureHandler: (request: FastifyRequest, reply: FastifyReply, type: string) => {
        if (request.routeOptions.config.alwaysAnswer) return
        requestsShed.inc([type])
        void reply.header('retry-after', retryAfter)
        if (!isApiPath(request.url) && request.headers.accept?.includes('text/html')) {
          // Answered here; under-pressure carries on, and Fastify goes no further with a sent reply.
          void reply.status(503).type('text/html; charset=utf-8').send(busyPage)
          return
        }
        // Rejected, under-pressure hands the error on to the error handler: JSON to the API, a page to people.
        return Promise.reject(new HttpError(503, `The service is busy. Try again in ${retryAfter} seconds.`))
      },
    })
  },
  { name: 'load-shedding' },
)
