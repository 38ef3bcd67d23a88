import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { notFound } from '../../errors.ts'
import { clearSessionCookie } from '../../plugins/auth.ts'
import { handleForm } from '../../web/form-pages.ts'
import { field, FormBody } from '../../web/forms.ts'

/**
 * Issue 13: an administrator sees and ends the sessions of anyone in their own organisation (ASVS V7.4.5), and
 * turns off the second factor of someone who has lost it.
 */
export async function memberSessionsRoutes(app: FastifyInstance) {
  const { accountSessions, secondFactor } = app.services
  const params = Type.Object({ userId: Type.Integer({ minimum: 1 }) })

  app.get<{ Params: { userId: number } }>(
    '/settings/people/:userId/sessions',
    { config: { policy: 'organisation.admin' }, schema: { params } },
    async (request, reply) => {
      const { name, sessions } = await accountSessions.listMember(request.actor!, request.params.userId)
      return reply.render('auth/views/member-sessions.njk', {
        title: `Sessions of ${name}`,
        backLink: '/settings/people',
        name,
        userId: request.params.userId,
        sessions,
        secondFactor: await secondFactor.status(request.params.userId),
      })
    },
  )

  app.post<{ Params: { userId: number }; Body: FormBody }>(
    '/settings/people/:userId/sessions/end-one',
    { config: { policy: 'organisation.admin' }, schema: { params, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const sessionId = field(request.body, 'session')
      if (!(await accountSessions.endMember(actor, request.params.userId, sessionId)))
        throw notFound('Session')
      if (sessionId === actor.sessionId) {
        clearSessionCookie(reply, app.config.secureCookies)
        return reply.redirect('/sign-in', 303)
      }
      reply.flash('The session has ended. That browser must sign in again.')
      return reply.redirect(`/settings/people/${request.params.userId}/sessions`, 303)
    },
  )

  app.post<{ Params: { userId: number }; Body: FormBody }>(
    '/settings/people/:userId/second-factor/turn-off',
    { config: { policy: 'organisation.admin' }, schema: { params, body: FormBody } },
    async (request, reply) => {
      const { userId } = request.params
      return handleForm(reply, {
        save: () => secondFactor.turnOffForMember(request.actor!, userId),
        onInvalid: () => {
          reply.flash('Their second factor was already off.')
          return reply.redirect(`/settings/people/${userId}/sessions`, 303)
        },
        onSaved: () => {
          reply.flash(
            'Their second factor is off. If it is required, they set up a new one when they next sign in.',
          )
          return reply.redirect(`/settings/people/${userId}/sessions`, 303)
        },
      })
    },
  )
}
