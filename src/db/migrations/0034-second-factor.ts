import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Issue 13, "a second factor (TOTP, with recovery codes) that an organisation can require":
// - an organisation's policy: 'none', 'administrators' or 'everyone' must have a second factor;
// - a person's authenticator secret (one a person, across organisations: it guards the account), active once
//   confirmed with a code, with the last time step used so that each code works once (RFC 6238 §5.2);
// - recovery codes, stored as SHA-256 hashes, each used once;
// - a pending sign-in: the password was right, the second step is still to come. Its key is the hash of a
//   token held only in the browser's cookie; it lasts minutes and is deleted when used.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('organisations')
    .addColumn('second_factor_required', 'text', (c) => c.notNull().defaultTo('none'))
    .execute()
  await db.schema
    .createTable('second_factors')
    .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('last_step', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await idColumn(db, db.schema.createTable('recovery_codes'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute()
  await db.schema.createIndex('recovery_codes_user').on('recovery_codes').column('user_id').execute()
  await db.schema
    .createTable('pending_sign_ins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    // 1 when the person must set up a second factor before their session starts.
    .addColumn('must_enrol', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pending_sign_ins').execute()
  await db.schema.dropTable('recovery_codes').execute()
  await db.schema.dropTable('second_factors').execute()
  await db.schema.alterTable('organisations').dropColumn('second_factor_required').execute()
}
