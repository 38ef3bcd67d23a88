import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { auditActorOf } from '../../auth/actor.ts'
import { setKnownDeviceCookie, setSessionCookie } from '../../plugins/auth.ts'
import { handleForm } from '../../web/form-pages.ts'
import { errorList, field, FormBody } from '../../web/forms.ts'
import { safeReturnTo, throttledMessage } from './auth.routes.ts'
import { clearPendingCookie, findPendingSignIn, PENDING_COOKIE } from './pending-sign-in.ts'
import { groupedSecret, otpauthUri } from './totp.rules.ts'
import { UNREADABLE_SECRET_MESSAGE } from './second-factor-secrets.ts'

export const OTP_ISSUER = 'Oversight'

const CODE_PAGE = 'auth/views/second-factor-code.njk'
const SET_UP_PAGE = 'auth/views/second-factor-set-up.njk'
const RECOVERY_PAGE = 'auth/views/recovery-codes.njk'

/** The second step of signing in (issue 13): a code, or setting up a second factor the organisation requires. */
export async function secondFactorSignInRoutes(app: FastifyInstance) {
  const { auth, secondFactor } = app.services
  const secure = app.config.secureCookies

  async function pendingOf(request: FastifyRequest) {
    const raw = request.cookies[PENDING_COOKIE]
    const unsigned = raw ? request.unsignCookie(raw) : null
    if (!unsigned?.valid || !unsigned.value) return null
    const row = await findPendingSignIn(app.database.db, unsigned.value)
    return row && { ...row, token: unsigned.value }
  }

  /** The pending sign-in is used up (or has lapsed): the password is asked for again. */
  function startAgain(reply: FastifyReply, returnTo: string) {
    clearPendingCookie(reply, secure)
    reply.flash('Your sign-in timed out or was already used. Sign in again.')
    return reply.redirect(`/sign-in?returnTo=${encodeURIComponent(returnTo)}`, 303)
  }

  async function startSession(request: FastifyRequest, reply: FastifyReply, token: string, userId: number) {
    const done = await auth.completeSignIn(token, userId, {
      address: request.ip,
      ...(request.headers['user-agent'] ? { userAgent: request.headers['user-agent'] } : {}),
    })
    if (!done) return null
    clearPendingCookie(reply, secure)
    setSessionCookie(reply, done.sessionToken, secure)
    setKnownDeviceCookie(reply, done.knownDevice, secure)
    request.log.info({ userId }, 'signed in with a second factor')
    return done
  }

  const returnToQuery = { querystring: Type.Object({ returnTo: Type.Optional(Type.String()) }) }

  app.get<{ Querystring: { returnTo?: string } }>(
    '/sign-in/code',
    { config: { policy: 'public', crossOrganisation: 'sign-in' }, schema: returnToQuery },
    async (request, reply) => {
      const returnTo = safeReturnTo(request.query.returnTo)
      const pending = await pendingOf(request)
      if (!pending || pending.must_enrol === 1) return startAgain(reply, returnTo)
      return reply.render(CODE_PAGE, { title: 'Enter your code', returnTo })
    },
  )

  app.post<{ Body: FormBody }>(
    '/sign-in/code',
    { config: { policy: 'public', crossOrganisation: 'sign-in' }, schema: { body: FormBody } },
    async (request, reply) => {
      const returnTo = safeReturnTo(field(request.body, 'returnTo'))
      const pending = await pendingOf(request)
      if (!pending || pending.must_enrol === 1) return startAgain(reply, returnTo)
      const code = field(request.body, 'code')
      const page = (message: string, status: number) =>
        reply.render(
          CODE_PAGE,
          {
            title: 'Enter your code',
            returnTo,
            errors: { code: message },
            errorList: errorList({ code: message }),
          },
          status,
        )
      if (code === '') return page('Enter the code from your authenticator app, or a recovery code', 400)
      const result = await secondFactor.attempt(pending.user_id, request.ip, code)
      if ('retryAfterSeconds' in result) {
        request.log.warn('second factor throttled after repeated failures')
        reply.header('retry-after', String(result.retryAfterSeconds))
        return page(throttledMessage(result.retryAfterSeconds), 429)
      }
      if (!result.ok && result.unreadable) {
        request.log.error(
          'the stored second-factor secret does not open with OVERSIGHT_SECRET_KEY: was the key changed?',
        )
        return page(UNREADABLE_SECRET_MESSAGE, 503)
      }
      if (!result.ok) {
        request.log.warn('second factor refused')
        return page('Enter a correct code. Each code works once: wait for your app to show a new one', 400)
      }
      if (!(await startSession(request, reply, pending.token, pending.user_id)))
        return startAgain(reply, returnTo)
      if (result.usedRecoveryCode)
        reply.flash(
          `You signed in with a recovery code, which now no longer works. You have ${result.recoveryCodesLeft} left: you can make new ones from Your account.`,
        )
      return reply.redirect(returnTo, 303)
    },
  )

  async function setUpPage(userId: number, email: string) {
    const secret = await secondFactor.pendingSecret(userId)
    return secret === null
      ? null
      : {
          secret: groupedSecret(secret),
          uri: otpauthUri(secret, OTP_ISSUER, email),
          title: 'Set up a second factor',
        }
  }

  app.get<{ Querystring: { returnTo?: string } }>(
    '/sign-in/set-up',
    { config: { policy: 'public', crossOrganisation: 'sign-in' }, schema: returnToQuery },
    async (request, reply) => {
      const returnTo = safeReturnTo(request.query.returnTo)
      const pending = await pendingOf(request)
      const actor =
        pending?.must_enrol === 1 &&
        (await auth.actorFor(pending.user_id, pending.organisation_id, 'session', null))
      const view = actor && (await setUpPage(actor.userId, actor.email))
      if (!view) return startAgain(reply, returnTo)
      return reply.render(SET_UP_PAGE, { ...view, action: '/sign-in/set-up', returnTo, atSignIn: true })
    },
  )

  app.post<{ Body: FormBody }>(
    '/sign-in/set-up',
    { config: { policy: 'public', crossOrganisation: 'sign-in' }, schema: { body: FormBody } },
    async (request, reply) => {
      const returnTo = safeReturnTo(field(request.body, 'returnTo'))
      const pending = await pendingOf(request)
      const actor =
        pending?.must_enrol === 1 &&
        (await auth.actorFor(pending.user_id, pending.organisation_id, 'session', null))
      if (!pending || !actor) return startAgain(reply, returnTo)
      const code = field(request.body, 'code')
      return handleForm(reply, {
        errors: code === '' ? { code: 'Enter the 6-digit code your authenticator app shows' } : {},
        save: () =>
          secondFactor.confirm(
            { userId: actor.userId, organisationId: actor.organisationId, audit: auditActorOf(actor) },
            code,
          ),
        onInvalid: async (errors) => {
          const view = await setUpPage(actor.userId, actor.email)
          if (!view) return startAgain(reply, returnTo)
          return reply.render(
            SET_UP_PAGE,
            {
              ...view,
              action: '/sign-in/set-up',
              returnTo,
              atSignIn: true,
              errors,
              errorList: errorList(errors),
            },
            400,
          )
        },
        onSaved: async (codes) => {
          if (!(await startSession(request, reply, pending.token, actor.userId)))
            return startAgain(reply, returnTo)
          // Shown in this answer and never again: a redirect would need them kept somewhere.
          reply.header('cache-control', 'no-store')
          return reply.render(RECOVERY_PAGE, { title: 'Your recovery codes', codes, continueTo: returnTo })
        },
      })
    },
  )
}
