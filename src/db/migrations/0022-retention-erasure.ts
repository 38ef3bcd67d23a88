import type { Kysely } from 'kysely'

// Issue 10, personal data (UK GDPR):
// - a person in the register can be recorded as having left (`people.left_on`), and once they have left an
//   administrator can erase them (`people.erased_at`): their personal fields are overwritten, the audit
//   trail keeps its events (the chain must still verify) and its read path shows their values as erased;
// - a user account whose holder has no other active membership is erased with them (`users.erased_at`);
// - each organisation may shorten or lengthen the retention period of each kind of record
//   (`retention_periods`; a kind without a row keeps the default in privacy/retention.rules.ts);
// - the organisation's data protection contact, shown on the privacy notice.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('people').addColumn('left_on', 'text').execute()
  await db.schema.alterTable('people').addColumn('erased_at', 'text').execute()
  await db.schema.alterTable('users').addColumn('erased_at', 'text').execute()
  await db.schema
    .alterTable('organisations')
    .addColumn('data_protection_contact', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  await db.schema
    .createTable('retention_periods')
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('days', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('retention_periods_pk', ['organisation_id', 'record_type'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('retention_periods').execute()
  await db.schema.alterTable('organisations').dropColumn('data_protection_contact').execute()
  await db.schema.alterTable('users').dropColumn('erased_at').execute()
  await db.schema.alterTable('people').dropColumn('erased_at').execute()
  await db.schema.alterTable('people').dropColumn('left_on').execute()
}
