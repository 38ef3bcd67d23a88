import type { Kysely } from 'kysely'
import type { Actor } from '../../auth/actor.ts'
import type { SwitchRefused } from '../auth/auth.service.ts'
import { isRole, type Role } from '../../auth/roles.ts'
import { openSecret, sealSecret, type SecretKey } from '../../auth/secret-box.ts'
import type { DB, OidcConfiguration } from '../../db/schema.ts'
import { ValidationError } from '../../errors.ts'
import { auditBy, updateVersioned } from '../audit/versioned-update.ts'
import type { SsoFromEnv } from './sso-env.ts'
import type { SsoRepository } from './sso.repository.ts'
import {
  issuerProblem,
  parseDomains,
  parseGroupRoles,
  switchNeeds,
  type SessionSignIn,
  type SsoSettings,
} from './sso.rules.ts'

/** The sign-in an organisation has now: from the environment (which wins) or its settings page. */
export interface EffectiveSso {
  source: 'environment' | 'settings'
  organisationId: number
  settings: SsoSettings
  /** Read only when talking to the provider; null if the sealed secret no longer opens (the key changed). */
  clientSecret(): string | null
  /** Changes whenever the settings do: what a cached provider configuration is keyed by. */
  revision: string
}

export interface SsoSettingsInput {
  providerName: string
  issuer: string
  clientId: string
  clientSecret: string
  allowedDomains: string
  tenantId: string
  groupsClaim: string
  groupRoles: string
  enabled: boolean
  localPasswordsAllowed: boolean
}

const context = (organisationId: number) => `oidc:${organisationId}`

function settingsOf(row: OidcConfiguration): SsoSettings {
  const roles = JSON.parse(row.group_roles) as Record<string, string>
  return {
    providerName: row.provider_name,
    issuer: row.issuer,
    clientId: row.client_id,
    allowedDomains: row.allowed_domains === '' ? [] : row.allowed_domains.split(','),
    tenantId: row.tenant_id,
    groupsClaim: row.groups_claim,
    groupRoles: Object.fromEntries(Object.entries(roles).filter((e): e is [string, Role] => isRole(e[1]))),
    enabled: row.enabled === 1,
    localPasswordsAllowed: row.local_passwords_allowed === 1,
  }
}

/** The row as the audit trail and the history keep it: whether the secret changed, never the secret. */
function auditable(row: OidcConfiguration, secretChanged: boolean) {
  const { client_secret_sealed: _sealed, ...rest } = row
  return { ...rest, client_secret: secretChanged ? 'changed' : 'unchanged' }
}

export function createSsoSettingsService(
  db: Kysely<DB>,
  repo: SsoRepository,
  opts: { secretKey: SecretKey | null; fromEnv: SsoFromEnv | null },
) {
  async function envOrganisationId(): Promise<number | null> {
    if (!opts.fromEnv) return null
    return (await repo.organisationBySlug(opts.fromEnv.organisationSlug))?.id ?? null
  }

  async function effective(organisationId: number): Promise<EffectiveSso | null> {
    const fromEnv = opts.fromEnv
    if (fromEnv && (await envOrganisationId()) === organisationId)
      return {
        source: 'environment',
        organisationId,
        settings: fromEnv.settings,
        clientSecret: () => fromEnv.clientSecret,
        revision: 'environment',
      }
    const row = await repo.configurationOf(organisationId)
    if (!row) return null
    const key = opts.secretKey
    return {
      source: 'settings',
      organisationId,
      settings: settingsOf(row),
      clientSecret: () => (key ? openSecret(key, row.client_secret_sealed, context(organisationId)) : null),
      revision: `${row.version}`,
    }
  }

  function read(input: SsoSettingsInput, hasSecret: boolean) {
    const errors: Record<string, string> = {}
    if (input.providerName === '')
      errors.providerName = 'Enter the name people know the sign-in by, like Microsoft'
    else if (input.providerName.length > 60)
      errors.providerName = 'Provider name must be 60 characters or fewer'
    const issuer = issuerProblem(input.issuer)
    if (issuer) errors.issuer = issuer
    if (input.clientId === '') errors.clientId = 'Enter the client ID'
    if (input.clientSecret === '' && !hasSecret) errors.clientSecret = 'Enter the client secret'
    else if (input.clientSecret !== '' && !opts.secretKey)
      errors.clientSecret =
        'Oversight cannot store a client secret: the server has no OVERSIGHT_SECRET_KEY. Ask whoever runs it to set one (openssl rand -hex 32), or to set this sign-in in the environment'
    const domains = parseDomains(input.allowedDomains)
    if ('bad' in domains) errors.allowedDomains = `"${domains.bad}" is not a domain like council.gov.uk`
    else if (domains.domains.length === 0)
      errors.allowedDomains = 'Enter at least one email domain, like council.gov.uk'
    const roles = parseGroupRoles(input.groupRoles)
    if ('badLine' in roles)
      errors.groupRoles = `"${roles.badLine}" must be a group, an equals sign and a role, like 1a2b3c = administrator`
    else if (Object.keys(roles.map).length > 0 && input.groupsClaim === '')
      errors.groupsClaim = 'Enter the claim that lists the groups, like groups, to map groups to roles'
    if (Object.keys(errors).length > 0) throw new ValidationError(errors)
    return {
      provider_name: input.providerName,
      issuer: input.issuer.replace(/\/+$/, ''),
      client_id: input.clientId,
      allowed_domains: (domains as { domains: string[] }).domains.join(','),
      tenant_id: input.tenantId === '' ? null : input.tenantId,
      groups_claim: input.groupsClaim === '' ? null : input.groupsClaim,
      group_roles: JSON.stringify((roles as { map: Record<string, Role> }).map),
      enabled: input.enabled ? 1 : 0,
      local_passwords_allowed: input.localPasswordsAllowed ? 1 : 0,
    }
  }

  return {
    effective,

    /** The organisation whose sign-in the environment sets, as the sign-in page offers it. */
    async envOrganisation(): Promise<{ slug: string; providerName: string; domains: string[] } | null> {
      if (!opts.fromEnv || (await envOrganisationId()) === null) return null
      const { settings } = opts.fromEnv
      return {
        slug: opts.fromEnv.organisationSlug,
        providerName: settings.providerName,
        domains: settings.allowedDomains,
      }
    },

    /**
     * Whether the person may sign in with a password: not while any of their organisations has turned local
     * passwords off, unless they are that organisation's break-glass account (a session could otherwise start
     * in another organisation and move there).
     */
    async passwordSignInAllowed(userId: number): Promise<boolean> {
      const memberships = await db
        .selectFrom('memberships')
        .select('organisation_id')
        .where('user_id', '=', userId)
        .where('left_at', 'is', null)
        .execute()
      const ids = memberships.map((m) => m.organisation_id)
      if ((await repo.passwordsOffFor(userId, ids)).length > 0) return false
      const envId = await envOrganisationId()
      if (envId === null || !ids.includes(envId) || opts.fromEnv!.settings.localPasswordsAllowed) return true
      return repo.isBreakGlass(envId, userId)
    },

    /** Whether a session signed in as it was may move into the organisation; what it needs if not. */
    async switchRefusal(
      userId: number,
      session: SessionSignIn,
      organisationId: number,
    ): Promise<SwitchRefused | null> {
      const eff = await effective(organisationId)
      const hasProvider = eff?.settings.enabled === true
      const takesPassword =
        !hasProvider ||
        eff.settings.localPasswordsAllowed ||
        (await repo.isBreakGlass(organisationId, userId))
      const needs = switchNeeds(session, { organisationId, hasProvider, takesPassword })
      if (needs === null) return null
      const org = await repo.organisationById(organisationId)
      return {
        needs,
        organisationName: org?.name ?? '',
        provider: hasProvider && org ? { slug: org.slug, name: eff.settings.providerName } : null,
      }
    },

    /** What the settings page shows: never the secret, only whether one is stored. */
    async view(organisationId: number) {
      const eff = await effective(organisationId)
      const row = eff?.source === 'settings' ? await repo.configurationOf(organisationId) : undefined
      return {
        source: eff?.source ?? null,
        settings: eff?.settings ?? null,
        version: row?.version ?? 0,
        hasSecret: eff !== null,
        canStoreSecret: opts.secretKey !== null,
      }
    },

    /** Creates or changes the organisation's sign-in; audited without the secret. */
    async save(actor: Actor, input: SsoSettingsInput, version: number): Promise<OidcConfiguration> {
      if ((await envOrganisationId()) === actor.organisationId)
        throw new ValidationError({
          providerName:
            'This sign-in is set in the server’s environment (OIDC_ variables) and cannot be changed here',
        })
      return db.transaction().execute(async (trx) => {
        const current = await repo.configurationOf(actor.organisationId, trx)
        const values = read(input, current !== undefined)
        const secretChanged = input.clientSecret !== ''
        const sealed = secretChanged
          ? sealSecret(opts.secretKey!, input.clientSecret, context(actor.organisationId))
          : current!.client_secret_sealed
        if (!current) {
          const at = new Date().toISOString()
          const created = await trx
            .insertInto('oidc_configurations')
            .values({
              ...values,
              client_secret_sealed: sealed,
              organisation_id: actor.organisationId,
              created_at: at,
              updated_at: at,
            })
            .returningAll()
            .executeTakeFirstOrThrow()
          await auditBy(trx, actor, {
            action: 'create',
            entityType: 'oidc_configuration',
            entityId: created.id,
            after: auditable(created, true),
          })
          return created
        }
        const updated = await updateVersioned(trx, {
          table: 'oidc_configurations',
          entityType: 'oidc_configuration',
          actor,
          current,
          version,
          changes: { ...values, client_secret_sealed: sealed },
          record: {
            before: auditable(current, false),
            after: { ...auditable(current, secretChanged), ...values, version: current.version + 1 },
          },
        })
        return updated
      })
    },
  }
}

export type SsoSettingsService = ReturnType<typeof createSsoSettingsService>
