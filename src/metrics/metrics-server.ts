import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { CONTENT_TYPE } from './prometheus.ts'

/**
 * METRICS_PORT: /metrics alone, on a port of its own with no token, for an installation that keeps
 * monitoring on a private network (firewall the port to the Prometheus server). Plain node:http, so
 * nothing else of the app (sessions, pages, the API) is reachable through it.
 */
export async function startMetricsServer(
  app: FastifyInstance,
  where: { port: number; host: string },
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0]
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n')
      return
    }
    app.renderMetrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': CONTENT_TYPE, 'cache-control': 'no-store' })
        response.end(request.method === 'HEAD' ? undefined : text)
      },
      (err: unknown) => {
        app.log.error({ err }, 'metrics could not be gathered')
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Metrics failed\n')
      },
    )
  })
  server.requestTimeout = 10_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(where.port, where.host, () => resolve())
  })
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
