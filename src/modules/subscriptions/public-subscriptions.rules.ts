import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Followable } from './follows.rules.ts'

// A member of the public's subscription (issue 12): until confirmed the address exists only inside the
// signed link emailed to it, which expires in 24 hours; nothing is stored. The unsubscribe link is signed
// too (it names the subscriber's row), so no token is stored either.

export const CONFIRM_LINK_MS = 24 * 60 * 60 * 1000
/** Requests allowed per address and per client network in a window, and the window. */
export const PER_ADDRESS = 3
export const PER_NETWORK = 20
export const THROTTLE_WINDOW_MS = 60 * 60 * 1000

export interface PendingSubscription {
  organisationId: number
  email: string
  recordType: Followable
  recordId: number
  /** Expiry, milliseconds since the epoch. */
  expires: number
}

const mac = (secret: string, purpose: string, body: string) =>
  createHmac('sha256', secret).update(`${purpose}:${body}`).digest('base64url')

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** The confirmation link's token: the request itself, and its signature. */
export function signPending(secret: string, p: PendingSubscription): string {
  const body = Buffer.from(
    JSON.stringify([p.organisationId, p.email, p.recordType, p.recordId, p.expires]),
  ).toString('base64url')
  return `${body}.${mac(secret, 'confirm', body)}`
}

/** The request a confirmation token carries, or why it cannot be used. */
export function readPending(
  secret: string,
  token: string,
  now: number,
): PendingSubscription | 'invalid' | 'expired' {
  const [body = '', signature = ''] = token.split('.')
  if (!body || !equal(signature, mac(secret, 'confirm', body))) return 'invalid'
  try {
    const [organisationId, email, recordType, recordId, expires] = JSON.parse(
      Buffer.from(body, 'base64url').toString('utf8'),
    ) as [number, string, Followable, number, number]
    if (expires < now) return 'expired'
    return { organisationId, email, recordType, recordId, expires }
  } catch {
    return 'invalid'
  }
}

/** The unsubscribe link's token for a subscriber's row. */
export const unsubscribeToken = (secret: string, subscriberId: number) =>
  `${subscriberId}.${mac(secret, 'unsubscribe', String(subscriberId))}`

/** The subscriber a valid unsubscribe token names, or null. */
export function readUnsubscribe(secret: string, token: string): number | null {
  const [id = '', signature = ''] = token.split('.')
  if (!/^\d+$/.test(id) || !equal(signature, mac(secret, 'unsubscribe', id))) return null
  return Number(id)
}

/** A plausible email address: one @, something either side, a dot in the domain, no spaces. */
export const isEmailAddress = (v: string) => v.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)
