import { migrateToLatest, MigrationError } from '../db/migrate.ts'
import { grantAppRole } from '../db/row-security.ts'
import { CliError, type Command } from './cli-support.ts'

export const migrate: Command = {
  name: 'migrate',
  summary: 'Bring the database schema up to date (the server also does this when it starts).',
  usage: 'migrate',
  description:
    'Creates the SQLite file if there is none. Migrations run in order and each is recorded, so running\n' +
    'this again does nothing. A failed migration is rolled back where the database allows and exits 1.\n' +
    'With DATABASE_APP_URL set (PostgreSQL), it then grants that role its rows (docs/deployment.md).',
  options: {},
  async run(ctx) {
    const database = await ctx.database({ create: true, migrate: false })
    let result
    try {
      result = await migrateToLatest(database)
    } catch (err) {
      if (err instanceof MigrationError) throw new CliError(err.message)
      throw err
    }
    if (ctx.config.appDatabase) {
      await grantAppRole(database.db, ctx.config.appDatabase.role)
      ctx.out(`Granted the app role ${ctx.config.appDatabase.role} its rows, held by row-level security.`)
    }
    const applied = (result.results ?? []).filter((r) => r.status === 'Success')
    for (const r of applied) ctx.out(`Applied migration ${r.migrationName}`)
    const where = ctx.config.database.dialect === 'sqlite' ? ctx.config.database.file : 'PostgreSQL'
    ctx.out(
      applied.length === 0
        ? `The database (${where}) is already up to date.`
        : `The database (${where}) is up to date.`,
    )
  },
}
