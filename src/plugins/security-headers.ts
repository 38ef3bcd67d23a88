import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Strict security headers on every response, pages and API alike: a Content-Security-Policy with a fresh
 * nonce per response (the only inline script is GOV.UK Frontend's `js-enabled` line, which carries it), and
 * the hardening headers Helmet sets by default. Built once at start-up; a request only draws its nonce and
 * copies the headers — rebuilding a Helmet middleware per request (as @fastify/helmet does with nonces)
 * cost about 4 % of the API's CPU under load (bench/run.ts).
 */
export interface SecurityHeadersOptions {
  /** Served over https: add Strict-Transport-Security and upgrade-insecure-requests. */
  secure: boolean
}

const CSP_DIRECTIVES: Array<[string, string[]]> = [
  ['default-src', ["'self'"]],
  ['base-uri', ["'self'"]],
  ['font-src', ["'self'"]],
  ['form-action', ["'self'"]],
  ['frame-ancestors', ["'none'"]],
  ['img-src', ["'self'", 'data:']],
  ['object-src', ["'none'"]],
  ['script-src', ["'self'"]],
  ['script-src-attr', ["'none'"]],
  ['style-src', ["'self'"]],
  ['connect-src', ["'self'"]],
]

/** The policy text around the nonce: `${before}${nonce}${middle}${nonce}${after}`. */
export function contentSecurityPolicy(secure: boolean): (nonce: string) => string {
  const parts = CSP_DIRECTIVES.map(([name, values]) =>
    name === 'script-src' || name === 'style-src'
      ? `${name} ${values.join(' ')} 'nonce-\0'`
      : `${name} ${values.join(' ')}`,
  )
  if (secure) parts.splice(parts.length - 1, 0, 'upgrade-insecure-requests')
  const [before, middle, after] = parts.join(';').split('\0') as [string, string, string]
  return (nonce) => before + nonce + middle + nonce + after
}

export function staticSecurityHeaders(secure: boolean): Array<[string, string]> {
  const headers: Array<[string, string]> = [
    ['cross-origin-opener-policy', 'same-origin'],
    ['cross-origin-resource-policy', 'same-origin'],
    ['origin-agent-cluster', '?1'],
    ['referrer-policy', 'same-origin'],
    ['x-content-type-options', 'nosniff'],
    ['x-dns-prefetch-control', 'off'],
    ['x-download-options', 'noopen'],
    ['x-frame-options', 'SAMEORIGIN'],
    ['x-permitted-cross-domain-policies', 'none'],
    ['x-xss-protection', '0'],
    // Nothing Oversight answers may be kept by a browser or a proxy (ASVS V14.2.2, V14.3.2): pages, API
    // answers and every download (XLSX, CSV, PDF, DOCX, ICS). This is the one place it is set; only the
    // static assets say otherwise, with their own header.
    ['cache-control', 'no-store'],
  ]
  if (secure) headers.push(['strict-transport-security', 'max-age=31536000; includeSubDomains'])
  return headers
}

// Nonces are cut from a pool of random bytes drawn 4 KiB at a time: each is still 16 bytes straight from
// the CSPRNG and none is ever reused, but one system call serves 256 responses instead of one.
const NONCE_BYTES = 16
let pool = Buffer.alloc(0)
let taken = 0

function nextNonce(): string {
  if (taken + NONCE_BYTES > pool.length) {
    pool = randomBytes(NONCE_BYTES * 256)
    taken = 0
  }
  const nonce = pool.toString('hex', taken, taken + NONCE_BYTES)
  taken += NONCE_BYTES
  return nonce
}

declare module 'fastify' {
  interface FastifyReply {
    /** This response's CSP nonce, for the inline script in the layout. */
    cspNonce: { script: string; style: string }
  }
}

export default fp(
  async function securityHeaders(app: FastifyInstance, opts: SecurityHeadersOptions) {
    const policy = contentSecurityPolicy(opts.secure)
    const headers = staticSecurityHeaders(opts.secure)
    // Fastify wants a decorator's initial value; every request sets its own before any handler runs.
    app.decorateReply('cspNonce', null as unknown as FastifyReply['cspNonce'])
    app.addHook('onRequest', (_request, reply, done) => {
      const nonce = nextNonce()
      reply.cspNonce = { script: nonce, style: nonce }
      for (const [name, value] of headers) reply.raw.setHeader(name, value)
      reply.raw.setHeader('content-security-policy', policy(nonce))
      done()
    })
  },
  { name: 'security-headers' },
)
