import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { todayInLondon } from '../../domain/dates.ts'
import type { PublishedType } from './publication.rules.ts'
import type { PublicSite } from './public-site.service.ts'

/**
 * Answers a public page or dataset: 404 unless the organisation publishes `type`; 304, without reading or
 * rendering anything more, when the reader already holds the page as it stands (the entity tag is signed
 * and keyed on the organisation's change counter, so any saved change, withholding included, makes a new one).
 * Pages are "no-cache": a shared cache must ask again each time, so nothing withheld is served from it.
 * A page this instance has rendered under the same tag is sent again without reading or rendering.
 */
export async function answerPublic(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  slug: string,
  type: PublishedType | 'any',
  build: (site: PublicSite) => Promise<unknown>,
): Promise<unknown> {
  const { site } = app.services.publicSite
  const head = await site.head(slug, type)
  const { org, change } = head
  const etag = site.etag(org.id, change.seq, request.url)
  // The later of the last change and the start of today: "response overdue" moves with the calendar.
  const modified = new Date(
    Math.max(change.at === null ? 0 : Date.parse(change.at), Date.parse(`${todayInLondon()}T00:00:00Z`)),
  )
  modified.setUTCMilliseconds(0)
  reply.header('etag', etag)
  reply.header('last-modified', modified.toUTCString())
  reply.header('cache-control', 'public, no-cache')
  const inm = request.headers['if-none-match']
  if (inm !== undefined) {
    if (inm.split(',').some((t) => t.trim() === etag)) return reply.status(304).send()
  } else {
    const ims = Date.parse(request.headers['if-modified-since'] ?? '')
    if (!Number.isNaN(ims) && modified.getTime() <= ims) return reply.status(304).send()
  }
  // A page rendered since the last change is sent again as it was (web/page-store.ts).
  if (app.pages.send(reply, etag)) return reply
  return build(await site.site(head))
}
