#!/usr/bin/env node
// `npm run deploy:local`: nginx → two (or INSTANCES) Oversight instances → pgbouncer (transaction pooling) →
// PostgreSQL, all as child processes of this one, until Ctrl-C (docs/deployment.md).
//   ADMIN_DATABASE_URL  a PostgreSQL role that may create databases (default the CI server's oversight_ci)
//   DATABASE_NAME       the database to use, created if missing (default oversight_local; kept on exit)
//   APP_DATABASE_URL    its user and password name the role the instances serve as, which owns no tables and
//                       row security holds to each request's organisation (default the CI server's
//                       oversight_app_ci; empty: serve as the admin role, the owner)
//   INSTANCES           how many app instances (default 2); PORT: nginx's port (default 8080)
// Any other setting (DEMO, DEMO_PASSWORD, SMTP_URL…) is passed to every instance.
import { serverNodeFlags } from '../../scripts/node-flags.mjs'
import { startStack } from './stack.mjs'

const adminUrl =
  process.env.ADMIN_DATABASE_URL || 'postgres://oversight_ci:oversight_ci@127.0.0.1:5432/postgres'
const appUrl =
  process.env.APP_DATABASE_URL ?? 'postgres://oversight_app_ci:oversight_app_ci@127.0.0.1:5432/postgres'
const instances = Number(process.env.INSTANCES || 2)
if (!Number.isInteger(instances) || instances < 1) {
  process.stderr.write(`INSTANCES must be a whole number, 1 or more (got "${process.env.INSTANCES}")\n`)
  process.exit(2)
}
const passed = {}
for (const key of [
  'DEMO',
  'DEMO_PASSWORD',
  'SMTP_URL',
  'MAIL_FROM',
  'UPLOAD_LIMIT_MB',
  'LOG_LEVEL',
  'METRICS_TOKEN',
  'OVERSIGHT_SECRET_KEY',
])
  if (process.env[key]) passed[key] = process.env[key]

const stack = await startStack({
  adminUrl,
  appUrl: appUrl || undefined,
  instances,
  database: process.env.DATABASE_NAME || 'oversight_local',
  nginxPort: Number(process.env.PORT || 8080),
  // As `npm start` runs it (V8's memory settings), from source.
  serverArgs: [
    ...serverNodeFlags({ ...process.env, DATABASE_URL: adminUrl }),
    '--import',
    'tsx',
    'src/server.ts',
  ],
  env: { DEMO: 'true', LOG_LEVEL: 'info', ...passed },
  echo: true,
  detached: true,
})
process.stdout.write(
  [
    '',
    `Oversight is running at ${stack.baseUrl} (nginx, round robin over ${stack.instances.length} instances)`,
    ...stack.instances.map((a) => `  instance ${a.index + 1}: ${a.url}`),
    `  pgbouncer (transaction pooling): ${stack.databaseUrl.replace(/:[^:@/]+@/, ':***@')}`,
    `  serving as: ${stack.appDatabaseUrl ? new URL(stack.appDatabaseUrl).username : new URL(stack.databaseUrl).username}`,
    `  configuration: ${stack.workdir}`,
    'Ctrl-C stops everything (the database is kept).',
    '',
  ].join('\n'),
)
let stopping = false
const stop = () => {
  if (stopping) return
  stopping = true
  stack.stop({ dropDatabase: false }).then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
      process.exit(1)
    },
  )
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
