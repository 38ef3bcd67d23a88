import type { Kysely, Transaction } from 'kysely'
import type { Actor, Scope } from '../../auth/actor.ts'
import { checkForeignIds } from '../../db/foreign-ids.ts'
import { ownRow } from '../../db/owned-row.ts'
import type { Committee, DB } from '../../db/schema.ts'
import { ConflictError, notFound, ValidationError, throwIfInvalid } from '../../errors.ts'
import { auditBy, insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import { validateCommittee, validateMember, type CommitteeInput, type MemberInput } from './scrutiny.rules.ts'

type Db = Kysely<DB> | Transaction<DB>
type Org = Pick<Scope, 'organisationId'>
const now = () => new Date().toISOString()
/**
 * A council's committees and their members: read by everyone in the organisation, recorded by scrutiny
 * members and administrators, each change audited.
 */
export function createCommitteesService(db: Kysely<DB>) {
  const committee = (d: Db, scope: Org, id: number) => ownRow(d, 'committees', scope, id)

  async function nameTaken(trx: Transaction<DB>, orgId: number, name: string, exceptId?: number) {
    let q = trx
      .selectFrom('committees')
      .select('id')
      .where('organisation_id', '=', orgId)
      .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
    if (exceptId !== undefined) q = q.where('id', '!=', exceptId)
    return (await q.executeTakeFirst()) !== undefined
  }

  const committeeRow = (i: CommitteeInput) => ({
    name: i.name.trim(),
    code: i.code.trim().toUpperCase(),
    kind: i.kind,
    description: i.description.trim(),
    response_months: i.responseMonths ?? 2,
  })

  return {
    getCommittee: (scope: Scope, id: number) => committee(db, scope, id),

    listCommittees: (scope: Scope, offset = 0, limit = 500) =>
      db
        .selectFrom('committees')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .orderBy('name')
        .orderBy('id')
        .offset(offset)
        .limit(limit)
        .execute(),

    members: (scope: Scope, committeeId: number) =>
      db
        .selectFrom('committee_members')
        .leftJoin('users', 'users.id', 'committee_members.user_id')
        .select([
          'committee_members.id',
          'committee_members.user_id',
          'committee_members.name',
          'committee_members.role',
          'users.name as user_name',
        ])
        .where('committee_members.organisation_id', '=', scope.organisationId)
        .where('committee_members.committee_id', '=', committeeId)
        .orderBy('committee_members.id')
        .execute(),

    async createCommittee(actor: Actor, input: CommitteeInput): Promise<Committee> {
      throwIfInvalid(validateCommittee(input))
      return db.transaction().execute(async (trx) => {
        if (await nameTaken(trx, actor.organisationId, input.name.trim()))
          throw new ValidationError({ name: 'A committee with this name already exists' })
        return insertAudited(trx, {
          table: 'committees',
          entityType: 'committee',
          actor,
          values: committeeRow(input),
        })
      })
    },

    async updateCommittee(
      actor: Actor,
      id: number,
      version: number,
      input: CommitteeInput,
    ): Promise<Committee> {
      return db.transaction().execute(async (trx) => {
        const current = await committee(trx, actor, id)
        if (!current) throw notFound('Committee')
        if (current.version !== version) throw new ConflictError(current)
        throwIfInvalid(validateCommittee(input))
        if (await nameTaken(trx, actor.organisationId, input.name.trim(), id))
          throw new ValidationError({ name: 'A committee with this name already exists' })
        return updateVersioned(trx, {
          table: 'committees',
          entityType: 'committee',
          actor,
          current,
          version,
          changes: committeeRow(input),
        })
      })
    },

    async addMember(actor: Actor, committeeId: number, input: MemberInput) {
      return db.transaction().execute(async (trx) => {
        const c = await committee(trx, actor, committeeId)
        if (!c) throw notFound('Committee')
        throwIfInvalid(validateMember(input))
        let name = input.name.trim()
        if (input.userId !== null) {
          await checkForeignIds(trx, actor, [
            {
              field: 'userId',
              table: 'users',
              id: input.userId,
              message: 'Choose someone in your organisation',
            },
          ])
          const u = await trx
            .selectFrom('users')
            .select('name')
            .where('id', '=', input.userId)
            .executeTakeFirstOrThrow()
          name ||= u.name
        }
        const row = await trx
          .insertInto('committee_members')
          .values({
            organisation_id: actor.organisationId,
            committee_id: committeeId,
            user_id: input.userId,
            name,
            role: input.role,
            created_at: now(),
          })
          .returningAll()
          .executeTakeFirstOrThrow()
        await auditBy(trx, actor, {
          action: 'add_member',
          entityType: 'committee',
          entityId: committeeId,
          after: row,
        })
        return row
      })
    },
  }
}
