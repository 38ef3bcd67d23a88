import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { sql } from 'kysely'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { bodyFor, hostileValue, type JsonSchema } from '../helpers/schema-arbitraries.ts'

/**
 * Every write endpoint of the API, fed bodies generated from its own OpenAPI schema: mostly valid, with
 * hostile values mixed in (NUL and escapes, huge and negative numbers, wrong types, another council's ids,
 * missing and unknown fields). Whatever arrives, the answer is never a 5xx, and a refused request (4xx)
 * changes nothing: no row added or removed in any table, no audit event.
 */
// A CI run sends at least 10,000 in all: every one of them on SQLite, and a further 2,000 on PostgreSQL, where
// each request's row count over every table costs several times as much (the same code paths, a second dialect).
const TOTAL_BODIES = Number(
  process.env.API_PROPERTY_BODIES ?? (dialectName() === 'postgres' ? 2_000 : 10_000),
)

interface Operation {
  method: 'POST' | 'PUT' | 'PATCH'
  path: string
  params: Array<{ name: string; schema: JsonSchema }>
  body: JsonSchema | null
}

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ in: string; name: string; schema: JsonSchema }>
        requestBody?: { content?: Record<string, { schema?: JsonSchema }> }
      }
    >
  >
  components?: { schemas?: Record<string, JsonSchema> }
}

/** A URL segment from any value, percent-encoded byte by byte (a lone surrogate is sent as UTF-8 would). */
function segment(value: unknown): string {
  const text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)
  return [...Buffer.from(text, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, '0')}`,
    )
    .join('')
}

describe(`every write endpoint, with generated bodies (${dialectName()})`, () => {
  let t: TestApp
  let token: string
  let operations: Operation[]
  let doc: OpenApi
  let tables: string[]
  /** Known ids by the field or parameter names that carry them, ours first. */
  const known = new Map<string, { ours: number[]; theirs: number[] }>()
  const remember = (names: string[], ours: boolean, id: number) => {
    for (const n of names) {
      const k = known.get(n) ?? { ours: [], theirs: [] }
      ;(ours ? k.ours : k.theirs).push(id)
      known.set(n, k)
    }
  }

  before(async () => {
    t = await buildTestApp()
    token = await t.tokenFor(t.orgs.a.users.administrator)
    doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<OpenApi>()
    operations = []
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [m, op] of Object.entries(ops)) {
        const method = m.toUpperCase()
        if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') continue
        operations.push({
          method,
          path,
          params: (op.parameters ?? [])
            .filter((p) => p.in === 'path')
            .map((p) => ({ name: p.name, schema: p.schema })),
          body: op.requestBody?.content?.['application/json']?.schema ?? null,
        })
      }
    // Records in both councils, so generated ids name ours, theirs and none.
    for (const org of [t.orgs.a, t.orgs.b]) {
      const own = await t.tokenFor(org.users.administrator)
      const prog = await t.api(own, 'POST', '/api/v1/programmes', {
        reference: `P-${org.slug}`,
        name: 'Programme',
      })
      const programmeId = prog.json<{ id: number }>().id
      const proj = await t.api(own, 'POST', '/api/v1/projects', {
        reference: `J-${org.slug}`,
        name: 'Project',
        programmeId,
        projectManager: 'Someone',
      })
      const stream = await t.api(own, 'POST', '/api/v1/funding-streams', {
        kind: 'core_revenue',
        baseCostsEligible: true,
        name: 'Stream',
      })
      const board = await t.api(own, 'POST', '/api/v1/boards', { name: 'Board' })
      const ours = org === t.orgs.a
      const named: Array<[string[], { statusCode: number; json<T>(): T }]> = [
        [['programmeId'], prog],
        [['projectId', 'dependsOnProjectId'], proj],
        [['fundingStreamId', 'streamId'], stream],
        [['boardId'], board],
      ]
      for (const [names, r] of named) {
        assert.ok(r.statusCode < 300, `fixture for ${names[0]}: ${r.statusCode} ${JSON.stringify(r.json())}`)
        remember(names, ours, r.json<{ id: number }>().id)
      }
      for (const u of Object.values(org.users))
        remember(
          [
            'userId',
            'decidedByUserId',
            'ownerUserId',
            'addresseeUserId',
            'leadOfficerUserId',
            'responsibleUserId',
            'interimOwnerUserId',
          ],
          ours,
          u.id,
        )
    }
    tables = (await t.database.db.introspection.getTables())
      .map((tb) => tb.name)
      .filter((n) => !n.startsWith('kysely_') && n !== 'sessions' && n !== 'api_tokens')
  })
  after(() => t.close())

  /** Rows in every table: one query, so it can run after each request. */
  async function snapshot(): Promise<string> {
    const counts = sql.join(tables.map((name) => sql`(select count(*) from ${sql.table(name)})`))
    const r = await sql<Record<string, unknown>>`select ${counts}`.execute(t.database.db)
    return Object.values(r.rows[0] ?? {})
      .map(String)
      .join(' ')
  }

  it(`answers every generated request below 500 and stores nothing it refuses (${TOTAL_BODIES} bodies)`, async () => {
    assert.ok(operations.length >= 40, `found ${operations.length} write operations`)
    const numRuns = Math.ceil(TOTAL_BODIES / operations.length)
    const ids = (name: string) => {
      const k = known.get(name)
      return fc.oneof(
        ...(k ? [{ arbitrary: fc.constantFrom(...k.ours), weight: 10 }] : []),
        ...(k ? [{ arbitrary: fc.constantFrom(...k.theirs), weight: 6 }] : []),
        { arbitrary: fc.integer({ min: 1, max: 12 }), weight: k ? 2 : 12 },
        { arbitrary: fc.constantFrom(2 ** 31 - 1, 2 ** 31, 2 ** 53 - 1, 0, -1), weight: 1 },
      )
    }
    const resolve = (ref: string): JsonSchema => {
      const name = ref.replace('#/components/schemas/', '')
      const found = doc.components?.schemas?.[name]
      if (!found) throw new Error(`unknown $ref ${ref}`)
      return found
    }
    let sent = 0
    const statuses = new Map<string, Map<number, number>>()
    let before = await snapshot()
    for (const op of operations) {
      const params = fc.record(
        Object.fromEntries(
          op.params.map((p) => [
            p.name,
            fc.oneof({ arbitrary: ids(p.name), weight: 19 }, { arbitrary: hostileValue, weight: 1 }),
          ]),
        ),
      )
      const body = op.body ? bodyFor(op.body, { resolve, ids }) : fc.constant(undefined)
      await fc.assert(
        fc.asyncProperty(params, body, async (p, b) => {
          const url = op.path.replace(/\{(\w+)\}/g, (_, name: string) =>
            segment((p as Record<string, unknown>)[name]),
          )
          const payload = b === undefined ? undefined : JSON.stringify(b)
          const res = await t.app.inject({
            method: op.method,
            url,
            headers: {
              authorization: `Bearer ${token}`,
              accept: 'application/json',
              ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(payload === undefined ? {} : { payload }),
          })
          sent++
          const key = `${op.method} ${op.path}`
          const seen = statuses.get(key) ?? new Map<number, number>()
          seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1)
          statuses.set(key, seen)
          const where = `${op.method} ${url} ${JSON.stringify(b)?.slice(0, 400)}`
          assert.ok(res.statusCode < 500, `${res.statusCode} ${res.body.slice(0, 300)} from ${where}`)
          const now = await snapshot()
          if (res.statusCode >= 400)
            assert.equal(now, before, `refused ${res.statusCode} but stored: ${where}`)
          before = now
          // Another council's record named in the body is never accepted.
          if (res.statusCode < 300 && b !== null && typeof b === 'object' && !Array.isArray(b))
            for (const [field, value] of Object.entries(b as Record<string, unknown>))
              assert.ok(
                !known.get(field)?.theirs.includes(value as number),
                `accepted another council's ${field}: ${where}`,
              )
        }),
        { numRuns, endOnFailure: true, includeErrorInReport: true },
      )
    }
    if (process.env.API_PROPERTY_REPORT)
      for (const [k, v] of statuses) console.log(k, JSON.stringify(Object.fromEntries(v)))
    assert.ok(sent >= TOTAL_BODIES, `sent ${sent}`)
  })
})
