import type { RatingScaleId } from '../domain/dca.ts'
import type { Role } from './roles.ts'

// What an actor may see is decided in one module; these names are re-exported for the many callers.
export { scopeOf, type Scope } from './visibility.ts'

/** The signed-in person (or API token) a request acts as, always within one organisation. */
export interface Actor {
  readonly userId: number
  readonly name: string
  readonly email: string
  readonly role: Role
  readonly organisationId: number
  readonly organisationName: string
  readonly organisationSlug: string
  /** For a partner officer, the partner their membership names (whose shared projects they see). */
  readonly partnerId: number | null
  readonly ratingScale: RatingScaleId
  readonly isDemo: boolean
  readonly via: 'session' | 'token'
  readonly sessionId: string | null
  /**
   * Unread notifications, for the count in every page's header: read with the session in the same query
   * (a page request's one lookup), so absent for API tokens and for actors built any other way.
   */
  readonly unreadNotifications?: number
  /**
   * The organisation's change counter (audit/change-cache.ts), read in the same query as an API token, so a
   * read answered from memory costs that one query. Valid only for a request that has written nothing.
   */
  readonly changeSeq?: number
}

/** Who did it, as the audit trail records it. */
export interface AuditActor {
  readonly userId: number | null
  readonly label: string
}

export function auditActorOf(actor: Actor): AuditActor {
  return { userId: actor.userId, label: actor.via === 'token' ? `${actor.name} (API token)` : actor.name }
}

export const SYSTEM_ACTOR: AuditActor = { userId: null, label: 'System' }
