/**
 * kill -9 in the middle of a burst of writes: whatever the server had acknowledged is there after a
 * restart, nothing is half-written, the SQLite file passes its integrity check and the audit chain
 * still verifies. (Each write is one transaction with its audit event; SQLite in WAL mode makes a
 * committed transaction durable before the answer is sent.)
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { parseDatabaseUrl } from '../../src/config.ts'
import { openDatabase, type Database } from '../../src/db/database.ts'
import { projectRoot } from '../../src/paths.ts'
import { dialectName } from '../helpers/database.ts'
import { freshDatabaseUrl, runCli, startServerProcess } from '../helpers/processes.ts'

function open(url: string): Database {
  const config = parseDatabaseUrl(url, projectRoot())
  if (typeof config === 'string') throw new Error(config)
  return openDatabase(config, { poolSize: 2 })
}

describe(`a server killed during a burst of writes (${dialectName()})`, () => {
  let url: string
  let remove: () => Promise<void>
  let token: string

  before(async () => {
    ;({ url, remove } = await freshDatabaseUrl('oversight_crash'))
    for (const args of [
      ['migrate'],
      ['org', 'create', '--slug', 'crash', '--name', 'Crash Test Council'],
      [
        'user',
        'create',
        '--org',
        'crash',
        '--role',
        'programme_manager',
        '--email',
        'pm@crash.test',
        '--name',
        'P M',
      ],
    ]) {
      const run = await runCli(url, args)
      assert.equal(run.code, 0, run.stderr)
    }
    const created = await runCli(url, ['token', 'create', '--user', 'pm@crash.test', '--org', 'crash'])
    assert.equal(created.code, 0, created.stderr)
    token = created.stdout.trim()
  })
  after(async () => {
    await remove()
  })

  it('keeps every acknowledged write, and only whole ones', async () => {
    const server = await startServerProcess(url)
    const acknowledged: string[] = []
    let sent = 0
    let killed = false
    // Four writers post programmes back to back; the server is killed once 40 have been acknowledged,
    // so requests are in flight (some committed but not yet answered) at the moment it dies.
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; ; i++) {
        const reference = `CR-${w}-${i}`
        sent++
        try {
          const res = await fetch(`${server.baseUrl}/api/v1/programmes`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ reference, name: `Programme ${reference}`, purpose: 'x'.repeat(2000) }),
          })
          if (res.status !== 201) throw new Error(`status ${res.status}: ${await res.text()}`)
          acknowledged.push(reference)
        } catch (error) {
          if (!killed) throw error
          return // the server is gone: this write may or may not have committed, and either is fine
        }
      }
    }
    const writers = Promise.all([0, 1, 2, 3].map(writer))
    let settled = false
    // Awaited below; a failure before the kill must neither go unhandled nor leave the wait spinning.
    writers.then(
      () => (settled = true),
      () => (settled = true),
    )
    while (acknowledged.length < 40 && !settled) await new Promise((resolve) => setTimeout(resolve, 5))
    killed = true
    assert.equal(await server.stop('SIGKILL'), 'SIGKILL')
    await writers
    assert.ok(sent > acknowledged.length, 'requests were still in flight when the server died')

    // The database as it was left, before anything else opens it.
    const database = open(url)
    try {
      if (dialectName() === 'sqlite') {
        const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(database.db)
        assert.deepEqual(
          check.rows.map((r) => r.integrity_check),
          ['ok'],
        )
      }
      const stored = await database.db.selectFrom('programmes').select(['reference', 'name']).execute()
      const references = new Set(stored.map((p) => p.reference))
      for (const reference of acknowledged)
        assert.ok(references.has(reference), `${reference} was acknowledged`)
      // Whole writes only: each stored programme has its audit event, and no event lacks its programme.
      const events = await database.db
        .selectFrom('audit_events')
        .select(({ fn }) => fn.countAll<number | string>().as('n'))
        .where('entity_type', '=', 'programme')
        .executeTakeFirstOrThrow()
      assert.equal(Number(events.n), stored.length)
      for (const p of stored) assert.equal(p.name, `Programme ${p.reference}`)
    } finally {
      await database.close()
    }

    const verify = await runCli(url, ['audit', 'verify'])
    assert.equal(verify.code, 0, verify.stdout + verify.stderr)

    // And it starts again and carries on.
    const again = await startServerProcess(url)
    try {
      const res = await fetch(`${again.baseUrl}/api/v1/programmes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reference: 'CR-AFTER', name: 'After the crash' }),
      })
      assert.equal(res.status, 201)
    } finally {
      await again.stop()
    }
  })
})
