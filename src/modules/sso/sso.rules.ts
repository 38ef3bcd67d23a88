import { isRole, ROLES, type Role } from '../../auth/roles.ts'

/** What an organisation's OpenID Connect sign-in is, whether it came from the settings page or the environment. */
export interface SsoSettings {
  providerName: string
  issuer: string
  clientId: string
  allowedDomains: string[]
  tenantId: string | null
  groupsClaim: string | null
  groupRoles: Record<string, Role>
  enabled: boolean
  localPasswordsAllowed: boolean
}

/** The claims of a validated ID token that decide who someone is. */
export interface IdentityClaims {
  sub: string
  email?: unknown
  email_verified?: unknown
  xms_edov?: unknown
  tid?: unknown
  [claim: string]: unknown
}

/** The one address every provider sends people back to, whichever organisation they signed in to. */
export const SSO_CALLBACK_PATH = '/sign-in/sso/callback'

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]'
}

/**
 * The issuer must be https: its discovery document and keys decide whose tokens are believed. Plain http is
 * allowed only on this machine's loopback address (a provider run beside Oversight, as in the tests).
 */
export function issuerProblem(value: string): string | null {
  if (value === '') return 'Enter the issuer URL'
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'Enter the issuer URL as a full address, like https://login.microsoftonline.com/<tenant id>/v2.0'
  }
  if (url.search !== '' || url.hash !== '') return 'Enter the issuer URL without a query or fragment'
  if (url.protocol === 'https:') return null
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return null
  return 'Enter an issuer URL that starts with https://'
}

/** "council.gov.uk, @Example.org" → ['council.gov.uk', 'example.org'], or the first bad one. */
export function parseDomains(value: string): { domains: string[] } | { bad: string } {
  const domains: string[] = []
  for (const part of value.split(/[\s,;]+/)) {
    const d = part.trim().toLowerCase().replace(/^@/, '')
    if (d === '') continue
    if (!DOMAIN.test(d)) return { bad: part.trim() }
    if (!domains.includes(d)) domains.push(d)
  }
  return { domains }
}

/**
 * One mapping a line, `group = role` ("a1b2… = administrator"); the role by its name or its label.
 * Answers the mapping, or the line that is wrong.
 */
export function parseGroupRoles(value: string): { map: Record<string, Role> } | { badLine: string } {
  const map: Record<string, Role> = {}
  for (const raw of value.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '') continue
    const at = line.lastIndexOf('=')
    const group = at > 0 ? line.slice(0, at).trim() : ''
    const roleText =
      at > 0
        ? line
            .slice(at + 1)
            .trim()
            .toLowerCase()
            .replace(/\s+/g, '_')
        : ''
    if (group === '' || !isRole(roleText)) return { badLine: line }
    map[group] = roleText
  }
  return { map }
}

export function formatGroupRoles(map: Record<string, Role>): string {
  return Object.entries(map)
    .map(([group, role]) => `${group} = ${role}`)
    .join('\n')
}

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase()
}

/**
 * Whether the provider vouches for the email address, so it may link an account the first time. Most
 * providers say so in `email_verified`. Microsoft Entra ID sends no `email_verified`: its `xms_edov` (email
 * domain owner verified) is believed, or else the token must come from the organisation's own tenant (`tid`)
 * for an address in one of its allowed domains, since only the tenant's administrators can give those.
 */
export function emailVouchedFor(claims: IdentityClaims, settings: SsoSettings): string | null {
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : ''
  if (email === '' || !email.includes('@')) return null
  if (!settings.allowedDomains.includes(emailDomain(email))) return null
  if (claims.email_verified === true || claims.email_verified === 'true') return email
  if (claims.email_verified !== undefined) return null
  if (claims.xms_edov === true || claims.xms_edov === 'true' || claims.xms_edov === 1) return email
  if (settings.tenantId !== null && claims.tid === settings.tenantId) return email
  return null
}

/**
 * The role the groups claim gives, when role mapping is on: of the roles the person's groups map to, the
 * one listed first in ROLES (the widest). Null when mapping is off or none of their groups is mapped, and
 * their role stays as it is.
 */
export function roleFromGroups(claims: IdentityClaims, settings: SsoSettings): Role | null {
  if (settings.groupsClaim === null || Object.keys(settings.groupRoles).length === 0) return null
  const value = claims[settings.groupsClaim]
  const groups = Array.isArray(value) ? value.filter((g): g is string => typeof g === 'string') : []
  const roles = groups.map((g) => settings.groupRoles[g]).filter((r): r is Role => r !== undefined)
  return ROLES.find((r) => roles.includes(r)) ?? null
}

/**
 * What a session must still show before it moves into another organisation (issue 13): a session is bound to
 * how it signed in. Its own provider's sign-in always counts. An organisation that signs in only through its
 * provider (and where the person is not its break-glass account) needs that provider; one that takes
 * passwords takes a password session, but not another organisation's provider, which it never trusted. A
 * session that did not record how it signed in (from before migration 0043) may have been either, so it
 * moves nowhere until the person signs in again. null: the move is allowed.
 */
export type SwitchNeeds = 'own-provider' | 'sign-in-again' | 'unrecorded' | null

/** How a session signed in, as far as it recorded it (sessions from before migration 0043 did not). */
export interface SessionSignIn {
  signedInThrough: number | null
  /** False for a session from before it was recorded: its null may have been a provider's sign-in. */
  recorded: boolean
}

export function switchNeeds(
  session: SessionSignIn,
  target: {
    organisationId: number
    /** Its identity provider is on. */
    hasProvider: boolean
    /** It takes this person's password (passwords allowed, or they are its break-glass account). */
    takesPassword: boolean
  },
): SwitchNeeds {
  if (session.signedInThrough === target.organisationId) return null
  if (target.hasProvider && !target.takesPassword) return 'own-provider'
  if (!session.recorded) return 'unrecorded'
  if (session.signedInThrough === null && target.takesPassword) return null
  return 'sign-in-again'
}
