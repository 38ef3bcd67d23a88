import type { Multipart } from '@fastify/multipart'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/**
 * The CSRF check of a file upload form (a route with `config.csrfInMultipart`). The body of a multipart
 * form is read by the handler, after the hooks, so the token cannot be checked before it; and in the URL
 * it would be written to every log. The form puts its `_csrf` field first, so it is the first part: this
 * checks it before any file is read. False when refused, with the 403 already sent.
 */
export function multipartCsrfOk(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  first: Multipart | undefined,
): boolean {
  const token = first && first.type === 'field' && first.fieldname === '_csrf' ? first.value : ''
  const body = request.body
  request.body = { _csrf: typeof token === 'string' ? token : '' }
  let ok = false
  // The check is synchronous: it calls next, or sends the refusal.
  app.csrfProtection(request, reply, () => {
    ok = true
  })
  request.body = body
  return ok
}
