import type { Kysely } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import type { DB, Skill } from '../../db/schema.ts'
import { SEED_SKILLS } from '../../db/migrations/0014-people-posts-skills.ts'
import { notFound, ValidationError } from '../../errors.ts'
import { insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import { validateSkill, type SkillInput } from './resourcing.rules.ts'
import type { Db } from './people.repository.ts'

/**
 * The organisation's skills catalogue. Every organisation starts with the digital skills a council needs
 * (issue 10): those that existed when migration 0014 ran got them there; a newer organisation gets them the
 * first time its catalogue is read, once (the names are unique per organisation, so two first readers at
 * once cannot seed it twice). Skills are retired rather than deleted, so people's records keep their names.
 */
export async function ensureSeeded(db: Db, organisationId: number): Promise<void> {
  const any = await db
    .selectFrom('skills')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .limit(1)
    .executeTakeFirst()
  if (any) return
  const at = new Date().toISOString()
  await db
    .insertInto('skills')
    .values(
      SEED_SKILLS.map((name) => ({
        organisation_id: organisationId,
        name,
        description: '',
        retired: 0,
        created_at: at,
        updated_at: at,
      })),
    )
    .onConflict((oc) => oc.columns(['organisation_id', 'name']).doNothing())
    .execute()
}

async function nameTaken(db: Db, organisationId: number, name: string, exceptId: number | null) {
  const row = await db
    .selectFrom('skills')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
    .where('id', '!=', exceptId ?? 0)
    .executeTakeFirst()
  return row !== undefined
}

export function createSkillsService(db: Kysely<DB>) {
  const get = (scope: Scope, id: number, d: Db = db): Promise<Skill | undefined> =>
    d
      .selectFrom('skills')
      .selectAll()
      .where('organisation_id', '=', scope.organisationId)
      .where('id', '=', id)
      .executeTakeFirst()

  async function checked(d: Db, organisationId: number, input: SkillInput, exceptId: number | null) {
    const errors = validateSkill(input)
    if (!errors.name && (await nameTaken(d, organisationId, input.name.trim(), exceptId)))
      errors.name = 'A skill with this name is already in the catalogue'
    if (Object.keys(errors).length > 0) throw new ValidationError(errors)
  }

  return {
    get,

    async list(scope: Scope, opts: { includeRetired?: boolean } = {}): Promise<Skill[]> {
      await ensureSeeded(db, scope.organisationId)
      let q = db.selectFrom('skills').selectAll().where('organisation_id', '=', scope.organisationId)
      if (!opts.includeRetired) q = q.where('retired', '=', 0)
      return q.orderBy('name').execute()
    },

    create: (actor: Actor, input: SkillInput): Promise<Skill> =>
      db.transaction().execute(async (trx) => {
        await ensureSeeded(trx, actor.organisationId)
        await checked(trx, actor.organisationId, input, null)
        return insertAudited(trx, {
          table: 'skills',
          entityType: 'skill',
          actor,
          values: {
            name: input.name.trim(),
            description: input.description.trim(),
            retired: input.retired ? 1 : 0,
          },
        })
      }),

    update: (actor: Actor, id: number, version: number, input: SkillInput): Promise<Skill> =>
      db.transaction().execute(async (trx) => {
        const current = await get(scopeOf(actor), id, trx)
        if (!current) throw notFound('Skill')
        await checked(trx, actor.organisationId, input, id)
        return updateVersioned(trx, {
          table: 'skills',
          entityType: 'skill',
          actor,
          current,
          version,
          changes: {
            name: input.name.trim(),
            description: input.description.trim(),
            retired: input.retired ? 1 : 0,
          },
        })
      }),
  }
}

export type SkillsService = ReturnType<typeof createSkillsService>
