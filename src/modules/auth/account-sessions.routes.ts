import type { FastifyInstance } from 'fastify'
import { notFound } from '../../errors.ts'
import { clearSessionCookie } from '../../plugins/auth.ts'
import { field, FormBody } from '../../web/forms.ts'

export async function accountSessionsRoutes(app: FastifyInstance) {
  const { accountSessions } = app.services

  app.get(
    '/account/sessions',
    { config: { policy: 'signedIn', crossOrganisation: 'own account' } },
    async (request, reply) => {
      const actor = request.actor!
      return reply.render('auth/views/sessions.njk', {
        title: 'Your sessions',
        backLink: '/account',
        sessions: await accountSessions.list(actor.userId, actor.sessionId),
      })
    },
  )

  app.post<{ Body: FormBody }>(
    '/account/sessions/end',
    { config: { policy: 'signedIn', crossOrganisation: 'own account' }, schema: { body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const sessionId = field(request.body, 'session')
      if (!(await accountSessions.end(actor.userId, sessionId))) throw notFound('Session')
      if (sessionId === actor.sessionId) {
        clearSessionCookie(reply, app.config.secureCookies)
        return reply.redirect('/sign-in', 303)
      }
      reply.flash('The session has ended. That browser must sign in again.')
      return reply.redirect('/account/sessions', 303)
    },
  )

  app.post(
    '/account/sessions/end-others',
    { config: { policy: 'signedIn', crossOrganisation: 'own account' } },
    async (request, reply) => {
      const actor = request.actor!
      if (actor.sessionId) await accountSessions.endOthers(actor.userId, actor.sessionId)
      reply.flash('Your other sessions have ended. Only this browser is still signed in.')
      return reply.redirect('/account/sessions', 303)
    },
  )
}
