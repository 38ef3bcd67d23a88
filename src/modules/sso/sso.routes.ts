import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { setSessionCookie } from '../../plugins/auth.ts'
import { errorList, field, FormBody } from '../../web/forms.ts'
import { safeReturnTo } from '../auth/auth.routes.ts'
import { refusalPage } from './sso.messages.ts'
import type { SsoRefused } from './sso-sign-in.service.ts'
import { emailDomain, SSO_CALLBACK_PATH } from './sso.rules.ts'

/**
 * The state given to the browser that starts a sign-in, signed and short-lived: the provider's answer is
 * accepted only in that browser (an answer forwarded to someone else, a login CSRF, is refused).
 */
const STATE_COOKIE = 'oversight_sso'
const STATE_COOKIE_PATH = '/sign-in/sso'

export async function ssoRoutes(app: FastifyInstance) {
  const { ssoSignIn } = app.services

  function refuse(request: FastifyRequest, reply: FastifyReply, refused: SsoRefused) {
    request.log.warn(
      { organisationId: refused.organisationId, reason: refused.reason, detail: refused.detail },
      'sign-in with identity provider refused',
    )
    const page = refusalPage(refused.reason, refused.providerName ?? 'Your identity provider')
    return reply.render('sso/views/refused.njk', { title: page.heading, ...page }, page.status)
  }

  app.get<{ Params: { slug: string }; Querystring: { returnTo?: string } }>(
    '/sign-in/sso/:slug',
    {
      config: { policy: 'public', crossOrganisation: 'sign-in' },
      schema: {
        params: Type.Object({ slug: Type.String({ maxLength: 100 }) }),
        querystring: Type.Object({ returnTo: Type.Optional(Type.String()) }),
      },
    },
    async (request, reply) => {
      const started = await ssoSignIn.start(
        request.params.slug.toLowerCase(),
        safeReturnTo(request.query.returnTo),
      )
      if (!started.ok) return refuse(request, reply, started)
      reply.setCookie(STATE_COOKIE, started.state, {
        path: STATE_COOKIE_PATH,
        httpOnly: true,
        // Lax: the provider sends the browser back with a top-level GET, which carries a Lax cookie.
        sameSite: 'lax',
        secure: app.config.secureCookies,
        signed: true,
        maxAge: 600,
      })
      return reply.redirect(started.url, 303)
    },
  )

  // Several organisations sign in through providers: the email address's domain says whose.
  app.post<{ Body: FormBody }>(
    '/sign-in/sso',
    { config: { policy: 'public', crossOrganisation: 'sign-in' }, schema: { body: FormBody } },
    async (request, reply) => {
      const email = field(request.body, 'ssoEmail').toLowerCase()
      const returnTo = safeReturnTo(field(request.body, 'returnTo'))
      const domain = email.includes('@') ? emailDomain(email) : ''
      const choice = (await ssoSignIn.choices()).find((c) => c.domains.includes(domain))
      if (choice)
        return reply.redirect(
          `/sign-in/sso/${encodeURIComponent(choice.slug)}?returnTo=${encodeURIComponent(returnTo)}`,
          303,
        )
      const errors = {
        ssoEmail:
          email === ''
            ? 'Enter your work email address'
            : 'No organisation signs in with an account at that email address. Sign in with your password below',
      }
      return reply.render(
        'auth/views/sign-in.njk',
        {
          title: 'Sign in',
          errors,
          errorList: errorList(errors),
          ssoEmail: email,
          returnTo,
          demo: app.config.demo,
          sso: await ssoSignIn.signInOptions(),
        },
        400,
      )
    },
  )

  app.get(
    SSO_CALLBACK_PATH,
    { config: { policy: 'public', crossOrganisation: 'sign-in' } },
    async (request, reply) => {
      const raw = request.cookies[STATE_COOKIE]
      const unsigned = raw ? request.unsignCookie(raw) : null
      reply.clearCookie(STATE_COOKIE, { path: STATE_COOKIE_PATH })
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''
      const result = await ssoSignIn.finish(
        new URL(`${app.config.baseUrl}${SSO_CALLBACK_PATH}${query}`),
        unsigned?.valid ? unsigned.value : null,
        {
          address: request.ip,
          ...(request.headers['user-agent'] ? { userAgent: request.headers['user-agent'] } : {}),
        },
      )
      if (!result.ok) return refuse(request, reply, result)
      // The browser's earlier session (someone who signed in here to work in another of their organisations) can
      // no longer be reached from it: it ends, rather than lingering until it lapses.
      const earlier = request.actor
      if (earlier?.sessionId && earlier.userId === result.actor.userId)
        await app.services.auth.signOut(earlier.sessionId)
      setSessionCookie(reply, result.sessionToken, app.config.secureCookies)
      request.log.info({ userId: result.actor.userId }, 'signed in with identity provider')
      return reply.redirect(result.returnTo, 303)
    },
  )
}
