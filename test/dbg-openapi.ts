import { buildTestApp } from './helpers/build-app.ts'
const t = await buildTestApp()
const r = await t.app.inject({ method: 'GET', url: '/api/openapi.json' })
const doc = r.json<any>()
let n = 0
for (const [path, ops] of Object.entries<any>(doc.paths)) for (const [m, op] of Object.entries<any>(ops)) {
  if (!['post','put','patch'].includes(m)) continue
  n++
  const s = op.requestBody?.content?.['application/json']?.schema
  const props = s?.properties ? Object.keys(s.properties) : []
  console.log(m.toUpperCase(), path, props.filter(p=>/Id$|Ids$|links/.test(p)).join(','), s ? '' : JSON.stringify(Object.keys(op.requestBody?.content ?? {})))
}
console.log(n)
await t.close()
