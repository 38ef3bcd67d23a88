import type { Kysely, Transaction } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import { wherePersonVisible } from '../../auth/visibility.ts'
import type { DB, Person, PostHolder, Secondment } from '../../db/schema.ts'

// The SQL of the people register: people, the posts they hold, their secondments and skills. Every read
// goes through peopleIn, so a partner officer's confinement to their own partner's staff is never skipped.

export type Db = Kysely<DB> | Transaction<DB>

export type PersonRow = Person & { partner_name: string | null; user_name: string | null }
export type HoldingRow = PostHolder & { post_title: string; post_grade: string; person_name: string }
export type PersonSkillRow = { skill_id: number; name: string; level: string; retired: number }

export interface PeopleFilter {
  kind?: string
  partnerId?: number
  offset?: number
  limit?: number
}

function peopleIn(db: Db, scope: Scope) {
  const q = db
    .selectFrom('people')
    .leftJoin('partners', 'partners.id', 'people.partner_id')
    .leftJoin('users', 'users.id', 'people.user_id')
    .selectAll('people')
    .select(['partners.name as partner_name', 'users.name as user_name'])
    .where('people.organisation_id', '=', scope.organisationId)
  return wherePersonVisible(q, scope, 'people.partner_id')
}

export const peopleRepository = {
  get: (db: Db, scope: Scope, id: number): Promise<PersonRow | undefined> =>
    peopleIn(db, scope).where('people.id', '=', id).executeTakeFirst(),

  list(db: Db, scope: Scope, f: PeopleFilter = {}): Promise<PersonRow[]> {
    let q = peopleIn(db, scope)
    if (f.kind) q = q.where('people.kind', '=', f.kind)
    if (f.partnerId) q = q.where('people.partner_id', '=', f.partnerId)
    return q
      .orderBy('people.name')
      .orderBy('people.id')
      .limit(f.limit ?? 5000)
      .offset(f.offset ?? 0)
      .execute()
  },

  /** The posts people hold, newest first: for a person's page (one person) or a post's (its holders). */
  holdings(db: Db, scope: Scope, by: { personId?: number; postIds?: number[] }): Promise<HoldingRow[]> {
    let q = db
      .selectFrom('post_holders as h')
      .innerJoin('posts', 'posts.id', 'h.post_id')
      .innerJoin('people', 'people.id', 'h.person_id')
      .selectAll('h')
      .select(['posts.title as post_title', 'posts.grade as post_grade', 'people.name as person_name'])
      .where('h.organisation_id', '=', scope.organisationId)
    q = wherePersonVisible(q, scope, 'people.partner_id')
    if (by.personId !== undefined) q = q.where('h.person_id', '=', by.personId)
    if (by.postIds !== undefined) {
      if (by.postIds.length === 0) return Promise.resolve([])
      q = q.where('h.post_id', 'in', by.postIds)
    }
    return q.orderBy('h.starts_on', 'desc').orderBy('h.id', 'desc').execute()
  },

  holder: (db: Db, scope: Scope, id: number): Promise<PostHolder | undefined> =>
    db
      .selectFrom('post_holders')
      .selectAll()
      .where('organisation_id', '=', scope.organisationId)
      .where('id', '=', id)
      .executeTakeFirst(),

  /** The other holdings of a post (all of them, whoever reads): what a new holding must fit beside. */
  otherHoldings: (db: Db, organisationId: number, postId: number, exceptId: number | null) =>
    db
      .selectFrom('post_holders')
      .select(['starts_on', 'ends_on', 'fte_hundredths'])
      .where('organisation_id', '=', organisationId)
      .where('post_id', '=', postId)
      .where('id', '!=', exceptId ?? 0)
      .execute(),

  secondments(db: Db, scope: Scope, f: { personId?: number; offset?: number; limit?: number } = {}) {
    let q = db
      .selectFrom('secondments as s')
      .innerJoin('people', 'people.id', 's.person_id')
      .selectAll('s')
      .select('people.name as person_name')
      .where('s.organisation_id', '=', scope.organisationId)
    q = wherePersonVisible(q, scope, 'people.partner_id')
    if (f.personId !== undefined) q = q.where('s.person_id', '=', f.personId)
    return q
      .orderBy('s.starts_on', 'desc')
      .orderBy('s.id', 'desc')
      .limit(f.limit ?? 5000)
      .offset(f.offset ?? 0)
      .execute()
  },

  secondment: (
    db: Db,
    scope: Scope,
    id: number,
  ): Promise<(Secondment & { person_name: string }) | undefined> => {
    const q = db
      .selectFrom('secondments as s')
      .innerJoin('people', 'people.id', 's.person_id')
      .selectAll('s')
      .select('people.name as person_name')
      .where('s.organisation_id', '=', scope.organisationId)
      .where('s.id', '=', id)
    return wherePersonVisible(q, scope, 'people.partner_id').executeTakeFirst()
  },

  skillsOf: (db: Db, organisationId: number, personIds: number[]) =>
    personIds.length === 0
      ? Promise.resolve([] as Array<PersonSkillRow & { person_id: number }>)
      : db
          .selectFrom('person_skills as ps')
          .innerJoin('skills', 'skills.id', 'ps.skill_id')
          .select(['ps.person_id', 'ps.skill_id', 'skills.name', 'ps.level', 'skills.retired'])
          .where('ps.organisation_id', '=', organisationId)
          .where('ps.person_id', 'in', personIds)
          .orderBy('skills.name')
          .execute(),

  async replaceSkills(
    trx: Transaction<DB>,
    organisationId: number,
    personId: number,
    skills: Array<{ skillId: number; level: string }>,
  ): Promise<void> {
    await trx.deleteFrom('person_skills').where('person_id', '=', personId).execute()
    if (skills.length === 0) return
    const at = new Date().toISOString()
    await trx
      .insertInto('person_skills')
      .values(
        skills.map((s) => ({
          organisation_id: organisationId,
          person_id: personId,
          skill_id: s.skillId,
          level: s.level,
          created_at: at,
          updated_at: at,
        })),
      )
      .execute()
  },
}
