import type { Server } from 'node:http'
import net from 'node:net'

/**
 * The first step of stopping (SIGTERM): take no new connection, and let those open end without ever closing one
 * that a request may be on its way down (issue 14: a rolling restart behind nginx loses no request, a POST
 * included). nginx retries a request on another instance when the connection was refused, and a GET whatever
 * failed, but not a POST it has sent: it may have taken effect. So, until the last connection has ended:
 * - the listening socket is closed: nginx's next connection is refused, and it tries the next instance;
 * - a request on a connection already open is served as usual, with `Connection: close`, so no further request
 *   comes down that connection (answering 503, as Fastify does once closing, reached the client on a POST);
 * - an idle connection is left for the client to close: nginx closes an idle one after its upstream
 *   `keepalive_timeout` (4 s, deploy/local/nginx.conf), before this server's own keep-alive timeout (5 s,
 *   src/app.ts) would. Closing idle connections at once, as Node's `server.close()` does, reset the
 *   connection a POST had just been sent down, which nginx answered 502.
 * Resolves when the last connection has ended; then `app.close()` finds none left.
 */
export function drainConnections(server: Server): Promise<void> {
  server.prependListener('request', (_request, response) => {
    response.setHeader('connection', 'close')
  })
  // net.Server's own close: it stops listening and waits for the connections; http.Server's closes idle ones too.
  return new Promise((resolve) => {
    net.Server.prototype.close.call(server, () => resolve())
  })
}
