import type { Kysely, Transaction } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import { foreignIdErrors } from '../../db/foreign-ids.ts'
import type { DB, Post, PostHolder } from '../../db/schema.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { notFound, ValidationError, throwIfInvalid } from '../../errors.ts'
import { insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import { peopleRepository } from './people.repository.ts'
import { postsRepository as repo, type PostRow, type PostsFilter } from './posts.repository.ts'
import {
  holderOverlapProblem,
  vacancyMonths,
  vacantSince,
  validateHolder,
  validatePost,
  type HolderInput,
  type PostInput,
} from './resourcing.rules.ts'

// The establishment: posts, and who holds them when. Rules in resourcing.rules.ts; SQL in the repositories.

export interface PostSummary {
  post: PostRow
  /** Names of the people holding the post today. */
  currentHolders: string[]
  /** For a vacant post: since when, and for how many whole months. */
  vacancy: { since: string; months: number } | null
}

const postValues = (p: PostInput) => ({
  title: p.title.trim(),
  team: p.team.trim(),
  grade: p.grade.trim(),
  fte_hundredths: p.fteHundredths,
  funded: p.funded ? 1 : 0,
  annual_cost_pence: p.annualCostPence,
  budget_line_id: p.budgetLineId,
  funding_stream_id: p.fundingStreamId,
  status: p.status,
  approved_on: p.approvedOn,
  advertised_on: p.advertisedOn,
  appointed_on: p.appointedOn,
  starts_on: p.startsOn,
})

const holderValues = (h: HolderInput) => ({
  person_id: h.personId,
  starts_on: h.startsOn,
  ends_on: h.endsOn,
  fte_hundredths: h.fteHundredths,
})

export function createPostsService(db: Kysely<DB>) {
  async function postErrors(trx: Transaction<DB>, actor: Actor, p: PostInput) {
    return {
      ...validatePost(p),
      ...(await foreignIdErrors(trx, actor, [
        {
          field: 'budgetLineId',
          table: 'budget_lines',
          id: p.budgetLineId,
          message: 'Choose a budget line from the list',
        },
        { field: 'fundingStreamId', table: 'funding_streams', id: p.fundingStreamId },
      ])),
    }
  }

  /** A holding's field errors: its own rules, a person in the register, and room in the post on every day. */
  async function holderErrors(
    trx: Transaction<DB>,
    actor: Actor,
    post: Post,
    h: HolderInput,
    exceptId: number | null,
  ) {
    const errors = validateHolder(h)
    if (!(await peopleRepository.get(trx, scopeOf(actor), h.personId)))
      errors.personId = 'Choose a person from the register'
    if (Object.keys(errors).length === 0) {
      const others = await peopleRepository.otherHoldings(trx, actor.organisationId, post.id, exceptId)
      const problem = holderOverlapProblem(
        post.fte_hundredths,
        others.map((o) => ({ startsOn: o.starts_on, endsOn: o.ends_on, fteHundredths: o.fte_hundredths })),
        h,
      )
      if (problem) errors.fte = problem
    }
    return errors
  }

  async function summarise(scope: Scope, posts: PostRow[]): Promise<PostSummary[]> {
    const holdings = await peopleRepository.holdings(db, scope, { postIds: posts.map((p) => p.id) })
    const today = todayInLondon()
    return posts.map((post) => {
      const mine = holdings.filter((h) => h.post_id === post.id)
      const current = mine.filter((h) => h.starts_on <= today && (h.ends_on === null || h.ends_on >= today))
      const ended = mine.map((h) => h.ends_on).filter((d): d is string => d !== null && d < today)
      const lastEnded = ended.length === 0 ? null : ended.reduce((a, b) => (a > b ? a : b))
      let vacancy = null
      if (post.status === 'vacant') {
        const since = vacantSince(post, lastEnded)
        vacancy = { since, months: vacancyMonths(since, today) }
      }
      return { post, currentHolders: current.map((h) => h.person_name), vacancy }
    })
  }

  /** The post, locked for the rest of the transaction: every write that checks its holders' FTE reads it here. */
  const postIn = async (trx: Transaction<DB>, actor: Actor, id: number) => {
    await repo.lock(trx, actor.organisationId, id)
    const found = await repo.get(trx, scopeOf(actor), id)
    if (!found) throw notFound('Post')
    const { budget_line_label: _b, funding_stream_name: _f, ...post } = found
    return post
  }

  return {
    get: (scope: Scope, id: number) => repo.get(db, scope, id),
    list: (scope: Scope, f: PostsFilter = {}) => repo.list(db, scope, f),
    summarise,
    holders: (scope: Scope, postId: number) => peopleRepository.holdings(db, scope, { postIds: [postId] }),
    holder: (scope: Scope, id: number) => peopleRepository.holder(db, scope, id),
    listHolders: async (scope: Scope, f: { postId?: number; personId?: number }) =>
      peopleRepository.holdings(db, scope, {
        ...(f.personId !== undefined ? { personId: f.personId } : {}),
        ...(f.postId !== undefined ? { postIds: [f.postId] } : {}),
      }),
    fundingChoices: (scope: Scope) => repo.fundingChoices(db, scope),

    create: (actor: Actor, input: PostInput): Promise<Post> =>
      db.transaction().execute(async (trx) => {
        throwIfInvalid(await postErrors(trx, actor, input))
        return insertAudited(trx, { table: 'posts', entityType: 'post', actor, values: postValues(input) })
      }),

    update: (actor: Actor, id: number, version: number, input: PostInput): Promise<Post> =>
      db.transaction().execute(async (trx) => {
        const current = await postIn(trx, actor, id)
        throwIfInvalid(await postErrors(trx, actor, input))
        // A post cut below what its holders hold would leave them holding more of it than exists.
        if (input.fteHundredths < current.fte_hundredths) {
          const holders = await peopleRepository.otherHoldings(trx, actor.organisationId, id, null)
          for (const h of holders) {
            const problem = holderOverlapProblem(
              input.fteHundredths,
              holders
                .filter((o) => o !== h)
                .map((o) => ({ startsOn: o.starts_on, endsOn: o.ends_on, fteHundredths: o.fte_hundredths })),
              { personId: 0, startsOn: h.starts_on, endsOn: h.ends_on, fteHundredths: h.fte_hundredths },
            )
            if (problem)
              throw new ValidationError({
                fte: 'FTE is less than its holders hold: end or change their holdings first',
              })
          }
        }
        return updateVersioned(trx, {
          table: 'posts',
          entityType: 'post',
          actor,
          current,
          version,
          changes: postValues(input),
        })
      }),

    addHolder: (actor: Actor, postId: number, input: HolderInput): Promise<PostHolder> =>
      db.transaction().execute(async (trx) => {
        const found = await repo.get(trx, scopeOf(actor), postId)
        if (!found) throw new ValidationError({ postId: 'Choose a post from the establishment' })
        const post = await postIn(trx, actor, postId)
        throwIfInvalid(await holderErrors(trx, actor, post, input, null))
        return insertAudited(trx, {
          table: 'post_holders',
          entityType: 'post_holder',
          actor,
          values: { post_id: postId, ...holderValues(input) },
        })
      }),

    updateHolder: (actor: Actor, id: number, version: number, input: HolderInput): Promise<PostHolder> =>
      db.transaction().execute(async (trx) => {
        const current = await peopleRepository.holder(trx, scopeOf(actor), id)
        if (!current) throw notFound('Post holder')
        const post = await postIn(trx, actor, current.post_id)
        throwIfInvalid(await holderErrors(trx, actor, post, input, id))
        return updateVersioned(trx, {
          table: 'post_holders',
          entityType: 'post_holder',
          actor,
          current,
          version,
          changes: holderValues(input),
        })
      }),
  }
}

export type PostsService = ReturnType<typeof createPostsService>
