import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { notFound } from '../../errors.ts'
import { errorList, field, FormBody } from '../../web/forms.ts'
import { readTokenDays, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS } from './tokens.rules.ts'

export async function tokensRoutes(app: FastifyInstance) {
  const { tokens } = app.services
  const page = 'tokens/views/tokens.njk'

  app.get('/account/tokens', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const actor = request.actor!
    return reply.render(page, {
      title: 'API tokens',
      backLink: '/account',
      values: { days: String(TOKEN_DEFAULT_DAYS) },
      maxDays: TOKEN_MAX_DAYS,
      tokens: await tokens.list(actor.organisationId, actor.userId),
    })
  })

  app.post<{ Body: FormBody }>(
    '/account/tokens',
    { config: { policy: 'signedIn' }, schema: { body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const name = field(request.body, 'name')
      // A form from before tokens expired has no days field: it gets the default, as the page offers.
      const daysText =
        request.body.days === undefined ? String(TOKEN_DEFAULT_DAYS) : field(request.body, 'days')
      const days = readTokenDays(daysText)
      const errors: Record<string, string> = {}
      if (name === '') errors.name = 'Enter a name for the token, so you know what uses it'
      else if (name.length > 100) errors.name = 'Name must be 100 characters or fewer'
      if (!days.ok) errors.days = days.message
      if (Object.keys(errors).length > 0 || !days.ok) {
        return reply.render(
          page,
          {
            title: 'API tokens',
            backLink: '/account',
            errors,
            errorList: errorList(errors, ['name', 'days']),
            values: { name, days: daysText },
            maxDays: TOKEN_MAX_DAYS,
            tokens: await tokens.list(actor.organisationId, actor.userId),
          },
          400,
        )
      }
      const created = await tokens.create(actor.organisationId, actor.userId, name, days.days)
      request.log.info({ tokenId: created.id }, 'API token created')
      return reply.render(page, {
        title: 'API tokens',
        backLink: '/account',
        values: { days: String(TOKEN_DEFAULT_DAYS) },
        maxDays: TOKEN_MAX_DAYS,
        created: { name, token: created.token },
        tokens: await tokens.list(actor.organisationId, actor.userId),
      })
    },
  )

  app.post<{ Params: { id: number } }>(
    '/account/tokens/:id/revoke',
    { config: { policy: 'signedIn' }, schema: { params: Type.Object({ id: Type.Integer({ minimum: 1 }) }) } },
    async (request, reply) => {
      const actor = request.actor!
      if (!(await tokens.revoke(actor.organisationId, actor.userId, request.params.id)))
        throw notFound('API token')
      reply.flash('The token has been revoked. Anything using it can no longer reach the API.')
      return reply.redirect('/account/tokens', 303)
    },
  )
}
