// What a member can follow (issue 12), and which audited changes count as a change to it: a committee's own
// record and its meetings; a programme; a recommendation (its response, status and actions).

export const FOLLOWABLE = ['committee', 'programme', 'recommendation'] as const
export type Followable = (typeof FOLLOWABLE)[number]

/** The audit entity types read for followers: each record type's own, and a meeting (its committee's). */
export const FOLLOWED_ENTITY_TYPES = ['committee', 'meeting', 'programme', 'recommendation'] as const

export const followedUrl = (type: Followable, id: number) =>
  type === 'committee'
    ? `/committees/${id}`
    : type === 'programme'
      ? `/programmes/${id}`
      : `/recommendations/${id}`

const VERBS: Record<string, string> = {
  create: 'added',
  update: 'updated',
  delete: 'deleted',
}

/** One line of a change email: who did what, in the council's words. */
export function changeLine(e: { actor_label: string; action: string; entity_type: string }): string {
  const thing = e.entity_type === 'meeting' ? 'a meeting' : `the ${e.entity_type}`
  return `${e.actor_label} ${VERBS[e.action] ?? e.action.replace(/_/g, ' ')} ${thing}`
}

/** The same for the public: what changed, without naming the officer who changed it. */
export function publicChangeLine(e: { action: string; entity_type: string }): string {
  const thing = e.entity_type === 'meeting' ? 'A meeting' : `The ${e.entity_type}`
  return `${thing} was ${VERBS[e.action] ?? e.action.replace(/_/g, ' ')}`
}
