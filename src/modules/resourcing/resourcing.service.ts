import type { Kysely } from 'kysely'
import { wholeOrganisation } from '../../auth/visibility.ts'
import type { DB } from '../../db/schema.ts'
import { createCapacityArea } from './capacity/index.ts'
import { createPeopleService } from './people.service.ts'
import { createPostsService } from './posts.service.ts'
import { createSkillsService } from './skills.service.ts'

/** Resourcing (issue 10): the people register, the establishment of posts, and the skills catalogue. */
export function createResourcingService(db: Kysely<DB>) {
  const people = createPeopleService(db)
  const posts = createPostsService(db)
  return {
    people,
    posts,
    skills: createSkillsService(db),
    capacity: createCapacityArea(db),
    /**
     * The council's teams, as the people register (its own staff, not partners') and the establishment name
     * them: the one team list, for the responsibility matrix and the capacity page's filter.
     */
    teams: async (organisationId: number): Promise<string[]> => {
      const scope = wholeOrganisation(organisationId)
      const [register, establishment] = await Promise.all([people.list(scope), posts.list(scope)])
      const names = new Set<string>()
      for (const p of register) if (p.team && p.partner_id === null) names.add(p.team)
      for (const p of establishment) if (p.team) names.add(p.team)
      return [...names].sort((a, b) => a.localeCompare(b))
    },
  }
}

export type ResourcingService = ReturnType<typeof createResourcingService>
