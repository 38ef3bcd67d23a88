import { seesPersonalData, seesPostCosts } from '../../auth/policy.ts'
import type { HistoryTarget } from '../audit/history.routes.ts'
import type { ResourcingService } from './resourcing.service.ts'

/** The resourcing records with a history page, each found within the reader's scope. */
export function resourcingHistoryTargets(resourcing: ResourcingService): Record<string, HistoryTarget> {
  return {
    person: {
      label: 'Person',
      find: async (scope, id) => {
        const p = await resourcing.people.get(scope, id)
        return p && { title: p.name, url: `/people/${p.id}` }
      },
      hiddenFields: (actor) => (seesPersonalData(actor.role) ? [] : ['email']),
    },
    post: {
      label: 'Post',
      find: async (scope, id) => {
        // The establishment is the council's own record: a partner officer finds no post's history.
        if (scope.partnerOnly) return undefined
        const p = await resourcing.posts.get(scope, id)
        return p && { title: p.title, url: `/posts/${p.id}` }
      },
      hiddenFields: (actor) => [
        ...(seesPersonalData(actor.role) ? [] : ['grade']),
        ...(seesPostCosts(actor.role) ? [] : ['annual_cost_pence']),
      ],
    },
    post_holder: {
      label: 'Post holder',
      find: async (scope, id) => {
        if (scope.partnerOnly) return undefined
        const h = await resourcing.posts.holder(scope, id)
        return h && { title: `Holding of post ${h.post_id}`, url: `/posts/${h.post_id}` }
      },
    },
    secondment: {
      label: 'Secondment',
      find: async (scope, id) => {
        const s = await resourcing.people.secondment(scope, id)
        return s && { title: `Secondment of ${s.person_name}`, url: `/people/${s.person_id}` }
      },
    },
    skill: {
      label: 'Skill',
      find: async (scope, id) => {
        if (scope.partnerOnly) return undefined
        const s = await resourcing.skills.get(scope, id)
        return s && { title: s.name, url: '/skills' }
      },
    },
  }
}
