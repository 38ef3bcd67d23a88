import { performance } from 'node:perf_hooks'
import { loadConfig } from './src/config.ts'
import { openDatabase } from './src/db/database.ts'
import { wholeOrganisation } from './src/auth/visibility.ts'
import { createCapacityService } from './src/modules/resourcing/capacity/capacity.service.ts'
import { recording } from './bench/sql-floor.ts'
const config = loadConfig({ ...process.env, DATABASE_URL: 'file:bench/out/w1-capacity.sqlite', DEMO: 'false', LOG_LEVEL: 'silent' })
const database = openDatabase(config.database)
const org = await database.db.selectFrom('organisations').selectAll().where('slug', '=', 'bench').executeTakeFirstOrThrow()
const rec = recording(database)
await createCapacityService(rec.database.db).report(wholeOrganisation(org.id), { from: process.argv[2]!, to: process.argv[3]! })
for (const q of rec.queries) {
  const st = database.sqlite!.prepare(q.sql)
  const ts: number[] = []
  for (let i = 0; i < 7; i++) { const t = performance.now(); st.reader ? st.all(...(q.parameters as unknown[])) : null; ts.push(performance.now() - t) }
  ts.sort((a, b) => a - b)
  console.log(ts[3]!.toFixed(1).padStart(7), 'ms', q.sql.replace(/\s+/g, ' ').slice(0, 220))
}
for (const i of [1, 2, 8, 9]) {
  const q = rec.queries[i]!
  console.log('\n' + q.sql)
  console.log(database.sqlite!.prepare('explain query plan ' + q.sql).all(...(q.parameters as unknown[])).map((r: any) => r.detail).join('\n'))
}
