/**
 * `src/db/schema.ts` (the table types every query is checked against) and the migrations (the tables
 * the database really has) must agree: a column only in the types is a query that fails at run time,
 * one only in the migrations is data no code can read, and a wrong `| null` or `Generated` lets the
 * type-checker pass an insert the database refuses. The types are read with the TypeScript compiler.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import ts from 'typescript'
import { sql } from 'kysely'
import type { Database } from '../../src/db/database.ts'
import { projectRoot } from '../../src/paths.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'

interface ColumnType {
  nullable: boolean
  generated: boolean
}

/** Table name → column name → what the type says, from every `interface DB` in schema.ts. */
function declaredTables(): Map<string, Map<string, ColumnType>> {
  const file = path.join(projectRoot(), 'src', 'db', 'schema.ts')
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const interfaces = new Map<string, ts.InterfaceDeclaration>()
  const dbMembers: ts.PropertySignature[] = []
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node)) return
    if (node.name.text === 'DB') dbMembers.push(...node.members.filter(ts.isPropertySignature))
    else interfaces.set(node.name.text, node)
  })
  const tables = new Map<string, Map<string, ColumnType>>()
  for (const member of dbMembers) {
    const tableName = member.name.getText(source)
    const typeName = member.type?.getText(source) ?? ''
    const declaration = interfaces.get(typeName)
    assert.ok(declaration, `DB.${tableName} names ${typeName}, which schema.ts does not declare`)
    const columns = new Map<string, ColumnType>()
    for (const column of declaration.members.filter(ts.isPropertySignature)) {
      const text = column.type?.getText(source) ?? ''
      columns.set(column.name.getText(source), {
        nullable: /\bnull\b/.test(text),
        generated: /^Generated</.test(text) || !!column.questionToken,
      })
    }
    tables.set(tableName, columns)
  }
  return tables
}

/** `table.column` of every primary-key column: SQLite reports an INTEGER PRIMARY KEY as nullable. */
async function primaryKeyColumns(database: Database): Promise<Set<string>> {
  const rows =
    dialectName() === 'postgres'
      ? await sql<{ name: string }>`
          select kcu.table_name || '.' || kcu.column_name as name
          from information_schema.table_constraints tc
          join information_schema.key_column_usage kcu
            on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema
          where tc.constraint_type = 'PRIMARY KEY' and tc.table_schema = current_schema()`.execute(
          database.db,
        )
      : await sql<{ name: string }>`
          select m.name || '.' || p.name as name
          from sqlite_master m join pragma_table_info(m.name) p
          where m.type = 'table' and p.pk > 0`.execute(database.db)
  return new Set(rows.rows.map((r) => r.name))
}

describe(`schema.ts agrees with the migrations (${dialectName()})`, () => {
  let database: Database
  let drop: () => Promise<void>
  before(async () => {
    ;({ database, drop } = await createTestDatabase())
  })
  after(async () => {
    await drop()
  })

  it('declares every table and column the migrations make, with the same nullability and defaults', async () => {
    const declared = declaredTables()
    // search_fts and its shadow tables are SQLite's FTS5 index of search_entries (migration 0036): SQLite
    // writes them, no query names their columns.
    const actual = (await database.db.introspection.getTables()).filter(
      (t) =>
        !t.name.startsWith('kysely_migration') &&
        !t.name.startsWith('sqlite_') &&
        !t.name.startsWith('search_fts'),
    )
    const keys = await primaryKeyColumns(database)
    const problems: string[] = []
    for (const table of actual) {
      const columns = declared.get(table.name)
      if (!columns) {
        problems.push(`table ${table.name} is in the migrations but not in schema.ts`)
        continue
      }
      for (const column of table.columns) {
        const type = columns.get(column.name)
        if (!type) {
          problems.push(`${table.name}.${column.name} is in the migrations but not in schema.ts`)
          continue
        }
        const nullable = column.isNullable && !keys.has(`${table.name}.${column.name}`)
        if (type.nullable !== nullable) {
          problems.push(
            `${table.name}.${column.name} is ${nullable ? 'nullable' : 'not null'} in the database but ${type.nullable ? 'nullable' : 'not null'} in schema.ts`,
          )
        }
        // Generated<…> lets an insert leave the column out: only safe if the database fills it.
        if (type.generated && !column.hasDefaultValue && !column.isAutoIncrementing && !nullable) {
          problems.push(
            `${table.name}.${column.name} is Generated in schema.ts but has no default in the database`,
          )
        }
      }
      for (const name of columns.keys()) {
        if (!table.columns.some((c) => c.name === name)) {
          problems.push(`${table.name}.${name} is in schema.ts but not in the migrations`)
        }
      }
    }
    for (const name of declared.keys()) {
      if (!actual.some((t) => t.name === name))
        problems.push(`table ${name} is in schema.ts but not in the migrations`)
    }
    assert.deepEqual(problems, [])
  })
})
