import type { Kysely } from 'kysely'
import type { Actor } from '../../auth/actor.ts'
import { checkForeignIds } from '../../db/foreign-ids.ts'
import type { OwnedTable } from '../../db/owned-row.ts'
import type { DB, PublicationSettingsTable, PublicationWithholdingTable } from '../../db/schema.ts'
import type { Selectable } from 'kysely'
import { ConflictError, notFound, ValidationError } from '../../errors.ts'
import { auditBy, insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import { publicSubscriptionsOpen } from '../subscriptions/index.ts'
import {
  readPublishedTypes,
  validatePublication,
  validateWithholding,
  type PublicationInput,
  type PublishedType,
  type WithholdableRecord,
  type WithholdingInput,
} from './publication.rules.ts'

/** Nothing is published until the administrator chooses; £500 is the Transparency Code's threshold. */
export const DEFAULT_THRESHOLD_PENCE = 50_000

export interface Publication {
  /** 0 until the settings are first saved. */
  version: number
  types: PublishedType[]
  thresholdPence: number
}

export type Withholding = Selectable<PublicationWithholdingTable>

const TABLE_OF: Record<WithholdableRecord, OwnedTable> = {
  programme: 'programmes',
  project: 'projects',
  ambition: 'ambitions',
  output: 'outputs',
  meeting: 'meetings',
  agenda_item: 'agenda_items',
  recommendation: 'recommendations',
  decision: 'decisions',
  indicator: 'indicators',
  forward_plan_entry: 'forward_plan_entries',
}

/** The column that names each kind of record on the settings page's list of withheld records. */
const NAME_OF: Record<WithholdableRecord, { table: OwnedTable; column: string }> = {
  programme: { table: 'programmes', column: 'name' },
  project: { table: 'projects', column: 'name' },
  ambition: { table: 'ambitions', column: 'title' },
  output: { table: 'outputs', column: 'title' },
  meeting: { table: 'meetings', column: 'meeting_date' },
  agenda_item: { table: 'agenda_items', column: 'title' },
  recommendation: { table: 'recommendations', column: 'reference' },
  decision: { table: 'decisions', column: 'title' },
  indicator: { table: 'indicators', column: 'name' },
  forward_plan_entry: { table: 'forward_plan_entries', column: 'title' },
}

/**
 * The organisation's publication settings and its withheld records. Every change is audited, so it bumps the
 * organisation's change counter and the public pages (keyed on it) change at once, on every instance.
 */
export function createPublicationService(db: Kysely<DB>) {
  async function row(organisationId: number) {
    return db
      .selectFrom('publication_settings')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst()
  }

  const settings = (r: Selectable<PublicationSettingsTable> | undefined): Publication =>
    r
      ? {
          version: r.version,
          types: readPublishedTypes(r.published_types),
          thresholdPence: Number(r.cost_threshold_pence),
        }
      : { version: 0, types: [], thresholdPence: DEFAULT_THRESHOLD_PENCE }

  return {
    async get(organisationId: number): Promise<Publication> {
      return settings(await row(organisationId))
    },

    /**
     * The settings as the public site reads them for every page: with whether the organisation lets the
     * public subscribe (its pages link to the form), in the same read.
     */
    async forSite(organisationId: number): Promise<Publication & { subscriptionsOpen: boolean }> {
      const r = await db
        .selectFrom('publication_settings')
        .selectAll()
        .select((eb) => publicSubscriptionsOpen(eb.ref('publication_settings.organisation_id')).as('open'))
        .where('organisation_id', '=', organisationId)
        .executeTakeFirst()
      // Nothing published means no public page at all, so no row leaves nothing to subscribe to.
      return { ...settings(r), subscriptionsOpen: Boolean(r?.open) }
    },

    async save(actor: Actor, input: PublicationInput, version: number): Promise<Publication> {
      const { errors, types, thresholdPence } = validatePublication(input)
      if (Object.keys(errors).length > 0) throw new ValidationError(errors)
      const changes = { published_types: JSON.stringify(types), cost_threshold_pence: thresholdPence }
      await db.transaction().execute(async (trx) => {
        const current = await trx
          .selectFrom('publication_settings')
          .selectAll()
          .where('organisation_id', '=', actor.organisationId)
          .executeTakeFirst()
        if (!current) {
          // Someone else's first save in between is a conflict, as any stale version is.
          if (version !== 0) throw new ConflictError({ version: 0, published_types: '[]' })
          await insertAudited(trx, {
            table: 'publication_settings',
            entityType: 'publication',
            actor,
            values: changes,
          })
          return
        }
        await updateVersioned(trx, {
          table: 'publication_settings',
          entityType: 'publication',
          actor,
          current: { ...current, cost_threshold_pence: Number(current.cost_threshold_pence) },
          version,
          changes,
        })
      })
      return this.get(actor.organisationId)
    },

    withheld(organisationId: number): Promise<Withholding[]> {
      return db
        .selectFrom('publication_withholdings')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .orderBy('record_type')
        .orderBy('record_id')
        .execute()
    },

    /** What each withheld record is called, for the settings page: a name, title, reference or date. */
    async names(organisationId: number, withheld: Withholding[]): Promise<Map<string, string>> {
      const names = new Map<string, string>()
      for (const [kind, { table, column }] of Object.entries(NAME_OF)) {
        const ids = withheld.filter((w) => w.record_type === kind).map((w) => w.record_id)
        if (ids.length === 0) continue
        const narrow = db as unknown as Kysely<
          Record<string, { id: number; organisation_id: number; [c: string]: unknown }>
        >
        const rows = await narrow
          .selectFrom(table)
          .select(['id', `${column} as name`])
          .where('organisation_id', '=', organisationId)
          .where('id', 'in', ids)
          .execute()
        for (const r of rows as Array<{ id: number; name: string }>)
          names.set(`${kind}:${r.id}`, String(r.name))
      }
      return names
    },

    async withhold(actor: Actor, input: WithholdingInput): Promise<Withholding> {
      const { errors, recordType, recordId } = validateWithholding(input)
      if (Object.keys(errors).length > 0 || recordType === null || recordId === null)
        throw new ValidationError(errors)
      return db.transaction().execute(async (trx) => {
        await checkForeignIds(trx, actor, [
          {
            field: 'recordId',
            table: TABLE_OF[recordType],
            id: recordId,
            message: 'There is no record of that kind with that number in your organisation',
          },
        ])
        const existing = await trx
          .selectFrom('publication_withholdings')
          .select('id')
          .where('organisation_id', '=', actor.organisationId)
          .where('record_type', '=', recordType)
          .where('record_id', '=', recordId)
          .executeTakeFirst()
        if (existing) throw new ValidationError({ recordId: 'That record is already withheld' })
        const created = await trx
          .insertInto('publication_withholdings')
          .values({
            organisation_id: actor.organisationId,
            record_type: recordType,
            record_id: recordId,
            reason: input.reason,
            created_at: new Date().toISOString(),
          })
          .returningAll()
          .executeTakeFirstOrThrow()
        await auditBy(trx, actor, {
          action: 'withhold',
          entityType: 'publication',
          entityId: created.id,
          after: created,
        })
        return created
      })
    },

    /** Publishing a withheld record again (its type's setting still decides whether it appears). */
    async release(actor: Actor, withholdingId: number): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const w = await trx
          .selectFrom('publication_withholdings')
          .selectAll()
          .where('organisation_id', '=', actor.organisationId)
          .where('id', '=', withholdingId)
          .executeTakeFirst()
        if (!w) throw notFound('Withheld record')
        await trx.deleteFrom('publication_withholdings').where('id', '=', w.id).execute()
        await auditBy(trx, actor, { action: 'release', entityType: 'publication', entityId: w.id, before: w })
      })
    },
  }
}

export type PublicationService = ReturnType<typeof createPublicationService>
