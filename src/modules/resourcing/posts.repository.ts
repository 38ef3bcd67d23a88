import { PostgresAdapter, type Transaction } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import type { DB, Post } from '../../db/schema.ts'
import type { Db } from './people.repository.ts'

// The SQL of the establishment: posts, with what funds them. Posts are the council's own record, not
// shared with partners: the routes keep partner officers out (policy establishment.read).

export type PostRow = Post & {
  budget_line_label: string | null
  funding_stream_name: string | null
}

export interface PostsFilter {
  status?: string
  team?: string
  offset?: number
  limit?: number
}

function postsIn(db: Db, scope: Scope) {
  return db
    .selectFrom('posts')
    .leftJoin('budget_lines as bl', 'bl.id', 'posts.budget_line_id')
    .leftJoin('projects as bp', 'bp.id', 'bl.project_id')
    .leftJoin('funding_streams as fs', 'fs.id', 'posts.funding_stream_id')
    .selectAll('posts')
    .select((eb) => [
      eb.fn.coalesce(eb.ref('bp.reference'), eb.val('')).as('bp_reference'),
      'bl.financial_year as bl_year',
      'bl.description as bl_description',
      'fs.name as funding_stream_name',
    ])
    .where('posts.organisation_id', '=', scope.organisationId)
}

type RawPost = Post & {
  bp_reference: string
  bl_year: string | null
  bl_description: string | null
  funding_stream_name: string | null
}

/** "NG-01 2019/20: Digital team" — how a budget line is named wherever a post refers to it. */
export function budgetLineLabel(l: { reference: string; year: string; description: string | null }): string {
  return `${l.reference} ${l.year}${l.description ? `: ${l.description}` : ''}`.trim()
}

function toRow(r: RawPost): PostRow {
  const { bp_reference, bl_year, bl_description, ...post } = r
  return {
    ...post,
    budget_line_label:
      bl_year === null
        ? null
        : budgetLineLabel({ reference: bp_reference, year: bl_year, description: bl_description }),
  }
}

export const postsRepository = {
  /**
   * Holds the post's row until the transaction ends, so two writers checking its holders' FTE take turns:
   * otherwise both read the holders before either adds theirs, and both pass. PostgreSQL needs the row
   * lock; SQLite already runs one writer at a time.
   */
  async lock(trx: Transaction<DB>, organisationId: number, id: number): Promise<void> {
    if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) return
    await trx
      .selectFrom('posts')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .forUpdate()
      .execute()
  },

  async get(db: Db, scope: Scope, id: number): Promise<PostRow | undefined> {
    const r = await postsIn(db, scope).where('posts.id', '=', id).executeTakeFirst()
    return r && toRow(r)
  },

  async list(db: Db, scope: Scope, f: PostsFilter = {}): Promise<PostRow[]> {
    let q = postsIn(db, scope)
    if (f.status) q = q.where('posts.status', '=', f.status)
    if (f.team) q = q.where('posts.team', '=', f.team)
    const rows = await q
      .orderBy('posts.team')
      .orderBy('posts.title')
      .orderBy('posts.id')
      .limit(f.limit ?? 5000)
      .offset(f.offset ?? 0)
      .execute()
    return rows.map(toRow)
  },

  /** The budget lines and funding streams a post may name, for the post form's choices. */
  async fundingChoices(db: Db, scope: Scope) {
    const lines = await db
      .selectFrom('budget_lines as bl')
      .innerJoin('projects as p', 'p.id', 'bl.project_id')
      .select(['bl.id', 'p.reference', 'bl.financial_year as year', 'bl.description'])
      .where('bl.organisation_id', '=', scope.organisationId)
      .orderBy('p.reference')
      .orderBy('bl.financial_year')
      .orderBy('bl.id')
      .execute()
    const streams = await db
      .selectFrom('funding_streams')
      .select(['id', 'name'])
      .where('organisation_id', '=', scope.organisationId)
      .orderBy('name')
      .execute()
    return { lines: lines.map((l) => ({ id: l.id, label: budgetLineLabel(l) })), streams }
  },
}
