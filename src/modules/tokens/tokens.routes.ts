import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { notFound } from '../../errors.ts'
import { errorList, field, FormBody } from '../../web/forms.ts'

export async function tokensRoutes(app: FastifyInstance) {
  const { tokens } = app.services
  const page = 'tokens/views/tokens.njk'

  app.get('/account/tokens', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const actor = request.actor!
    return reply.render(page, {
      title: 'API tokens',
      backLink: '/account',
      tokens: await tokens.list(actor.organisationId, actor.userId),
    })
  })

  app.post<{ Body: FormBody }>(
    '/account/tokens',
    { config: { policy: 'signedIn' }, schema: { body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const name = field(request.body, 'name')
      const errors: Record<string, string> = {}
      if (name === '') errors.name = 'Enter a name for the token, so you know what uses it'
      else if (name.length > 100) errors.name = 'Name must be 100 characters or fewer'
      if (Object.keys(errors).length > 0) {
        return reply.render(
          page,
          {
            title: 'API tokens',
            backLink: '/account',
            errors,
            errorList: errorList(errors),
            tokens: await tokens.list(actor.organisationId, actor.userId),
          },
          400,
        )
      }
      const created = await tokens.create(actor.organisationId, actor.userId, name)
      request.log.info({ tokenId: created.id }, 'API token created')
      return reply.render(page, {
        title: 'API tokens',
        backLink: '/account',
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
