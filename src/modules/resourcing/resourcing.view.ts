import type { Actor } from '../../auth/actor.ts'
import { seesPersonalData, seesPostCosts } from '../../auth/policy.ts'
import type { PersonRow } from './people.repository.ts'
import type { PostSummary } from './posts.service.ts'

/**
 * What a reader may see of the people register and the establishment: the one place pages, the API and the
 * exports decide it (see seesPersonalData and seesPostCosts in src/auth/policy.ts for who and why).
 */
export interface ResourcingAccess {
  /** Email addresses, and the grades of posts that named people hold. */
  personal: boolean
  /** What posts cost. */
  costs: boolean
}

export const accessOf = (actor: Pick<Actor, 'role'>): ResourcingAccess => ({
  personal: seesPersonalData(actor.role),
  costs: seesPostCosts(actor.role),
})

/** A person's email address, or null for a reader who may not see it. */
export const shownEmail = (p: PersonRow, access: ResourcingAccess) => (access.personal ? p.email : null)

/**
 * A post's grade, or null: the grade of a post someone holds says what that named person is paid, so a
 * reader without personal data sees grades of vacant posts only.
 */
export const shownGrade = (s: Pick<PostSummary, 'post' | 'currentHolders'>, access: ResourcingAccess) =>
  access.personal || s.currentHolders.length === 0 ? s.post.grade : null

/** A post's annual cost in pence, or null for a reader who may not see costs. */
export const shownCost = (s: Pick<PostSummary, 'post'>, access: ResourcingAccess) =>
  access.costs ? s.post.annual_cost_pence : null

/** Who employs a person, in the words a page uses. */
export const employerOf = (p: PersonRow, organisationName: string) => p.partner_name ?? organisationName
