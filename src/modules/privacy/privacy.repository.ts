import { discardStaged } from '../ledger/ledger-import.staging.ts'
import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { createFileStore } from '../../imports/file-store.ts'

// The SQL of personal-data housekeeping: retention settings, erasing a user account with its holder,
// and deleting what is past its retention period. Every statement is scoped to one organisation, except
// a user account, which is shared between organisations and is erased only when no other one uses it.

type Db = Kysely<DB> | Transaction<DB>
const count = (r: { numDeletedRows: bigint } | undefined) => Number(r?.numDeletedRows ?? 0)

/**
 * Every copy of a user's name that a record keeps beside the user's id: who reported, entered, signed off,
 * decided, responded or owns it. Erasing the account rewrites each, so no list, export or API answer names
 * them again (the audit trail is read through audit/erased-values.ts instead).
 */
export const USER_NAME_COPIES = [
  { table: 'status_reports', name: 'reported_by_name', userId: 'reported_by' },
  { table: 'decisions', name: 'decided_by_name', userId: 'decided_by_user_id' },
  { table: 'ledger_imports', name: 'created_by_name', userId: 'created_by' },
  { table: 'forecasts', name: 'entered_by_name', userId: 'entered_by' },
  { table: 'budget_monitoring', name: 'finance_signed_off_by_name', userId: 'finance_signed_off_by' },
  { table: 'budget_monitoring', name: 'pm_signed_off_by_name', userId: 'pm_signed_off_by' },
  { table: 'recommendations', name: 'responded_by_name', userId: 'responded_by_user_id' },
  { table: 'recommendation_actions', name: 'owner_name', userId: 'owner_user_id' },
  { table: 'indicator_values', name: 'entered_by_name', userId: 'entered_by' },
  { table: 'indicator_imports', name: 'created_by_name', userId: 'created_by' },
  { table: 'document_versions', name: 'uploaded_by_name', userId: 'uploaded_by' },
] as const satisfies ReadonlyArray<{ table: keyof DB; name: string; userId: string }>

export const privacyRepository = {
  organisation: (db: Db, id: number) =>
    db
      .selectFrom('organisations')
      .select(['id', 'name', 'data_protection_contact', 'version'])
      .where('id', '=', id)
      .executeTakeFirst(),

  async soleOrganisation(db: Db): Promise<number | null> {
    const rows = await db.selectFrom('organisations').select('id').limit(2).execute()
    return rows.length === 1 ? rows[0]!.id : null
  },

  periodRows: (db: Db, organisationId: number) =>
    db
      .selectFrom('retention_periods')
      .select(['record_type', 'days'])
      .where('organisation_id', '=', organisationId)
      .execute(),

  async savePeriods(trx: Transaction<DB>, organisationId: number, periods: Record<string, number>) {
    const at = new Date().toISOString()
    for (const [record_type, days] of Object.entries(periods))
      await trx
        .insertInto('retention_periods')
        .values({ organisation_id: organisationId, record_type, days, updated_at: at })
        .onConflict((oc) =>
          oc.columns(['organisation_id', 'record_type']).doUpdateSet({ days, updated_at: at }),
        )
        .execute()
  },

  /** Whether the user still belongs, as someone who has not left, to any organisation other than this one. */
  async activeElsewhere(db: Db, userId: number, organisationId: number): Promise<boolean> {
    const row = await db
      .selectFrom('memberships')
      .select('id')
      .where('user_id', '=', userId)
      .where('organisation_id', '!=', organisationId)
      .where('left_at', 'is', null)
      .executeTakeFirst()
    return row !== undefined
  },

  /** Overwrites the account's name and email, ends its sign-in, sessions and tokens, and deletes its notifications. */
  async eraseUser(trx: Transaction<DB>, userId: number, at: string): Promise<void> {
    const erased = `Erased user #${userId}`
    await trx
      .updateTable('users')
      .set({
        name: erased,
        // Unique, and in a reserved domain (RFC 2606) so no message can ever be sent to it.
        email: `erased-user-${userId}@erased.invalid`,
        password_hash: '!',
        is_active: 0,
        erased_at: at,
        updated_at: at,
      })
      .where('id', '=', userId)
      .execute()
    // The copies of their name that records keep (who entered, signed off, decided, responded) say it too.
    const loose = trx as unknown as Kysely<Record<string, Record<string, unknown>>>
    for (const c of USER_NAME_COPIES)
      await loose
        .updateTable(c.table)
        .set({ [c.name]: erased })
        .where(c.userId, '=', userId)
        .execute()
    await trx.deleteFrom('sessions').where('user_id', '=', userId).execute()
    await trx.deleteFrom('api_tokens').where('user_id', '=', userId).execute()
    // What was sent to them is about them: it goes with the account.
    await trx.deleteFrom('notifications').where('user_id', '=', userId).execute()
  },

  /** What else about the person is personal: their skills, and the reasons given for their secondments. */
  async eraseDetails(trx: Transaction<DB>, organisationId: number, personId: number): Promise<void> {
    await trx
      .deleteFrom('person_skills')
      .where('organisation_id', '=', organisationId)
      .where('person_id', '=', personId)
      .execute()
    await trx
      .updateTable('secondments')
      .set({ reason: '' })
      .where('organisation_id', '=', organisationId)
      .where('person_id', '=', personId)
      .execute()
  },

  /** People who left on or before `leftBy` and are not yet erased, a batch at a time. */
  leaversBefore: (db: Db, organisationId: number, leftBy: string, limit: number) =>
    db
      .selectFrom('people')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('left_on', '<=', leftBy)
      .where('erased_at', 'is', null)
      .orderBy('id')
      .limit(limit)
      .execute(),

  async deleteSessions(db: Db, organisationId: number, cutoff: string): Promise<number> {
    return count(
      await db
        .deleteFrom('sessions')
        .where('organisation_id', '=', organisationId)
        .where((eb) => eb.or([eb('last_seen_at', '<', cutoff), eb('expires_at', '<', cutoff)]))
        .executeTakeFirst(),
    )
  },

  async deleteTokens(db: Db, organisationId: number, cutoff: string): Promise<number> {
    return count(
      await db
        .deleteFrom('api_tokens')
        .where('organisation_id', '=', organisationId)
        .where((eb) => eb.or([eb('revoked_at', '<', cutoff), eb('expires_at', '<', cutoff)]))
        .executeTakeFirst(),
    )
  },

  async deleteNotifications(db: Db, organisationId: number, cutoff: string): Promise<number> {
    return count(
      await db
        .deleteFrom('notifications')
        .where('organisation_id', '=', organisationId)
        .where('created_at', '<', cutoff)
        .executeTakeFirst(),
    )
  },

  /** A finished import keeps its summary; its file, staged rows and refused rows go. */
  async deleteImportFiles(trx: Transaction<DB>, organisationId: number, cutoff: string): Promise<number> {
    const old = await trx
      .selectFrom('ledger_imports')
      .select(['id', 'stored_file_id'])
      .where('organisation_id', '=', organisationId)
      .where('status', 'in', ['committed', 'failed'])
      .where('finished_at', '<', cutoff)
      .execute()
    if (old.length === 0) return 0
    const ids = old.map((i) => i.id)
    await discardStaged(trx, ids)
    await trx
      .deleteFrom('ledger_import_problems')
      .where('organisation_id', '=', organisationId)
      .where('import_id', 'in', ids)
      .execute()
    const files = old.flatMap((i) => (i.stored_file_id === null ? [] : [i.stored_file_id]))
    if (files.length === 0) return 0
    await trx
      .updateTable('ledger_imports')
      .set({ stored_file_id: null })
      .where('organisation_id', '=', organisationId)
      .where('id', 'in', ids)
      .execute()
    const store = createFileStore(trx)
    for (const f of files) await store.discard(organisationId, f, trx)
    return files.length
  },
}
