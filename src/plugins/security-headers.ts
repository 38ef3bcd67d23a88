import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Strict security headers on every response, pages and API alike: a Content-Security-Policy with a fresh
 * nonce per rendered page (the only inline script is GOV.UK Frontend's `js-enabled` line, which carries it), and
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

/** The policy's text, with `nonce` (a placeholder or none) allowed for scripts and styles. */
function policyText(secure: boolean, nonce: string | null): string {
  const parts = CSP_DIRECTIVES.map(([name, values]) =>
    nonce !== null && (name === 'script-src' || name === 'style-src')
      ? `${name} ${values.join(' ')} 'nonce-${nonce}'`
      : `${name} ${values.join(' ')}`,
  )
  if (secure) parts.splice(parts.length - 1, 0, 'upgrade-insecure-requests')
  return parts.join(';')
}

/** The policy text around the nonce: `${before}${nonce}${middle}${nonce}${after}`. */
export function contentSecurityPolicy(secure: boolean): (nonce: string) => string {
  const [before, middle, after] = policyText(secure, '\0').split('\0') as [string, string, string]
  return (nonce) => before + nonce + middle + nonce + after
}

/**
 * The same policy for an answer that draws no nonce: no inline script or style may run. Most answers are
 * JSON, for which a nonce (a CSPRNG draw and a longer header) bought nothing (bench/run.ts).
 */
function noInlinePolicy(secure: boolean): string {
  return policyText(secure, null)
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
    /**
     * This response's CSP nonce, for the inline script in the layout. Drawn on first use (a rendered page),
     * which also puts it in the response's policy; an answer that never asks (JSON, files, redirects)
     * keeps the policy that allows no inline script at all.
     */
    readonly cspNonce: { script: string; style: string }
    /** The nonce once drawn (security-headers' own; read `cspNonce`). */
    drawnCspNonce: { script: string; style: string } | null
  }
}

export default fp(
  async function securityHeaders(app: FastifyInstance, opts: SecurityHeadersOptions) {
    const policy = contentSecurityPolicy(opts.secure)
    const noInline = noInlinePolicy(opts.secure)
    // Every answer's hardening headers, with the policy that allows no inline script; a page's nonce
    // replaces the policy. Set as the reply's own headers, which Fastify hands to writeHead in one go: setting
    // them on the raw response instead validated and stored each one twice, on every request, and was the
    // largest allocation of a remembered API answer (bench/profile-list.ts).
    const headers: ReadonlyArray<readonly [string, string]> = Object.freeze([
      ...staticSecurityHeaders(opts.secure),
      ['content-security-policy', noInline] as const,
    ])
    // Fastify wants a decorator's initial value: each reply starts without a nonce.
    app.decorateReply('drawnCspNonce', null)
    app.decorateReply('cspNonce', {
      getter(this: FastifyReply) {
        if (this.drawnCspNonce === null) {
          const nonce = nextNonce()
          this.drawnCspNonce = { script: nonce, style: nonce }
          this.header('content-security-policy', policy(nonce))
        }
        return this.drawnCspNonce
      },
    })
    app.addHook('onRequest', (_request, reply, done) => {
      for (let i = 0; i < headers.length; i++) {
        const [name, value] = headers[i]!
        reply.header(name, value)
      }
      done()
    })
  },
  { name: 'security-headers' },
)
