import { sql, type Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Issue 12, "The scrutiny loop, complete": an area for consideration in a panel report becomes a tracked
// action. The area keeps its text and owner; it gains a due date, a status (open, in_progress, done,
// dropped) and a version, so its owner and the programme office can move it on without overwriting each
// other, and dated progress notes that are only ever added.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('report_areas').addColumn('due_on', 'text').execute()
  await db.schema
    .alterTable('report_areas')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .execute()
  await db.schema
    .alterTable('report_areas')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute()
  await db.schema
    .alterTable('report_areas')
    .addColumn('updated_at', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  await sql`update report_areas set updated_at = created_at`.execute(db)
  await db.schema.createIndex('report_areas_owner').on('report_areas').column('owner_user_id').execute()

  await idColumn(db, db.schema.createTable('report_area_notes'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('area_id', 'integer', (c) => c.notNull().references('report_areas.id').onDelete('cascade'))
    // The day the progress was made (ISO date), which may be before the note was written.
    .addColumn('noted_on', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('report_area_notes_area').on('report_area_notes').column('area_id').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('report_area_notes').execute()
  await db.schema.dropIndex('report_areas_owner').execute()
  for (const col of ['updated_at', 'version', 'status', 'due_on'])
    await db.schema.alterTable('report_areas').dropColumn(col).execute()
}
