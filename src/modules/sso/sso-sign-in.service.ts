import type { Kysely } from 'kysely'
import type * as Oidc from 'openid-client'
import type { Actor } from '../../auth/actor.ts'
import { sha256 } from '../../auth/digest.ts'
import type { DB } from '../../db/schema.ts'
import { recordAudit } from '../audit/audit.service.ts'
import type { AuthService, SessionOrigin } from '../auth/auth.service.ts'
import type { EffectiveSso, SsoSettingsService } from './sso-settings.service.ts'
import type { SsoRepository } from './sso.repository.ts'
import { emailVouchedFor, isLoopbackHost, roleFromGroups, type IdentityClaims } from './sso.rules.ts'

/**
 * openid-client (and jose under it) is loaded on the first sign-in through a provider, not at start-up: most
 * councils sign in with passwords, and the module is a few megabytes of every instance's resident memory.
 */
let oidcModule: Promise<typeof Oidc> | null = null
function openidClient(): Promise<typeof Oidc> {
  oidcModule ??= import('openid-client')
  return oidcModule
}

/** How long someone has at their provider before the sign-in must start again. */
const ATTEMPT_MS = 10 * 60 * 1000
/** A provider's discovery document and keys are fetched again after this long (or when the settings change). */
const DISCOVERY_MS = 10 * 60 * 1000
const PROVIDER_TIMEOUT_SECONDS = 10

/**
 * Why a sign-in through the provider was refused; each has its own page (sso.messages.ts). Nothing is
 * written for any of them: no link, no session, no role change.
 */
export type SsoRefusal =
  | 'not-configured'
  | 'unavailable'
  | 'state'
  | 'provider-refused'
  | 'invalid-token'
  | 'unverified-email'
  | 'unknown-person'
  | 'already-linked'
  | 'left'

/** A refusal; `detail` is for the log only: the reason a check failed, never a token or the secret. */
export interface SsoRefused {
  ok: false
  reason: SsoRefusal
  organisationId?: number
  providerName?: string
  detail?: string
}
export type SsoStart = { ok: true; url: string; state: string } | SsoRefused
export type SsoFinish = { ok: true; sessionToken: string; actor: Actor; returnTo: string } | SsoRefused

/** Network failures, timeouts and answers that are not the provider's protocol (a 502 page) mean it is down. */
function providerUnavailable(err: unknown): boolean {
  if (err instanceof TypeError) return true
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return true
  const code = (err as { code?: unknown }).code
  return code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON'
}

export function createSsoSignInService(
  db: Kysely<DB>,
  deps: {
    repo: SsoRepository
    settings: SsoSettingsService
    auth: AuthService
    redirectUri: string
  },
) {
  const { repo, auth } = deps
  const discovered = new Map<string, { at: number; config: Promise<Oidc.Configuration> }>()

  function providerConfiguration(eff: EffectiveSso): Promise<Oidc.Configuration> {
    const key = `${eff.organisationId}:${eff.source}:${eff.revision}`
    const cached = discovered.get(key)
    if (cached && Date.now() - cached.at < DISCOVERY_MS) return cached.config
    const secret = eff.clientSecret()
    const issuer = new URL(eff.settings.issuer)
    const config = (async () => {
      if (secret === null) throw new Error('the stored client secret does not open with OVERSIGHT_SECRET_KEY')
      const oidc = await openidClient()
      return oidc.discovery(issuer, eff.settings.clientId, undefined, oidc.ClientSecretBasic(secret), {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        // The ID token's signature is checked against the provider's published keys (JWKS), not only trusted
        // because it came over TLS; plain http only to a provider on this machine's loopback address.
        execute: [
          oidc.enableNonRepudiationChecks,
          ...(issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname)
            ? [oidc.allowInsecureRequests]
            : []),
        ],
      })
    })()
    discovered.set(key, { at: Date.now(), config })
    // A failure is not remembered: the next attempt asks the provider again.
    config.catch(() => discovered.delete(key))
    return config
  }

  async function effectiveBySlug(slug: string): Promise<EffectiveSso | null> {
    const org = await repo.organisationBySlug(slug)
    const eff = org ? await deps.settings.effective(org.id) : null
    return eff?.settings.enabled ? eff : null
  }

  /** The person the validated claims stand for in this organisation, linking them the first time. */
  async function personFor(
    eff: EffectiveSso,
    claims: IdentityClaims & { iss: string },
  ): Promise<{ userId: number } | { refused: SsoRefusal }> {
    const link = await repo.linkedUser(claims.iss, claims.sub)
    // Once linked, only (issuer, subject) counts: an address changed at the provider never moves the link.
    // The person must belong to the organisation whose sign-in this is: another's cannot be a way in.
    if (link)
      return (await repo.membership(db, eff.organisationId, link.user_id))
        ? { userId: link.user_id }
        : { refused: 'unknown-person' }
    const email = emailVouchedFor(claims, eff.settings)
    if (email === null) return { refused: 'unverified-email' }
    const user = await repo.userByEmail(email)
    const member = user ? await repo.membership(db, eff.organisationId, user.id) : undefined
    if (!user || !member) return { refused: 'unknown-person' }
    // The account already answers to another identity at this provider: a second one must not join it.
    if (await repo.hasLinkAt(user.id, claims.iss)) return { refused: 'already-linked' }
    const at = new Date().toISOString()
    await db
      .insertInto('oidc_links')
      .values({ user_id: user.id, issuer: claims.iss, subject: claims.sub, created_at: at, last_used_at: at })
      .onConflict((oc) => oc.columns(['issuer', 'subject']).doNothing())
      .execute()
    const now = await repo.linkedUser(claims.iss, claims.sub)
    return now ? { userId: now.user_id } : { refused: 'unknown-person' }
  }

  /** The groups claim's role, applied on each sign-in and audited; the last administrator keeps the role. */
  async function applyGroupRole(eff: EffectiveSso, userId: number, claims: IdentityClaims) {
    const role = roleFromGroups(claims, eff.settings)
    if (role === null) return
    await db.transaction().execute(async (trx) => {
      const member = await repo.membership(trx, eff.organisationId, userId)
      if (!member || member.left_at !== null || member.role === role) return
      if (await repo.isBreakGlass(eff.organisationId, userId, trx)) return
      if (member.role === 'administrator') {
        const others = await trx
          .selectFrom('memberships')
          .select('id')
          .where('organisation_id', '=', eff.organisationId)
          .where('role', '=', 'administrator')
          .where('left_at', 'is', null)
          .where('id', '!=', member.id)
          .executeTakeFirst()
        if (!others) return
      }
      await trx.updateTable('memberships').set({ role }).where('id', '=', member.id).execute()
      await recordAudit(trx, {
        organisationId: eff.organisationId,
        actor: { userId: null, label: `Groups at ${eff.settings.providerName}` },
        action: 'update',
        entityType: 'membership',
        entityId: member.id,
        before: { user_id: userId, role: member.role },
        after: { user_id: userId, role },
      })
      // As when an administrator changes a role: it takes effect at once, so earlier sessions end.
      await trx
        .deleteFrom('sessions')
        .where('user_id', '=', userId)
        .where('organisation_id', '=', eff.organisationId)
        .execute()
    })
  }

  return {
    /** The provider's authorisation address for the organisation, with a new state, nonce and PKCE verifier. */
    async start(slug: string, returnTo: string): Promise<SsoStart> {
      const eff = await effectiveBySlug(slug)
      if (!eff) return { ok: false, reason: 'not-configured' }
      let config: Oidc.Configuration
      try {
        config = await providerConfiguration(eff)
      } catch (err) {
        return {
          ok: false,
          reason: 'unavailable',
          organisationId: eff.organisationId,
          providerName: eff.settings.providerName,
          detail: (err as Error).message,
        }
      }
      const oidc = await openidClient()
      const state = oidc.randomState()
      const nonce = oidc.randomNonce()
      const verifier = oidc.randomPKCECodeVerifier()
      await repo.saveAttempt(db, {
        state_hash: sha256(state),
        organisation_id: eff.organisationId,
        nonce,
        code_verifier: verifier,
        return_to: returnTo,
        expires_at: new Date(Date.now() + ATTEMPT_MS).toISOString(),
      })
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: deps.redirectUri,
        scope: 'openid email profile',
        state,
        nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      })
      return { ok: true, url: url.href, state }
    },

    /**
     * The provider's answer. `browserState` is the state this browser was given at the start (its signed
     * cookie): an answer carried to another browser, or a state used before, is refused.
     */
    async finish(callback: URL, browserState: string | null, origin: SessionOrigin): Promise<SsoFinish> {
      const state = callback.searchParams.get('state') ?? ''
      const attempt = state === '' ? undefined : await repo.takeAttempt(sha256(state))
      if (!attempt || browserState !== state) return { ok: false, reason: 'state' }
      const eff = await deps.settings.effective(attempt.organisation_id)
      if (!eff?.settings.enabled) return { ok: false, reason: 'not-configured' }
      const refused = (reason: SsoRefusal, detail?: string): SsoRefused => ({
        ok: false,
        reason,
        organisationId: eff.organisationId,
        providerName: eff.settings.providerName,
        ...(detail === undefined ? {} : { detail }),
      })
      if (callback.searchParams.has('error'))
        return refused('provider-refused', callback.searchParams.get('error') ?? undefined)
      let claims: (IdentityClaims & { iss: string }) | undefined
      const oidc = await openidClient()
      try {
        const config = await providerConfiguration(eff)
        const tokens = await oidc.authorizationCodeGrant(config, callback, {
          pkceCodeVerifier: attempt.code_verifier,
          expectedState: state,
          expectedNonce: attempt.nonce,
          idTokenExpected: true,
        })
        claims = tokens.claims()
      } catch (err) {
        // The reason only (a claim that did not match, a status code): never a token or the secret.
        const { code, cause } = err as { code?: unknown; cause?: { message?: unknown } }
        const why = typeof cause?.message === 'string' ? `: ${cause.message}` : ''
        const detail = `${typeof code === 'string' ? code : (err as Error).name}: ${(err as Error).message}${why}`
        if (providerUnavailable(err)) return refused('unavailable', detail)
        return refused(err instanceof oidc.ResponseBodyError ? 'provider-refused' : 'invalid-token', detail)
      }
      if (!claims) return refused('invalid-token', 'no ID token')
      const person = await personFor(eff, claims)
      if ('refused' in person) return refused(person.refused)
      await applyGroupRole(eff, person.userId, claims)
      // The same checks as a password sign-in: a leaver, a deactivated account or an ended partnership is refused.
      const actor = await auth.actorFor(person.userId, eff.organisationId, 'session', null)
      if (!actor) return refused('left')
      const { token, id } = await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('oidc_links')
          .set({ last_used_at: new Date().toISOString() })
          .where('issuer', '=', claims.iss)
          .where('subject', '=', claims.sub)
          .execute()
        // Bound to this organisation's provider: it counts for moving into no other (switchNeeds).
        return auth.createSession(trx, actor.userId, actor.organisationId, {
          ...origin,
          signedInThrough: eff.organisationId,
        })
      })
      return {
        ok: true,
        sessionToken: token,
        actor: { ...actor, sessionId: id },
        returnTo: attempt.return_to,
      }
    },

    /** What the sign-in page offers: one button for a single organisation, otherwise a search by email domain. */
    async signInOptions(): Promise<{
      single: { slug: string; providerName: string } | null
      byDomain: boolean
    }> {
      const choices = await this.choices()
      return { single: choices.length === 1 ? choices[0]! : null, byDomain: choices.length > 1 }
    },

    async choices(): Promise<Array<{ slug: string; providerName: string; domains: string[] }>> {
      const out: Array<{ slug: string; providerName: string; domains: string[] }> = []
      const fromEnv = await deps.settings.envOrganisation()
      if (fromEnv) out.push(fromEnv)
      for (const row of await repo.enabledConfigurations())
        if (row.slug !== fromEnv?.slug)
          out.push({
            slug: row.slug,
            providerName: row.provider_name,
            domains: row.allowed_domains.split(','),
          })
      return out
    },
  }
}

export type SsoSignInService = ReturnType<typeof createSsoSignInService>
