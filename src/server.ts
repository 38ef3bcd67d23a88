import { buildApp } from './app.ts'
import { ConfigError, loadConfig } from './config.ts'
import { openDatabase } from './db/database.ts'
import { migrateToLatest } from './db/migrate.ts'
import { grantAppRole, restrictedRoleProblem } from './db/row-security.ts'
import { demoSignInLines, loadDemoIfEmpty } from './demo/demo.service.ts'
import { drainConnections } from './drain.ts'
import { startMetricsServer } from './metrics/metrics-server.ts'

async function main(): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(78)
    }
    throw err
  }
  const owner = openDatabase(config.database)
  try {
    await migrateToLatest(owner)
    if (config.appDatabase) await grantAppRole(owner.db, config.appDatabase.role)
  } catch (err) {
    process.stderr.write(
      `Could not migrate the database: ${err instanceof Error ? err.message : String(err)}\n`,
    )
    await owner.close()
    process.exit(1)
  }

  // The demo is loaded as the owner: it writes every organisation's records at once.
  const demo = config.demo ? await loadDemoIfEmpty(owner.db, config.demoPassword) : null
  // With DATABASE_APP_URL the server works as the restricted role, held by row-level security (docs/deployment.md).
  let database = owner
  // Named statements only once migrated: a statement prepared before a migration changes its table fails after.
  if (config.preparedStatements && !config.appDatabase) {
    await owner.close()
    database = openDatabase(config.database, { preparedStatements: true })
  }
  if (config.appDatabase) {
    await owner.close()
    database = openDatabase(
      { dialect: 'postgres', url: config.appDatabase.url },
      { rowSecurity: true, preparedStatements: config.preparedStatements },
    )
    const problem = await restrictedRoleProblem(database.db)
    if (problem) {
      process.stderr.write(`DATABASE_APP_URL: ${problem}\n`)
      await database.close()
      process.exit(78)
    }
  }
  const app = await buildApp({ config, database })
  // Issue 13: second-factor secrets stored while there was no key are sealed once there is one; any that do
  // not open with this key are reported now rather than found one sign-in at a time.
  const secrets = await app.services.secondFactor.sealStoredSecrets()
  if (secrets.sealed > 0) app.log.info({ sealed: secrets.sealed }, 'second-factor secrets sealed')
  if (secrets.unreadable > 0)
    process.stderr.write(
      `${secrets.unreadable} stored second-factor secret(s) do not open with ${config.secretKey ? 'this OVERSIGHT_SECRET_KEY: was the key changed? Those people can sign in with a recovery code, or an administrator can turn their second factor off' : 'no OVERSIGHT_SECRET_KEY: set the key they were sealed with'}\n`,
    )

  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | null = null
  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down: finishing requests in flight')
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    Promise.resolve(metricsServer?.close())
      .then(() => drainConnections(app.server))
      .then(() => app.close())
      .then(() => database.close())
      .then(() => process.exit(0))
      .catch(() => process.exit(1))
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))

  // Route schemas compile on each route's first request only (plugins/lazy-schemas.ts): compiling all ~300
  // in the background once listening held ~10 MB more for routes a process may never serve (bench/run.ts).
  await app.listen({ port: config.port, host: config.host })
  if (config.metricsPort !== null)
    metricsServer = await startMetricsServer(app, { port: config.metricsPort, host: config.metricsHost })
  const where = config.database.dialect === 'sqlite' ? config.database.file : 'PostgreSQL'
  const lines = [`Oversight is running at ${config.baseUrl} (database: ${where})`]
  if (metricsServer)
    lines.push(`Metrics for Prometheus: http://${config.metricsHost}:${metricsServer.port}/metrics`)
  if (demo?.loaded) {
    lines.push(...demoSignInLines(demo, config.baseUrl))
  } else if (config.demo) {
    lines.push(
      `Sign in at ${config.baseUrl}/sign-in (the database already had data, so the demo was not loaded again).`,
    )
  } else {
    lines.push(`Sign in at ${config.baseUrl}/sign-in. Create users with: npm run cli -- user create`)
  }
  process.stdout.write(`\n${lines.join('\n')}\n\n`)
}

main().catch((err: unknown) => {
  process.stderr.write(
    `Oversight failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  )
  process.exit(1)
})
