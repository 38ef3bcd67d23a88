import type { Kysely, Transaction } from 'kysely'
import { auditActorOf, type Actor } from '../../auth/actor.ts'
import { isIsoDate, type IsoDate } from '../../domain/dates.ts'
import {
  DEFAULT_HOLIDAY_REGION,
  holidayPredicate,
  isHolidayRegion,
  type HolidayPredicate,
  type HolidayRegion,
} from '../../domain/working-days.ts'
import type { DB } from '../../db/schema.ts'
import { notFound, ValidationError } from '../../errors.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { updateOrganisation } from './organisation.service.ts'

export interface ClosureDay {
  day: IsoDate
  reason: string
}

export interface WorkingCalendar {
  region: HolidayRegion
  version: number
  closureDays: ClosureDay[]
}

const MAX_REASON = 200

/**
 * The organisation's working calendar: whose bank holidays apply (England and Wales, Scotland or Northern
 * Ireland) and the days an administrator closed the offices. Every working-day deadline asks it for the
 * organisation's holiday predicate, built once per calculation.
 */
export function createWorkingCalendarService(db: Kysely<DB>) {
  async function read(q: Kysely<DB> | Transaction<DB>, organisationId: number): Promise<WorkingCalendar> {
    const org = await q
      .selectFrom('organisations')
      .select(['holiday_region', 'version'])
      .where('id', '=', organisationId)
      .executeTakeFirstOrThrow()
    const closureDays = await q
      .selectFrom('closure_days')
      .select(['day', 'reason'])
      .where('organisation_id', '=', organisationId)
      .orderBy('day')
      .execute()
    const region = isHolidayRegion(org.holiday_region) ? org.holiday_region : DEFAULT_HOLIDAY_REGION
    return { region, version: org.version, closureDays }
  }

  return {
    get: (organisationId: number) => read(db, organisationId),

    /** Inside the caller's transaction when there is one, so a deadline and its calendar agree. */
    async holidaysOf(q: Kysely<DB> | Transaction<DB>, organisationId: number): Promise<HolidayPredicate> {
      const c = await read(q, organisationId)
      return holidayPredicate(
        c.region,
        c.closureDays.map((d) => d.day),
      )
    },

    async setRegion(actor: Actor, region: string, version: number): Promise<WorkingCalendar> {
      if (!isHolidayRegion(region))
        throw new ValidationError({ region: 'Select whose bank holidays your offices close for' })
      return db.transaction().execute(async (trx) => {
        const { current, updated } = await updateOrganisation(trx, actor, version, { holiday_region: region })
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'update',
          entityType: 'organisation',
          entityId: actor.organisationId,
          before: { holiday_region: current.holiday_region },
          after: { holiday_region: updated.holiday_region },
        })
        return read(trx, actor.organisationId)
      })
    },

    async addClosureDay(actor: Actor, input: { date: string; reason: string }): Promise<ClosureDay> {
      const day = input.date.trim()
      const reason = input.reason.trim()
      const errors: Record<string, string> = {}
      if (!isIsoDate(day)) errors.date = 'Enter the date the offices are closed, for example 2028-06-14'
      if (reason === '') errors.reason = 'Enter why the offices are closed'
      else if (reason.length > MAX_REASON) errors.reason = `Reason must be ${MAX_REASON} characters or fewer`
      if (Object.keys(errors).length > 0) throw new ValidationError(errors)
      return db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('closure_days')
          .select('id')
          .where('organisation_id', '=', actor.organisationId)
          .where('day', '=', day)
          .executeTakeFirst()
        if (existing) throw new ValidationError({ date: 'That day is already a closure day' })
        const row = await trx
          .insertInto('closure_days')
          .values({
            organisation_id: actor.organisationId,
            day,
            reason,
            created_at: new Date().toISOString(),
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'create',
          entityType: 'closure_day',
          entityId: row.id,
          after: { day, reason },
        })
        return { day, reason }
      })
    },

    async removeClosureDay(actor: Actor, day: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('closure_days')
          .select(['id', 'day', 'reason'])
          .where('organisation_id', '=', actor.organisationId)
          .where('day', '=', day)
          .executeTakeFirst()
        if (!row) throw notFound('Closure day')
        await trx.deleteFrom('closure_days').where('id', '=', row.id).execute()
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'delete',
          entityType: 'closure_day',
          entityId: row.id,
          before: { day: row.day, reason: row.reason },
        })
      })
    },
  }
}

export type WorkingCalendarService = ReturnType<typeof createWorkingCalendarService>
