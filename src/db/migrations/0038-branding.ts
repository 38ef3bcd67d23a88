import type { Kysely } from 'kysely'
import { isPostgres } from './helpers.ts'

// Issue 13, "The council's own look". The name, header colour and the logo's fingerprint sit on the
// organisation, so the page request's one actor query reads them; the logo's bytes sit in a table of their own
// (one row per organisation), so no other read of an organisation carries them, and every instance and every
// backup has them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('organisations').addColumn('display_name', 'text').execute()
  // '#rrggbb', or null for the neutral default.
  await db.schema.alterTable('organisations').addColumn('header_colour', 'text').execute()
  // light | dark: the header's text, white or near-black, whichever the colour was checked against.
  await db.schema
    .alterTable('organisations')
    .addColumn('header_text', 'text', (c) => c.notNull().defaultTo('light'))
    .execute()
  // The logo's SHA-256 (its ETag), or null when there is none.
  await db.schema.alterTable('organisations').addColumn('logo_sha256', 'text').execute()
  await db.schema
    .createTable('organisation_logos')
    .addColumn('organisation_id', 'integer', (c) =>
      c.primaryKey().references('organisations.id').onDelete('cascade'),
    )
    // image/png | image/svg+xml (the SVG as sanitised, never as uploaded)
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('bytes', isPostgres(db) ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('organisation_logos').execute()
  await db.schema.alterTable('organisations').dropColumn('logo_sha256').execute()
  await db.schema.alterTable('organisations').dropColumn('header_text').execute()
  await db.schema.alterTable('organisations').dropColumn('header_colour').execute()
  await db.schema.alterTable('organisations').dropColumn('display_name').execute()
}
