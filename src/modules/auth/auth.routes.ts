import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import {
  clearSessionCookie,
  knownDevice,
  setKnownDeviceCookie,
  setSessionCookie,
} from '../../plugins/auth.ts'
import { errorList, field, FormBody } from '../../web/forms.ts'
import { setPendingCookie } from './pending-sign-in.ts'
import type { SwitchRefused } from './auth.service.ts'

// Any host name will do: it only gives relative values a base, and nothing is ever fetched from it.
const RETURN_BASE = 'http://oversight.invalid'

/**
 * Only same-site paths: a crafted returnTo must not send someone to another site after signing in.
 * The value is parsed as a browser would parse a Location header (tabs and newlines dropped, `\` read
 * as `/`, dot segments resolved), so `/\t/evil.example` or `/.//evil.example` cannot slip past a
 * prefix check, and the path handed back is the serialised one: percent-encoded, with no character
 * that could end the header.
 */
export function safeReturnTo(value: string | undefined): string {
  if (!value?.startsWith('/')) return '/'
  let url: URL
  try {
    url = new URL(value, RETURN_BASE)
  } catch {
    return '/'
  }
  const path = `${url.pathname}${url.search}${url.hash}`
  if (url.origin !== RETURN_BASE || path.startsWith('//') || path.startsWith('/\\')) return '/'
  return path
}

/** The same words whether the account, the address or both are waiting, and whether or not the account exists. */
export function throttledMessage(seconds: number): string {
  const minutes = Math.ceil(seconds / 60)
  return `There have been too many attempts to sign in. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again`
}

export async function authRoutes(app: FastifyInstance) {
  const { auth } = app.services

  app.get<{ Querystring: { returnTo?: string } }>(
    '/sign-in',
    {
      config: { policy: 'public', crossOrganisation: 'sign-in' },
      schema: { querystring: Type.Object({ returnTo: Type.Optional(Type.String()) }) },
    },
    async (request, reply) => {
      if (request.actor) return reply.redirect(safeReturnTo(request.query.returnTo), 303)
      return reply.render('auth/views/sign-in.njk', {
        title: 'Sign in',
        returnTo: safeReturnTo(request.query.returnTo),
        demo: app.config.demo,
        sso: await app.services.ssoSignIn.signInOptions(),
      })
    },
  )

  app.post<{ Body: FormBody }>(
    '/sign-in',
    { config: { policy: 'public', crossOrganisation: 'sign-in' }, schema: { body: FormBody } },
    async (request, reply) => {
      const email = field(request.body, 'email')
      const password = typeof request.body.password === 'string' ? request.body.password : ''
      const returnTo = safeReturnTo(field(request.body, 'returnTo'))
      const errors: Record<string, string> = {}
      if (email === '') errors.email = 'Enter your email address'
      if (password === '') errors.password = 'Enter your password'
      if (Object.keys(errors).length === 0) {
        const result = await auth.signIn(email, password, {
          address: request.ip,
          knownDevice: knownDevice(request),
          ...(request.headers['user-agent'] ? { userAgent: request.headers['user-agent'] } : {}),
        })
        if (result.ok) {
          setSessionCookie(reply, result.sessionToken, app.config.secureCookies)
          setKnownDeviceCookie(reply, result.knownDevice, app.config.secureCookies)
          request.log.info({ userId: result.actor.userId }, 'signed in')
          return reply.redirect(returnTo, 303)
        }
        if (result.reason === 'second-factor') {
          setPendingCookie(reply, result.pendingToken, app.config.secureCookies)
          request.log.info({ userId: result.userId }, 'password accepted; second factor to come')
          const step = result.mustEnrol ? '/sign-in/set-up' : '/sign-in/code'
          return reply.redirect(`${step}?returnTo=${encodeURIComponent(returnTo)}`, 303)
        }
        if (result.reason === 'throttled') {
          request.log.warn('sign-in throttled after repeated failures')
          reply.header('retry-after', String(result.retryAfterSeconds))
          errors.email = throttledMessage(result.retryAfterSeconds)
          return reply.render(
            'auth/views/sign-in.njk',
            {
              title: 'Sign in',
              errors,
              errorList: errorList(errors),
              email,
              returnTo,
              demo: app.config.demo,
            },
            429,
          )
        }
        if (result.reason === 'passwords-off') {
          request.log.warn('sign-in refused: the organisation signs in only through its identity provider')
          errors.email =
            'Your organisation signs in through its own account, not a password. Sign in through your organisation’s account above'
        } else if (result.reason === 'left') {
          request.log.warn('sign-in refused: the person has left every organisation')
          errors.email =
            'You no longer have access to Oversight. Ask an administrator of your organisation if this is wrong'
        } else {
          request.log.warn('sign-in failed')
          errors.email = 'Enter a correct email address and password'
        }
      }
      return reply.render(
        'auth/views/sign-in.njk',
        {
          title: 'Sign in',
          errors,
          errorList: errorList(errors, ['email', 'password']),
          email,
          returnTo,
          demo: app.config.demo,
          sso: await app.services.ssoSignIn.signInOptions(),
        },
        400,
      )
    },
  )

  app.post(
    '/sign-out',
    { config: { policy: 'public', crossOrganisation: 'sign-in' } },
    async (request, reply) => {
      if (request.actor?.sessionId) await auth.signOut(request.actor.sessionId)
      clearSessionCookie(reply, app.config.secureCookies)
      return reply.redirect('/sign-in', 303)
    },
  )

  app.get(
    '/account',
    { config: { policy: 'signedIn', crossOrganisation: 'own account' } },
    async (request, reply) => {
      const organisations = await auth.organisationsOf(request.actor!.userId)
      return reply.render('auth/views/account.njk', { title: 'Your account', organisations })
    },
  )

  app.post<{ Body: FormBody }>(
    '/account/organisation',
    { config: { policy: 'signedIn', crossOrganisation: 'own account' }, schema: { body: FormBody } },
    async (request, reply) => {
      const id = Number(field(request.body, 'organisationId'))
      const switched = Number.isSafeInteger(id)
        ? await auth.switchOrganisation(request.actor!, id)
        : { ok: false as const }
      if (!switched.ok) {
        // Issue 13: a session keeps to how it signed in; another organisation may ask for its own sign-in.
        const refused = switched.refused
        const errors = {
          organisationId: refused ? switchRefusedMessage(refused) : 'Select one of your organisations',
        }
        const organisations = await auth.organisationsOf(request.actor!.userId)
        return reply.render(
          'auth/views/account.njk',
          {
            title: 'Your account',
            organisations,
            errors,
            errorList: errorList(errors),
            signInThrough: refused?.provider
              ? `/sign-in/sso/${encodeURIComponent(refused.provider.slug)}?returnTo=${encodeURIComponent('/')}`
              : null,
            signInThroughName: refused?.provider?.name,
          },
          refused ? 403 : 400,
        )
      }
      reply.flash('You are now working in another organisation')
      return reply.redirect('/', 303)
    },
  )

  app.get('/account/password', { config: { policy: 'signedIn' } }, async (_request, reply) => {
    return reply.render('auth/views/password.njk', { title: 'Change your password', backLink: '/account' })
  })

  app.post<{ Body: FormBody }>(
    '/account/password',
    { config: { policy: 'signedIn', crossOrganisation: 'own account' }, schema: { body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const current = typeof request.body.currentPassword === 'string' ? request.body.currentPassword : ''
      const next = typeof request.body.newPassword === 'string' ? request.body.newPassword : ''
      const confirm = typeof request.body.confirmPassword === 'string' ? request.body.confirmPassword : ''
      const errors: Record<string, string> = {}
      if (current === '') errors.currentPassword = 'Enter your current password'
      if (next === '') errors.newPassword = 'Enter a new password'
      else if (confirm !== next) errors.confirmPassword = 'The passwords do not match'
      if (Object.keys(errors).length === 0) {
        const result = await auth.changePassword(actor, current, next)
        if (result.ok) {
          reply.flash('Your password has been changed. You have been signed out everywhere else.')
          return reply.redirect('/account', 303)
        }
        Object.assign(errors, result.fields)
      }
      return reply.render(
        'auth/views/password.njk',
        {
          title: 'Change your password',
          backLink: '/account',
          errors,
          errorList: errorList(errors, ['currentPassword', 'newPassword', 'confirmPassword']),
        },
        400,
      )
    },
  )
}

function switchRefusedMessage(refused: SwitchRefused): string {
  const { organisationName: org, provider } = refused
  if (refused.needs === 'own-provider' && provider)
    return `${org} signs in only through ${provider.name}: sign in through ${provider.name} to work in ${org}`
  if (refused.needs === 'unrecorded')
    return `Your session began before Oversight recorded how you signed in: sign out and sign in again to work in ${org}`
  return provider
    ? `You signed in through another organisation’s account: sign in through ${provider.name} to work in ${org}, or sign out and sign in with your password`
    : `You signed in through another organisation’s account: sign out and sign in with your password to work in ${org}`
}
