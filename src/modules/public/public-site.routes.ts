import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { notFound } from '../../errors.ts'
import { PUBLISHED_TYPES } from './publication.rules.ts'
import { answerPublic } from './public-answer.ts'
import type { PublicSite } from './public-site.service.ts'
import { openDataRoutes } from './open-data.routes.ts'

export const SlugParams = Type.Object({ org: Type.String({ pattern: '^[a-z0-9-]{1,60}$' }) })
const RecordParams = Type.Object({
  org: Type.String({ pattern: '^[a-z0-9-]{1,60}$' }),
  id: Type.Integer({ minimum: 1, maximum: 2147483647 }),
})
type Slug = { org: string }

/** The public site of each organisation, under PUBLIC_BASE_PATH: no sign-in, nothing unpublished. */
export async function publicSiteRoutes(app: FastifyInstance) {
  const { site: publicSite } = app.services.publicSite
  const base = app.config.publicBasePath

  /** Rendered without the session's CSRF cookie or flash: a public page sets no cookie and can be cached. */
  async function render(
    reply: FastifyReply,
    site: PublicSite,
    template: string,
    context: Record<string, unknown>,
  ) {
    const home = `${base}/${site.organisation.slug}`
    const html = app.views.render(`public/views/${template}`, {
      subscribeUrl: site.subscriptionsOpen ? `${home}/subscribe` : null,
      cspNonce: reply.cspNonce.script,
      organisation: site.organisation,
      brand: site.brand,
      home,
      sections: PUBLISHED_TYPES.filter((t) => site.types.includes(t.value)).map((t) => t.value),
      updatedAt: site.updatedAt,
      ...context,
    })
    // Stored under its entity tag, which names the page as it stands (organisation, change counter, date, address).
    const etag = reply.getHeader('etag')
    if (typeof etag === 'string') app.pages.store(reply, etag, html)
    return reply.type('text/html; charset=utf-8').send(html)
  }

  const opts = (policy = 'public' as const) => ({ config: { policy }, schema: { params: SlugParams } })

  app.get<{ Params: Slug }>('/:org/', opts(), async (request, reply) =>
    answerPublic(app, request, reply, request.params.org, 'any', async (site) =>
      render(reply, site, 'index.njk', { title: site.organisation.name }),
    ),
  )

  app.get<{ Params: Slug }>('/:org/accessibility', opts(), async (request, reply) =>
    answerPublic(app, request, reply, request.params.org, 'any', async (site) =>
      render(reply, site, 'accessibility.njk', { title: 'Accessibility statement' }),
    ),
  )

  app.get<{ Params: Slug }>('/:org/programmes', opts(), async (request, reply) =>
    answerPublic(app, request, reply, request.params.org, 'programmes', async (site) =>
      render(reply, site, 'programmes.njk', {
        title: 'Programmes',
        programmes: await publicSite.programmes(site),
      }),
    ),
  )

  app.get<{ Params: { org: string; id: number } }>(
    '/:org/programmes/:id',
    { config: { policy: 'public' }, schema: { params: RecordParams } },
    async (request, reply) =>
      answerPublic(app, request, reply, request.params.org, 'programmes', async (site) => {
        const [programme] = await publicSite.programmes(site, request.params.id)
        if (!programme) throw notFound()
        return render(reply, site, 'programme.njk', { title: programme.name, programme })
      }),
  )

  app.get<{ Params: Slug }>('/:org/ambitions', opts(), async (request, reply) =>
    answerPublic(app, request, reply, request.params.org, 'ambitions', async (site) =>
      render(reply, site, 'ambitions.njk', {
        title: 'Strategic ambitions',
        ambitions: await publicSite.ambitions(site),
      }),
    ),
  )

  app.get<{ Params: Slug }>('/:org/outputs', opts(), async (request, reply) =>
    answerPublic(app, request, reply, request.params.org, 'outputs', async (site) =>
      render(reply, site, 'outputs.njk', { title: 'Outputs', outputs: await publicSite.outputs(site) }),
    ),
  )

  app.get<{ Params: Slug }>('/:org/indicators', opts(), async (request, reply) =>
    answerPublic(app, request, reply, request.params.org, 'indicators', async (site) =>
      render(reply, site, 'indicators.njk', {
        title: 'Performance indicators',
        indicators: await publicSite.indicators(site),
      }),
    ),
  )

  app.get<{ Params: Slug }>('/:org/forward-plan', opts(), async (request, reply) =>
    answerPublic(app, request, reply, request.params.org, 'forward-plan', async (site) =>
      render(reply, site, 'forward-plan.njk', {
        title: 'Forward plan of key decisions',
        entries: await publicSite.forwardPlan(site),
      }),
    ),
  )

  app.get<{ Params: Slug }>('/:org/meetings', opts(), async (request, reply) =>
    answerPublic(app, request, reply, request.params.org, 'meetings', async (site) =>
      render(reply, site, 'meetings.njk', {
        title: 'Committee meetings',
        meetings: await publicSite.meetings(site),
      }),
    ),
  )

  app.get<{ Params: { org: string; id: number } }>(
    '/:org/meetings/:id',
    { config: { policy: 'public' }, schema: { params: RecordParams } },
    async (request, reply) =>
      answerPublic(app, request, reply, request.params.org, 'meetings', async (site) => {
        const meeting = await publicSite.meeting(site, request.params.id)
        return render(reply, site, 'meeting.njk', { title: `${meeting.committee}, ${meeting.date}`, meeting })
      }),
  )

  app.get<{ Params: Slug }>('/:org/recommendations', opts(), async (request, reply) =>
    answerPublic(app, request, reply, request.params.org, 'recommendations', async (site) =>
      render(reply, site, 'recommendations.njk', {
        title: 'Scrutiny recommendation tracker',
        recommendations: await publicSite.recommendations(site),
      }),
    ),
  )

  app.get<{ Params: Slug }>('/:org/decisions', opts(), async (request, reply) =>
    answerPublic(app, request, reply, request.params.org, 'decisions', async (site) =>
      render(reply, site, 'decisions.njk', {
        title: 'Decisions',
        decisions: await publicSite.decisions(site),
      }),
    ),
  )

  await app.register(openDataRoutes, { render })
}
