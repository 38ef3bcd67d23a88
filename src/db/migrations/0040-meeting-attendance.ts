import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Issue 12: who attended a meeting, as its minute records it — each committee member present, with apologies
// or absent, substitutes, and the officers and others who attended to present. Recorded against the meeting's
// version, a whole list at a time, so two clerks cannot overwrite each other unseen.
export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('meeting_attendance'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    // A committee member's line names them; a substitute, officer or other attendee is a name alone.
    .addColumn('committee_member_id', 'integer', (c) =>
      c.references('committee_members.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    // member, substitute, officer or other
    .addColumn('capacity', 'text', (c) => c.notNull())
    // present, apologies or absent
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('meeting_attendance_meeting')
    .on('meeting_attendance')
    .columns(['meeting_id', 'position'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('meeting_attendance').execute()
}
