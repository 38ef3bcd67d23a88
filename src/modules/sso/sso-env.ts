import type { SsoSettings } from './sso.rules.ts'
import { issuerProblem, parseDomains, parseGroupRoles } from './sso.rules.ts'

/**
 * A single-council install can set its OpenID Connect sign-in in the environment instead of on the settings
 * page: the client secret then never reaches the database, so no OVERSIGHT_SECRET_KEY is needed. While these
 * are set, the organisation's settings page shows them and cannot change them.
 */
export interface SsoFromEnv {
  organisationSlug: string
  settings: SsoSettings
  clientSecret: string
}

const NAMES = [
  'OIDC_ORGANISATION',
  'OIDC_PROVIDER_NAME',
  'OIDC_ISSUER',
  'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
  'OIDC_ALLOWED_DOMAINS',
  'OIDC_TENANT_ID',
  'OIDC_GROUPS_CLAIM',
  'OIDC_GROUP_ROLES',
  'OIDC_LOCAL_PASSWORDS',
] as const

export function parseSsoEnv(env: NodeJS.ProcessEnv, problems: string[]): SsoFromEnv | null {
  const v = (name: (typeof NAMES)[number]) => (env[name] ?? '').trim()
  if (NAMES.every((n) => v(n) === '')) return null
  const before = problems.length
  for (const name of [
    'OIDC_ORGANISATION',
    'OIDC_ISSUER',
    'OIDC_CLIENT_ID',
    'OIDC_CLIENT_SECRET',
    'OIDC_ALLOWED_DOMAINS',
  ] as const)
    if (v(name) === '')
      problems.push(`${name} is required when OpenID Connect sign-in is set in the environment`)
  const issuer = issuerProblem(v('OIDC_ISSUER'))
  if (v('OIDC_ISSUER') !== '' && issuer) problems.push(`OIDC_ISSUER: ${issuer}`)
  const domains = parseDomains(v('OIDC_ALLOWED_DOMAINS'))
  if ('bad' in domains)
    problems.push(`OIDC_ALLOWED_DOMAINS: "${domains.bad}" is not a domain like council.gov.uk`)
  const roles = parseGroupRoles(v('OIDC_GROUP_ROLES').split(';').join('\n'))
  if ('badLine' in roles)
    problems.push(
      `OIDC_GROUP_ROLES: "${roles.badLine}" must be group=role, for example 1a2b=administrator;3c4d=viewer`,
    )
  const local = v('OIDC_LOCAL_PASSWORDS').toLowerCase()
  if (local !== '' && !['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(local))
    problems.push(`OIDC_LOCAL_PASSWORDS must be true or false (got "${v('OIDC_LOCAL_PASSWORDS')}")`)
  if (problems.length > before || 'bad' in domains || 'badLine' in roles) return null
  return {
    organisationSlug: v('OIDC_ORGANISATION').toLowerCase(),
    clientSecret: v('OIDC_CLIENT_SECRET'),
    settings: {
      providerName: v('OIDC_PROVIDER_NAME') || 'your organisation’s account',
      issuer: v('OIDC_ISSUER'),
      clientId: v('OIDC_CLIENT_ID'),
      allowedDomains: domains.domains,
      tenantId: v('OIDC_TENANT_ID') || null,
      groupsClaim: v('OIDC_GROUPS_CLAIM') || null,
      groupRoles: roles.map,
      enabled: true,
      localPasswordsAllowed: !['false', '0', 'no', 'off'].includes(local),
    },
  }
}
