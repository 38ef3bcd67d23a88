import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Actor } from '../auth/actor.ts'
import { viewValidity } from '../modules/audit/change-cache.ts'

/**
 * Rendered pages kept per instance, so a page read again before anything it shows has changed is sent without
 * reading or rendering it again: the public site's pages under their entity tag (issue 12), and a signed-in
 * person's remembered pages (the dashboard, issue 9) under `signedInPageKey`. Whoever stores a page names it by
 * everything it shows, so a key is never shared by two different pages. What differs between two responses of the
 * same page is put back on each send: the response's CSP nonce and, where the page carries forms, a fresh CSRF
 * token. Least recently used pages go first once the pages pass MAX_CHARS.
 */

/** The one-off message a page shows after a change (plugins/views.ts: reply.flash); such a page is never stored. */
export const FLASH_COOKIE = 'oversight_flash'

const MAX_CHARS = 4 * 1024 * 1024
const NONCE = '\u0000nonce\u0000'
const CSRF = '\u0000csrf\u0000'

interface StoredPage {
  html: string
  hasCsrf: boolean
}

/** One per app, decorated as `app.pages` (plugins/views.ts), so every route context shares it. */
export function createPageStore() {
  const pages = new Map<string, StoredPage>()
  let chars = 0
  return {
    /** Sends the page stored under `key`, with this response's nonce (and CSRF token); false when there is none. */
    send(reply: FastifyReply, key: string): boolean {
      const page = pages.get(key)
      if (page === undefined) return false
      pages.delete(key)
      pages.set(key, page)
      let html = page.html.replaceAll(NONCE, reply.cspNonce.script)
      if (page.hasCsrf) html = html.replaceAll(CSRF, reply.generateCsrf())
      void reply.type('text/html; charset=utf-8').send(html)
      return true
    },

    /**
     * Stores a page just rendered for `reply` under `key`, its nonce and `csrfToken` (the token rendered into it,
     * if any) replaced by markers. A page requested with a query is not stored: keys name pages, not their
     * addresses' endless variants.
     */
    store(reply: FastifyReply, key: string, html: string, csrfToken: string | null = null): void {
      if (reply.request.url.includes('?') || html.length > MAX_CHARS / 8 || pages.has(key)) return
      let kept = html.replaceAll(reply.cspNonce.script, NONCE)
      const hasCsrf = csrfToken !== null && kept.includes(csrfToken)
      if (hasCsrf) kept = kept.replaceAll(csrfToken, CSRF)
      pages.set(key, { html: kept, hasCsrf })
      chars += kept.length
      for (const [oldest, page] of pages) {
        if (chars <= MAX_CHARS) break
        pages.delete(oldest)
        chars -= page.html.length
      }
    },
  }
}

export type PageStore = ReturnType<typeof createPageStore>

/**
 * The key of a signed-in page computed only from the organisation's portfolio (as a remembered view is: valid for
 * one value of the change counter and one London date) and from who reads it: every field of the actor the layout
 * may show (name, role, organisation, partner, look, unread notifications), never the session. Null when the page
 * may not be remembered: no one is signed in, the counter was not read with the session, a one-off message is
 * waiting to be shown, or remembered views are off (CHANGE_CACHE).
 */
export function signedInPageKey(app: FastifyInstance, request: FastifyRequest, page: string): string | null {
  const actor: Actor | null = request.actor
  if (!app.config.changeCache || !actor || actor.changeSeq === undefined || request.cookies[FLASH_COOKIE])
    return null
  const { sessionId: _session, changeSeq, ...reader } = actor
  return `${page}\u0000${viewValidity(changeSeq)}\u0000${JSON.stringify(reader)}`
}
