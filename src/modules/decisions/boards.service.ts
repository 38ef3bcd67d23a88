import type { Kysely } from 'kysely'
import type { Actor, Scope } from '../../auth/actor.ts'
import type { Board, BoardMember, DB } from '../../db/schema.ts'
import { checkForeignIds } from '../../db/foreign-ids.ts'
import { notFound, ValidationError } from '../../errors.ts'
import { insertAudited } from '../audit/versioned-update.ts'
import { BOARD_CAPACITIES } from './decisions.rules.ts'

export interface BoardInput {
  name: string
  remit: string
}

export interface MemberInput {
  userId: number | null
  name: string
  capacity: string
}

export function validateBoard(b: BoardInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (b.name.trim() === '') errors.name = 'Enter the name of the board'
  else if (b.name.length > 200) errors.name = 'Name must be 200 characters or fewer'
  if (b.remit.length > 5000) errors.remit = 'Remit must be 5,000 characters or fewer'
  return errors
}

export function validateMember(m: MemberInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (m.name.trim() === '' && m.userId === null) errors.name = 'Enter the member’s name'
  else if (m.name.length > 200) errors.name = 'Name must be 200 characters or fewer'
  if (!BOARD_CAPACITIES.some((c) => c.value === m.capacity))
    errors.capacity = 'Select the capacity the member sits in'
  return errors
}

/** Boards (for example the Digital Programme Board) and their members; boards are organisation-wide. */
export function createBoardsService(db: Kysely<DB>) {
  const get = (scope: Scope, id: number): Promise<Board | undefined> =>
    db
      .selectFrom('boards')
      .selectAll()
      .where('organisation_id', '=', scope.organisationId)
      .where('id', '=', id)
      .executeTakeFirst()

  return {
    get,
    list: (scope: Scope): Promise<Board[]> =>
      db
        .selectFrom('boards')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .orderBy('name')
        .execute(),

    members: (scope: Scope, boardId: number): Promise<BoardMember[]> =>
      db
        .selectFrom('board_members')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('board_id', '=', boardId)
        .orderBy('id')
        .execute(),

    async create(actor: Actor, input: BoardInput): Promise<Board> {
      const errors = validateBoard(input)
      if (Object.keys(errors).length > 0) throw new ValidationError(errors)
      return db.transaction().execute((trx) =>
        insertAudited(trx, {
          table: 'boards',
          entityType: 'board',
          actor,
          values: { name: input.name.trim(), remit: input.remit.trim(), programme_id: null },
        }),
      )
    },

    async addMember(actor: Actor, boardId: number, input: MemberInput): Promise<BoardMember> {
      const errors = validateMember(input)
      if (Object.keys(errors).length > 0) throw new ValidationError(errors)
      return db.transaction().execute(async (trx) => {
        const board = await trx
          .selectFrom('boards')
          .select('id')
          .where('organisation_id', '=', actor.organisationId)
          .where('id', '=', boardId)
          .executeTakeFirst()
        if (!board) throw notFound('Board')
        let name = input.name.trim()
        if (input.userId !== null) {
          // A member who is a user must belong to this organisation; their name comes from their account.
          await checkForeignIds(trx, actor, [
            { field: 'userId', table: 'users', id: input.userId, message: 'Select a person from the list' },
          ])
          const user = await trx
            .selectFrom('users')
            .select('name')
            .where('id', '=', input.userId)
            .executeTakeFirstOrThrow()
          name ||= user.name
        }
        return insertAudited(trx, {
          table: 'board_members',
          entityType: 'board_member',
          actor,
          values: { board_id: boardId, user_id: input.userId, name, capacity: input.capacity },
        })
      })
    },
  }
}

export type BoardsService = ReturnType<typeof createBoardsService>
