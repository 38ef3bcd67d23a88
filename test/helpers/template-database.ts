/**
 * The migrated template every test database is copied from. `scripts/test.sh` builds it once per run
 * (Node 20's test runner has no global set-up) and names it in OVERSIGHT_TEST_TEMPLATE; without it (one
 * file run on its own) each test database is migrated from scratch.
 *
 *   node --import tsx test/helpers/template-database.ts create   prints `export OVERSIGHT_TEST_TEMPLATE=…`
 *   node --import tsx test/helpers/template-database.ts drop     removes it
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { openDatabase } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { createPostgresDatabase, dropDatabase } from './database.ts'

const isPostgres = (url: string | undefined): url is string => !!url && /^postgres(ql)?:\/\//.test(url)

async function create(): Promise<string> {
  const url = process.env.TEST_DATABASE_URL
  if (isPostgres(url)) {
    const { name, url: databaseUrl } = await createPostgresDatabase(
      url,
      `oversight_template_${randomBytes(3).toString('hex')}`,
    )
    const database = openDatabase({ dialect: 'postgres', url: databaseUrl }, { poolSize: 1 })
    try {
      await migrateToLatest(database)
    } finally {
      await database.close()
    }
    return name
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'oversight-template-'))
  const file = path.join(dir, 'template.sqlite')
  const database = openDatabase({ dialect: 'sqlite', file })
  try {
    await migrateToLatest(database)
  } finally {
    // Closing checkpoints the WAL into the file, so a plain file copy is the whole database.
    await database.close()
  }
  return file
}

async function drop(template: string): Promise<void> {
  const url = process.env.TEST_DATABASE_URL
  if (isPostgres(url)) await dropDatabase(url, template)
  else rmSync(path.dirname(template), { recursive: true, force: true })
}

const [command] = process.argv.slice(2)
if (command === 'create') {
  process.stdout.write(`export OVERSIGHT_TEST_TEMPLATE=${await create()}\n`)
} else if (command === 'drop') {
  const template = process.env.OVERSIGHT_TEST_TEMPLATE
  if (template) await drop(template)
} else {
  process.stderr.write('usage: template-database.ts create|drop\n')
  process.exit(2)
}
