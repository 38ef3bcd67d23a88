import type { Kysely } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import type { DB, Skill } from '../../db/schema.ts'
import { notFound, ValidationError } from '../../errors.ts'
import { auditBy, insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import { checkForeignIds } from '../../db/foreign-ids.ts'
import { validateSkill, type SkillInput } from './resourcing.rules.ts'
import type { Db } from './people.repository.ts'

/** The skills a council's digital work needs: every organisation's catalogue starts with them (issue 10). */
const STARTING_SKILLS = [
  'Content design',
  'Web development',
  'User research',
  'Service design',
  'Data analysis',
  'Delivery management',
  'CRM administration',
  'Accessibility testing',
]

/**
 * Puts the starting skills into a new organisation's catalogue, in the transaction that creates it (the
 * organisations that existed when migration 0014 ran got them there). Skills are retired rather than deleted, so
 * people's records keep their names.
 */
export async function seedSkills(db: Db, organisationId: number): Promise<void> {
  const at = new Date().toISOString()
  await db
    .insertInto('skills')
    .values(
      STARTING_SKILLS.map((name) => ({
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

const resourceLine = (db: Db, organisationId: number, id: number) =>
  db
    .selectFrom('business_case_resources')
    .select(['id', 'business_case_id', 'role'])
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()

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
      let q = db.selectFrom('skills').selectAll().where('organisation_id', '=', scope.organisationId)
      if (!opts.includeRetired) q = q.where('retired', '=', 0)
      return q.orderBy('name').execute()
    },

    create: (actor: Actor, input: SkillInput): Promise<Skill> =>
      db.transaction().execute(async (trx) => {
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

    /** The skills a business case's resource line needs, or undefined when there is no such line. */
    async resourceSkills(scope: Scope, resourceId: number): Promise<number[] | undefined> {
      const line = await resourceLine(db, scope.organisationId, resourceId)
      if (!line) return undefined
      const rows = await db
        .selectFrom('business_case_resource_skills')
        .select('skill_id')
        .where('resource_id', '=', resourceId)
        .orderBy('skill_id')
        .execute()
      return rows.map((r) => r.skill_id)
    },

    /** Replaces the skills a resource line needs, recorded in the business case's history. */
    setResourceSkills: (actor: Actor, resourceId: number, skillIds: number[]): Promise<number[]> =>
      db.transaction().execute(async (trx) => {
        const line = await resourceLine(trx, actor.organisationId, resourceId)
        if (!line) throw notFound('Resource line')
        const wanted = [...new Set(skillIds)].sort((a, b) => a - b)
        await checkForeignIds(
          trx,
          actor,
          wanted.map((id) => ({
            field: 'skillIds',
            table: 'skills' as const,
            id,
            message: 'Choose skills from the catalogue',
          })),
        )
        const before = await trx
          .selectFrom('business_case_resource_skills')
          .select('skill_id')
          .where('resource_id', '=', resourceId)
          .orderBy('skill_id')
          .execute()
        await trx.deleteFrom('business_case_resource_skills').where('resource_id', '=', resourceId).execute()
        if (wanted.length > 0)
          await trx
            .insertInto('business_case_resource_skills')
            .values(
              wanted.map((id) => ({
                organisation_id: actor.organisationId,
                resource_id: resourceId,
                skill_id: id,
              })),
            )
            .execute()
        await auditBy(trx, actor, {
          action: 'update resource skills',
          entityType: 'business_case',
          entityId: line.business_case_id,
          before: { role: line.role, skillIds: before.map((r) => r.skill_id) },
          after: { role: line.role, skillIds: wanted },
        })
        return wanted
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
