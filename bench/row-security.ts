/**
 * What row-level security costs a request on PostgreSQL (issue 14): the same requests against the same
 * database, served as the owner (no settings sent) and as the restricted app role (each transaction opened
 * with `begin; set_config(…)`, each lone statement wrapped in one). In-process (app.inject), one request at
 * a time, the two servers alternating so drift on a shared machine falls on both:
 *   TEST_DATABASE_URL=postgres://… node --import tsx bench/row-security.ts [rounds]
 * Needs the role test/integration/row-security.test.ts names (oversight_app_ci).
 */
import { buildApp } from '../src/app.ts'
import { openDatabase } from '../src/db/database.ts'
import { grantAppRole } from '../src/db/row-security.ts'
import { Agent, buildTestApp, TEST_PASSWORD } from '../test/helpers/build-app.ts'

const rounds = Number(process.argv[2] ?? 200)
const t = await buildTestApp()
const token = await t.tokenFor(t.orgs.a.users.administrator)
const programme = await t.api(token, 'POST', '/api/v1/programmes', { reference: 'P', name: 'ICT' })
const programmeId = programme.json<{ id: number }>().id
for (let i = 0; i < 150; i++)
  await t.api(token, 'POST', '/api/v1/projects', { reference: `P-${i}`, name: `Project ${i}`, programmeId })
const ownerUrl = new URL((t.databaseConfig as { url: string }).url)
const appUrl = new URL(ownerUrl)
appUrl.username = 'oversight_app_ci'
appUrl.password = 'oversight_app_ci'
await grantAppRole(t.database.db, 'oversight_app_ci')
const ownerDb = openDatabase({ dialect: 'postgres', url: ownerUrl.toString() }, { poolSize: 5 })
const appDb = openDatabase(
  { dialect: 'postgres', url: appUrl.toString() },
  { poolSize: 5, rowSecurity: true },
)
const servers = {
  owner: await buildApp({ config: t.config, database: ownerDb }),
  'app role': await buildApp({ config: t.config, database: appDb }),
}
const targets = ['/', '/projects', '/api/v1/projects?limit=100']
const times: Record<string, number[]> = {}
const agents = new Map<string, Agent>()
for (const [name, app] of Object.entries(servers)) {
  const agent = new Agent(app)
  await agent.get('/sign-in')
  await agent.post('/sign-in', { email: t.orgs.a.users.administrator.email, password: TEST_PASSWORD })
  agents.set(name, agent)
}
for (let r = 0; r < rounds; r++) {
  for (const target of targets) {
    for (const [name, app] of Object.entries(servers)) {
      const started = performance.now()
      const res = target.startsWith('/api')
        ? await app.inject({ url: target, headers: { authorization: `Bearer ${token}` } })
        : await agents.get(name)!.get(target)
      const ms = performance.now() - started
      const status = 'statusCode' in res ? res.statusCode : res.status
      if (status !== 200) throw new Error(`${name} ${target}: ${status}`)
      if (r >= 10) (times[`${target} | ${name}`] ??= []).push(ms)
    }
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
for (const [key, xs] of Object.entries(times)) console.log(`${key}: median ${median(xs).toFixed(2)} ms`)
for (const app of Object.values(servers)) await app.close()
await ownerDb.close()
await appDb.close()
await t.close()
