import type { RatingScaleId } from '../domain/dca.ts'
import { isRole, type Role } from './roles.ts'

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
   * The organisation's change counter (audit/change-cache.ts), read in the same query as the API token or the
   * session, so a read answered from memory costs that one query. Valid only for a request that has written
   * nothing.
   */
  readonly changeSeq?: number
  /**
   * The organisation's header colour, its text colour and its logo's fingerprint (migration 0038), read with
   * the session for the page header; absent for API tokens.
   */
  readonly look?: {
    readonly headerColour: string | null
    readonly headerText: 'light' | 'dark'
    readonly logoSha256: string | null
  }
}

/** The columns a session or an API token is read with (users, memberships and organisations joined). */
export interface ActorRow {
  user_id: number
  name: string
  email: string
  is_active: number
  role: string
  organisation_id: number
  organisation_name: string
  organisation_slug: string
  partner_id: number | null
  rating_scale: string
  is_demo: number
  /** The look (migration 0038): read by the session's query, for pages; a token's query leaves it out. */
  display_name?: string | null
  header_colour?: string | null
  header_text?: string
  logo_sha256?: string | null
}

/** The actor a session or token row stands for; null for a deactivated person or an unknown role. */
export function actorFromRow(row: ActorRow, via: Actor['via'], sessionId: string | null): Actor | null {
  if (row.is_active !== 1 || !isRole(row.role)) return null
  return {
    userId: row.user_id,
    name: row.name,
    email: row.email,
    role: row.role,
    organisationId: row.organisation_id,
    // The name as the organisation chose to show it (its settings), else the name it was registered with.
    organisationName: row.display_name ?? row.organisation_name,
    organisationSlug: row.organisation_slug,
    partnerId: row.partner_id,
    ratingScale: row.rating_scale as RatingScaleId,
    isDemo: row.is_demo === 1,
    via,
    sessionId,
    ...(row.header_text === undefined
      ? {}
      : {
          look: {
            headerColour: row.header_colour ?? null,
            headerText: row.header_text === 'dark' ? ('dark' as const) : ('light' as const),
            logoSha256: row.logo_sha256 ?? null,
          },
        }),
  }
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
