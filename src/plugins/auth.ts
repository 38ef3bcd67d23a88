import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Actor } from '../auth/actor.ts'
import { allows, isPolicyName, type PolicyName } from '../auth/policy.ts'
import type { AuthService } from '../modules/auth/auth.service.ts'
import { createTokenActorLookup } from '../modules/tokens/token-actor.repository.ts'
import { HttpError } from '../errors.ts'
import { crossOrganisation, withTenantScope, type CrossOrganisationReason } from '../db/tenant-context.ts'

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null
  }
  interface FastifyContextConfig {
    policy?: PolicyName
    /**
     * A file upload form: its CSRF token is the form's first field, checked by the route as it reads
     * the body (src/web/multipart-csrf.ts) — never in the URL, where it would be logged.
     */
    csrfInMultipart?: boolean
    /**
     * A one-click unsubscribe (RFC 8058): the mail client posts it with no cookie, so no CSRF token; the
     * signed token in its URL is what authorises it, and all it can do is delete that one subscription.
     */
    oneClickUnsubscribe?: boolean
    /**
     * A route that must read or write across organisations (sign-in, before an organisation is chosen): one of
     * the named exceptions to row-level security (src/db/tenant-context.ts). Others work in the actor's.
     */
    crossOrganisation?: CrossOrganisationReason
  }
}

export const SESSION_COOKIE = 'oversight_session'
/**
 * On https the session cookie carries the `__Host-` prefix (ASVS V3.3.3): a browser keeps such a cookie only
 * if it is Secure, for Path=/ and with no Domain, so no other host (a sibling subdomain) and no plain-http
 * page can set or overwrite it. Plain http (development) cannot use the prefix.
 */
export const HOST_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`

export function sessionCookieName(secure: boolean): string {
  return secure ? HOST_SESSION_COOKIE : SESSION_COOKIE
}

export interface RouteRecord {
  method: string
  url: string
  policy: PolicyName
}

export function isApiPath(url: string): boolean {
  return url.startsWith('/api/v1/') || url === '/api/v1'
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export default fp(
  async function auth(app: FastifyInstance, opts: { auth: AuthService; secureCookies: boolean }) {
    const routes: RouteRecord[] = []
    app.decorate('routeRecords', routes)
    app.decorateRequest('actor', null)
    const actorForToken = createTokenActorLookup(app.database)

    // Every route must say who may use it; a route without a policy is a start-up error, not an open door.
    app.addHook('onRoute', (route) => {
      const policy = route.config?.policy
      if (!isPolicyName(policy)) {
        throw new Error(`Route ${String(route.method)} ${route.url} does not declare config.policy`)
      }
      const methods = Array.isArray(route.method) ? route.method : [route.method]
      for (const method of methods) {
        if (method !== 'HEAD') routes.push({ method, url: route.url, policy })
      }
    })

    // A session or token is found before its organisation is known: a named exception to row security.
    // A callback hook: an API token read from SQLite's prepared statement is answered at once, without the
    // promise and microtask turn an async hook costs on every request (bench/profile-list.ts).
    app.addHook('onRequest', (request, _reply, done) => {
      let found: Actor | null | Promise<Actor | null> = null
      if (isApiPath(request.url)) {
        const header = request.headers.authorization
        if (header?.startsWith('Bearer ')) {
          const token = header.slice('Bearer '.length).trim()
          found = crossOrganisation('session lookup', () => actorForToken(token))
        }
      } else {
        const raw = request.cookies[sessionCookieName(opts.secureCookies)]
        const unsigned = raw ? request.unsignCookie(raw) : null
        const value = unsigned?.valid ? unsigned.value : null
        if (value) found = crossOrganisation('session lookup', () => opts.auth.actorForSession(value))
      }
      if (!(found instanceof Promise)) {
        request.actor = found
        return done()
      }
      found.then(
        (actor) => {
          request.actor = actor
          done()
        },
        (err: unknown) => done(err as Error),
      )
    })

    // From here on the request's transactions name its organisation (row-security.ts): the actor's, or none
    // until a public page finds one by its slug; a route declaring a named exception works across them.
    // Entered before validation, not on request: the body is read in between, outside any async context.
    app.addHook('preValidation', (request, _reply, done) => {
      const reason = request.routeOptions.config.crossOrganisation ?? null
      withTenantScope(
        {
          organisationId: reason ? null : (request.actor?.organisationId ?? null),
          crossOrganisation: reason,
        },
        done,
      )
    })

    // Before validation: someone who may not use a route learns nothing from it, not even which
    // fields its body needs (an anonymous caller gets 401, not a 400 listing the schema).
    // It never waits, so it takes Fastify's callback form (an async hook costs a promise on every request).
    app.addHook(
      'preValidation',
      (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
        const policy = request.routeOptions.config.policy ?? 'signedIn'
        if (allows(policy, request.actor?.role ?? null)) return done()
        if (request.actor !== null) return done(new HttpError(403, 'You do not have permission to do that'))
        if (isApiPath(request.url))
          return done(new HttpError(401, 'Sign in with an API token: Authorization: Bearer <token>'))
        const returnTo = request.method === 'GET' ? `?returnTo=${encodeURIComponent(request.url)}` : ''
        // Answered here: the request goes no further (a callback hook that replies does not call done).
        void reply.redirect(`/sign-in${returnTo}`, 303)
      },
    )

    // Forms are protected by a CSRF token; the API takes bearer tokens only, which a browser never sends
    // on its own. Checked once the body is parsed, before the body is validated, so a refused request
    // learns nothing about what a valid one looks like.
    app.addHook('preValidation', (request, reply, done) => {
      if (SAFE_METHODS.has(request.method) || isApiPath(request.url)) return done()
      if (request.routeOptions.config.csrfInMultipart && request.isMultipart()) return done()
      if (request.routeOptions.config.oneClickUnsubscribe) return done()
      app.csrfProtection(request, reply, done)
    })
  },
  { name: 'auth', dependencies: ['@fastify/cookie', '@fastify/csrf-protection'] },
)

declare module 'fastify' {
  interface FastifyInstance {
    routeRecords: RouteRecord[]
  }
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean): void {
  reply.setCookie(sessionCookieName(secure), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    signed: true,
  })
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(sessionCookieName(secure), { path: '/', httpOnly: true, sameSite: 'lax', secure })
}

export const KNOWN_DEVICE_COOKIE = 'oversight_device'
const KNOWN_DEVICE_MAX_AGE_S = 365 * 24 * 60 * 60

/**
 * Remembers that this browser signed in to an account, so the sign-in throttle can tell its owner from
 * someone guessing (sign-in-throttle.ts). Signed, so it cannot be made up, and sent to /sign-in only.
 */
export function setKnownDeviceCookie(reply: FastifyReply, value: string, secure: boolean): void {
  reply.setCookie(KNOWN_DEVICE_COOKIE, value, {
    path: '/sign-in',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    signed: true,
    maxAge: KNOWN_DEVICE_MAX_AGE_S,
  })
}

/** The verified value of the browser's known-device cookie, or null. */
export function knownDevice(request: FastifyRequest): string | null {
  const raw = request.cookies[KNOWN_DEVICE_COOKIE]
  if (!raw) return null
  const unsigned = request.unsignCookie(raw)
  return unsigned.valid ? unsigned.value : null
}
