/**
 * Tenancy in the schema itself (issue 14): every table is owned by an organisation or documented as global
 * (src/db/tenancy.ts), and a foreign key between owned tables names its parent by (organisation_id, id), so
 * the database refuses a row pointing at another council's record and the schema can be distributed by
 * organisation_id (docs/citus.md). Read from the migrated database, not from the migration files.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import type { Database } from '../../src/db/database.ts'
import { migrateTo, migrateToLatest } from '../../src/db/migrate.ts'
import { COMPOSITE_FOREIGN_KEYS } from '../../src/db/migrations/0041-tenancy-keys.ts'
import { GLOBAL_TABLES, isDatabaseInternalTable } from '../../src/db/tenancy.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'

interface ForeignKey {
  table: string
  columns: string[]
  parent: string
  parentColumns: string[]
  onDelete: string
}

/** Table name → its column names. */
async function tableColumns(database: Database): Promise<Map<string, Set<string>>> {
  const rows =
    dialectName() === 'postgres'
      ? await sql<{ table: string; column: string }>`
          select c.table_name as "table", c.column_name as "column"
          from information_schema.columns c
          join information_schema.tables t on t.table_name = c.table_name and t.table_schema = c.table_schema
          where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'`.execute(database.db)
      : await sql<{ table: string; column: string }>`
          select m.name as "table", p.name as "column"
          from sqlite_master m join pragma_table_info(m.name) p
          where m.type = 'table'`.execute(database.db)
  const tables = new Map<string, Set<string>>()
  for (const r of rows.rows) {
    if (isDatabaseInternalTable(r.table)) continue
    const columns = tables.get(r.table) ?? new Set<string>()
    columns.add(r.column)
    tables.set(r.table, columns)
  }
  return tables
}

/**
 * Every foreign key, its columns in order. PostgreSQL: pg_constraint, because information_schema pairs the
 * columns of a composite key only through the parent's unique constraint, which it may not name.
 */
async function foreignKeys(database: Database): Promise<ForeignKey[]> {
  if (dialectName() === 'postgres') {
    const rows = await sql<ForeignKey>`
      select child.relname as "table", parent.relname as "parent", con.confdeltype as "onDelete",
        array(select a.attname::text from unnest(con.conkey) with ordinality k(attnum, n)
              join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum order by k.n) as "columns",
        array(select a.attname::text from unnest(con.confkey) with ordinality k(attnum, n)
              join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum order by k.n) as "parentColumns"
      from pg_constraint con
      join pg_class child on child.oid = con.conrelid
      join pg_class parent on parent.oid = con.confrelid
      join pg_namespace ns on ns.oid = child.relnamespace
      where con.contype = 'f' and ns.nspname = current_schema()`.execute(database.db)
    return rows.rows
  }
  const rows = await sql<{
    table: string
    id: number
    seq: number
    parent: string
    from: string
    to: string
    on_delete: string
  }>`
    select m.name as "table", f.id, f.seq, f."table" as parent, f."from", f."to", f.on_delete
    from sqlite_master m join pragma_foreign_key_list(m.name) f
    where m.type = 'table' order by m.name, f.id, f.seq`.execute(database.db)
  const keys = new Map<string, ForeignKey>()
  for (const r of rows.rows) {
    const key: ForeignKey = keys.get(`${r.table}/${r.id}`) ?? {
      table: r.table,
      columns: [],
      parent: r.parent,
      parentColumns: [],
      onDelete: r.on_delete,
    }
    key.columns.push(r.from)
    key.parentColumns.push(r.to)
    keys.set(`${r.table}/${r.id}`, key)
  }
  return [...keys.values()]
}

describe(`the schema's tenancy (${dialectName()})`, () => {
  let database: Database
  let drop: () => Promise<void>
  before(async () => {
    ;({ database, drop } = await createTestDatabase())
  })
  after(async () => {
    await drop()
  })

  it('gives every table an organisation_id, or documents it as global with a reason', async () => {
    const tables = await tableColumns(database)
    const undocumented = [...tables]
      .filter(([name, columns]) => !columns.has('organisation_id') && !(name in GLOBAL_TABLES))
      .map(([name]) => name)
    assert.deepEqual(undocumented, [], 'tables with no organisation_id that src/db/tenancy.ts does not list')
    // The list stays true: each entry is a real table, really without organisation_id.
    const stale = Object.keys(GLOBAL_TABLES).filter(
      (name) => tables.get(name)?.has('organisation_id') !== false,
    )
    assert.deepEqual(stale, [], 'GLOBAL_TABLES entries that are missing or have organisation_id')
  })

  it('makes every foreign key between owned tables (organisation_id, id)', async () => {
    const tables = await tableColumns(database)
    const owned = (name: string) => tables.get(name)?.has('organisation_id') === true
    // SQLite keeps the single-column keys its tables were made with (migration 0041 converted them on
    // PostgreSQL only), and cannot null one column of a composite key, so a set-null key stays single there.
    const sqliteSingle = new Set(COMPOSITE_FOREIGN_KEYS.map((k) => `${k.table}.${k.column} -> ${k.parent}`))
    const problems: string[] = []
    let composite = 0
    for (const key of await foreignKeys(database)) {
      if (!owned(key.table) || !owned(key.parent)) continue
      if (key.columns.length === 1) {
        const name = `${key.table}.${key.columns[0]} -> ${key.parent}`
        const allowed = dialectName() === 'sqlite' && (sqliteSingle.has(name) || key.onDelete === 'SET NULL')
        if (!allowed) problems.push(`${name} is single-column`)
        continue
      }
      composite++
      const [first, column, ...more] = key.columns
      if (first !== 'organisation_id' || !column || more.length > 0) {
        problems.push(
          `${key.table} (${key.columns.join(', ')}) -> ${key.parent} is not (organisation_id, column)`,
        )
      } else if (key.parentColumns.join(', ') !== 'organisation_id, id') {
        problems.push(`${key.table}.${column} -> ${key.parent} (${key.parentColumns.join(', ')})`)
      }
    }
    assert.deepEqual(problems, [])
    if (dialectName() === 'postgres') assert.equal(composite, COMPOSITE_FOREIGN_KEYS.length)
  })

  it('refuses a milestone of one council on another council’s project (PostgreSQL), and keeps cascades', async (t) => {
    if (dialectName() !== 'postgres') {
      t.skip('SQLite keeps single-column keys; the services check foreign ids (src/db/foreign-ids.ts)')
      return
    }
    const db = database.db
    const now = new Date().toISOString()
    const organisation = async (slug: string) =>
      (
        await db
          .insertInto('organisations')
          .values({ slug, name: slug, rating_scale: 'ipa5', is_demo: 0, created_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id
    const [mine, theirs] = [await organisation('tenancy-a'), await organisation('tenancy-b')]
    const programme = (
      await db
        .insertInto('programmes')
        .values({
          organisation_id: mine,
          reference: 'P1',
          purpose: '',
          sro: '',
          portfolio_holder: '',
          name: 'P',
          status: 'active',
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
    const project = async (reference: string) =>
      (
        await db
          .insertInto('projects')
          .values({
            organisation_id: mine,
            programme_id: programme,
            reference,
            name: reference,
            description: '',
            project_manager: '',
            sponsor: '',
            stage: 'initiation',
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id
    const [a, b] = [await project('A'), await project('B')]
    const milestone = (organisationId: number) =>
      db
        .insertInto('milestones')
        .values({
          organisation_id: organisationId,
          project_id: a,
          name: 'Go live',
          description: '',
          is_key: 0,
          status: 'not_started',
          created_at: now,
          updated_at: now,
        })
        .execute()
    await assert.rejects(milestone(theirs), /milestones_project_id_fkey/)
    await milestone(mine)
    await db
      .insertInto('dependencies')
      .values({
        organisation_id: mine,
        project_id: a,
        depends_on_project_id: b,
        description: 'B first',
        partner_name: '',
        status: 'open',
        created_at: now,
        updated_at: now,
      })
      .execute()
    // ON DELETE SET NULL clears only the project column: the row keeps its organisation.
    await db.deleteFrom('projects').where('id', '=', b).execute()
    const dependency = await db.selectFrom('dependencies').selectAll().executeTakeFirstOrThrow()
    assert.equal(dependency.depends_on_project_id, null)
    assert.equal(dependency.organisation_id, mine)
    // ON DELETE CASCADE still removes a project's milestones.
    await db.deleteFrom('projects').where('id', '=', a).execute()
    assert.equal((await db.selectFrom('milestones').select('id').execute()).length, 0)
  })

  it('migration 0041 goes down to single-column keys and up again', async () => {
    const milestoneKey = async () =>
      (await foreignKeys(database)).find((k) => k.table === 'milestones' && k.parent === 'projects')?.columns
    await migrateTo(database, '0040-meeting-attendance')
    assert.deepEqual(await milestoneKey(), ['project_id'])
    await migrateToLatest(database)
    assert.deepEqual(
      await milestoneKey(),
      dialectName() === 'postgres' ? ['organisation_id', 'project_id'] : ['project_id'],
    )
  })
})
