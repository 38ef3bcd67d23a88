import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Adding someone to an organisation is an invitation they accept, not a membership an administrator
// creates: otherwise typing any email would reveal whether it has an account, and whose. Only a hash of
// the token is kept (as for API tokens), so a copy of the database cannot be used to accept one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('invitations'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('invited_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text')
    .addColumn('accepted_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('withdrawn_at', 'text')
    .execute()
  await db.schema
    .createIndex('invitations_organisation')
    .on('invitations')
    .columns(['organisation_id', 'email'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('invitations').execute()
}
