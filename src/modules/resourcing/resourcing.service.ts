import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { createCapacityArea } from './capacity/index.ts'
import { createPeopleService } from './people.service.ts'
import { createPostsService } from './posts.service.ts'
import { createSkillsService } from './skills.service.ts'

/** Resourcing (issue 10): the people register, the establishment of posts, and the skills catalogue. */
export function createResourcingService(db: Kysely<DB>) {
  return {
    people: createPeopleService(db),
    posts: createPostsService(db),
    skills: createSkillsService(db),
    capacity: createCapacityArea(db),
  }
}

export type ResourcingService = ReturnType<typeof createResourcingService>
