import type { ColumnDefinitionBuilder, Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// The scrutiny loop: committees and their members, meetings, agenda items with the minute's threaded points
// and resolutions, recommendations from panel to outcome with their implementation actions, and the secret
// calendar feeds. Every row carries organisation_id so each query can be scoped without a join.
export async function up(db: Kysely<unknown>): Promise<void> {
  const org = (c: ColumnDefinitionBuilder) => c.notNull().references('organisations.id').onDelete('cascade')

  await idColumn(db, db.schema.createTable('committees'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('response_months', 'integer', (c) => c.notNull().defaultTo(2))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('committees_org_name', ['organisation_id', 'name'])
    .execute()

  await idColumn(db, db.schema.createTable('committee_members'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('committee_id', 'integer', (c) => c.notNull().references('committees.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('committee_members_committee')
    .on('committee_members')
    .column('committee_id')
    .execute()

  await idColumn(db, db.schema.createTable('meetings'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('committee_id', 'integer', (c) => c.notNull().references('committees.id').onDelete('restrict'))
    .addColumn('meeting_date', 'text', (c) => c.notNull())
    .addColumn('start_time', 'text')
    .addColumn('place', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('meetings_committee')
    .on('meetings')
    .columns(['committee_id', 'meeting_date'])
    .execute()
  await db.schema
    .createIndex('meetings_org_date')
    .on('meetings')
    .columns(['organisation_id', 'meeting_date'])
    .execute()

  await idColumn(db, db.schema.createTable('agenda_items'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('reports_presented', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('presenters', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('minutes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('agenda_items_meeting').on('agenda_items').column('meeting_id').execute()

  await idColumn(db, db.schema.createTable('agenda_item_links'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('agenda_item_id', 'integer', (c) =>
      c.notNull().references('agenda_items.id').onDelete('cascade'),
    )
    .addColumn('programme_id', 'integer', (c) => c.references('programmes.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('agenda_item_links_item')
    .on('agenda_item_links')
    .column('agenda_item_id')
    .execute()

  await idColumn(db, db.schema.createTable('item_points'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('agenda_item_id', 'integer', (c) =>
      c.notNull().references('agenda_items.id').onDelete('cascade'),
    )
    .addColumn('parent_id', 'integer', (c) => c.references('item_points.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('speaker_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('speaker_role', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('item_points_item').on('item_points').column('agenda_item_id').execute()

  await idColumn(db, db.schema.createTable('resolutions'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('agenda_item_id', 'integer', (c) =>
      c.notNull().references('agenda_items.id').onDelete('cascade'),
    )
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('resolutions_item').on('resolutions').column('agenda_item_id').execute()

  await idColumn(db, db.schema.createTable('recommendations'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('committee_id', 'integer', (c) => c.notNull().references('committees.id').onDelete('restrict'))
    .addColumn('agenda_item_id', 'integer', (c) =>
      c.notNull().references('agenda_items.id').onDelete('restrict'),
    )
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('addressed_to', 'text', (c) => c.notNull())
    .addColumn('addressee_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('lead_officer_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('made_on', 'text', (c) => c.notNull())
    .addColumn('response_due_on', 'text', (c) => c.notNull())
    .addColumn('response', 'text')
    .addColumn('response_reasons', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('responded_on', 'text')
    .addColumn('responded_by_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('responded_by_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('follow_up_item_id', 'integer', (c) => c.references('agenda_items.id').onDelete('set null'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('recommendations_org_reference', ['organisation_id', 'reference'])
    .execute()
  await db.schema.createIndex('recommendations_item').on('recommendations').column('agenda_item_id').execute()
  await db.schema
    .createIndex('recommendations_committee')
    .on('recommendations')
    .columns(['committee_id', 'made_on'])
    .execute()
  await db.schema
    .createIndex('recommendations_addressee')
    .on('recommendations')
    .columns(['organisation_id', 'addressee_user_id'])
    .execute()

  await idColumn(db, db.schema.createTable('recommendation_actions'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('recommendation_id', 'integer', (c) =>
      c.notNull().references('recommendations.id').onDelete('cascade'),
    )
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('owner_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('owner_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('due_on', 'text')
    .addColumn('programme_id', 'integer', (c) => c.references('programmes.id').onDelete('set null'))
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('evidence_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('evidence_url', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('recommendation_actions_rec')
    .on('recommendation_actions')
    .column('recommendation_id')
    .execute()

  // A calendar feed URL is a credential (calendar apps cannot sign in), so only its hash is stored.
  await idColumn(db, db.schema.createTable('calendar_feeds'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute()
  await db.schema
    .createIndex('calendar_feeds_user')
    .on('calendar_feeds')
    .columns(['organisation_id', 'user_id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'calendar_feeds',
    'recommendation_actions',
    'recommendations',
    'resolutions',
    'item_points',
    'agenda_item_links',
    'agenda_items',
    'meetings',
    'committee_members',
    'committees',
  ]) {
    await db.schema.dropTable(t).execute()
  }
}
