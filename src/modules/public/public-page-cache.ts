import type { FastifyInstance, FastifyReply } from 'fastify'

/**
 * Rendered public pages, by entity tag, so a page read again before anything changes is sent without reading
 * the site or rendering it (issue 12: a public page under load). The tag already names the page as it stands
 * (organisation, change counter, date and address: public-site.service.ts etag), which is what lets a
 * reader's copy answer 304; the same tag lets the server reuse its own copy. Each response's CSP nonce is put
 * back into the stored page. Least recently used pages go first once the pages pass MAX_BYTES (characters).
 */
const MAX_BYTES = 4 * 1024 * 1024
const NONCE = '\u0000nonce\u0000'

interface PageCache {
  pages: Map<string, string>
  bytes: number
}

const caches = new WeakMap<FastifyInstance, PageCache>()

function cacheOf(app: FastifyInstance): PageCache {
  let cache = caches.get(app)
  if (!cache) caches.set(app, (cache = { pages: new Map(), bytes: 0 }))
  return cache
}

/** Sends the page stored under `etag`, with this response's nonce; false when there is none. */
export function sendStoredPage(app: FastifyInstance, reply: FastifyReply, etag: string): boolean {
  const { pages } = cacheOf(app)
  const page = pages.get(etag)
  if (page === undefined) return false
  pages.delete(etag)
  pages.set(etag, page)
  void reply.type('text/html; charset=utf-8').send(page.replaceAll(NONCE, reply.cspNonce.script))
  return true
}

/** Stores a page just rendered for `reply` under the entity tag the reply carries. */
export function storePage(app: FastifyInstance, reply: FastifyReply, html: string): void {
  const etag = reply.getHeader('etag')
  // An address with a query is not stored: the pages read none, and endless new ones would only push out the rest.
  if (typeof etag !== 'string' || reply.request.url.includes('?') || html.length > MAX_BYTES / 8) return
  const cache = cacheOf(app)
  if (cache.pages.has(etag)) return
  cache.pages.set(etag, html.replaceAll(reply.cspNonce.script, NONCE))
  cache.bytes += html.length
  for (const [key, page] of cache.pages) {
    if (cache.bytes <= MAX_BYTES) break
    cache.pages.delete(key)
    cache.bytes -= page.length
  }
}
