import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { generateLedger } from '../../bench/generate-ledger.ts'
import { parseDatabaseUrl } from '../../src/config.ts'
import { openDatabase, type Database } from '../../src/db/database.ts'
import { createTokensService } from '../../src/modules/tokens/tokens.service.ts'
import { projectRoot } from '../../src/paths.ts'
import { dialectName } from '../helpers/database.ts'
import { freshDatabaseUrl, startServerProcess, type ServerProcess } from '../helpers/processes.ts'

// The real server in a child process, killed with SIGKILL in the middle of adding an import to the
// ledger, then started again on the same database.
const ROOT = projectRoot()
const dir = mkdtempSync(path.join(tmpdir(), 'oversight-import-crash-'))
const cleanUp: Array<() => Promise<unknown>> = []

after(async () => {
  for (const step of cleanUp.reverse()) await step()
  rmSync(dir, { recursive: true, force: true })
})

async function startServer(url: string): Promise<ServerProcess> {
  const server = await startServerProcess(url, { IMPORT_LEASE_SECONDS: '2', LOG_LEVEL: 'silent' })
  cleanUp.push(() => server.stop('SIGKILL'))
  return server
}

function open(url: string): Database {
  const config = parseDatabaseUrl(url, ROOT)
  if (typeof config === 'string') throw new Error(config)
  return openDatabase(config, { poolSize: 2 })
}

describe(`an import killed mid-commit (${dialectName()})`, () => {
  it('leaves nothing of the import, a sound database, and an import that can be added again', async () => {
    const fresh = await freshDatabaseUrl('oversight_crash')
    cleanUp.push(fresh.remove)
    const url = fresh.url
    let server = await startServer(url)
    let base = server.baseUrl
    const db = open(url)
    try {
      const at = new Date().toISOString()
      const org = await db.db
        .insertInto('organisations')
        .values({
          slug: 'crash',
          name: 'Crash',
          rating_scale: 'ipa5',
          is_demo: 0,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const user = await db.db
        .insertInto('users')
        .values({
          email: 'f@crash.test',
          name: 'F',
          password_hash: 'x',
          is_active: 1,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await db.db
        .insertInto('memberships')
        .values({ organisation_id: org.id, user_id: user.id, role: 'finance_officer', created_at: at })
        .execute()
      const { token } = await createTokensService(db.db).create(org.id, user.id, 'crash')
      const headers = { authorization: `Bearer ${token}`, accept: 'application/json' }

      const file = path.join(dir, 'big.csv')
      await generateLedger(file, 100_000)
      const up = await fetch(`${base}/api/v1/ledger/imports?fileName=big.csv`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/csv' },
        body: readFileSync(file),
      })
      assert.equal(up.status, 201, await up.clone().text())
      const imp = (await up.json()) as { id: number; status: string; rowsGood: number }
      assert.equal(imp.status, 'validated')

      // The commit, not awaited: the server is killed while it runs.
      const commit = fetch(`${base}/api/v1/ledger/imports/${imp.id}/commit`, {
        method: 'POST',
        headers,
      }).catch(() => null)
      const end = Date.now() + 60_000
      for (;;) {
        const row = await db.db
          .selectFrom('ledger_imports')
          .select('status')
          .where('id', '=', imp.id)
          .executeTakeFirstOrThrow()
        if (row.status === 'committing') break
        assert.notEqual(row.status, 'committed', 'the commit finished before it could be interrupted')
        if (Date.now() > end) throw new Error('the commit never started')
        await new Promise((r) => setTimeout(r, 20))
      }
      await new Promise((r) => setTimeout(r, 300))
      await server.stop('SIGKILL')
      await commit

      if (db.sqlite) {
        const check = db.sqlite.pragma('integrity_check', { simple: true })
        assert.equal(check, 'ok')
      }
      const count = async () =>
        Number(
          (
            await db.db
              .selectFrom('ledger_transactions')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('import_id', '=', imp.id)
              .executeTakeFirstOrThrow()
          ).n,
        )
      assert.equal(await count(), 0, 'nothing of the killed commit is in the ledger')

      server = await startServer(url)
      base = server.baseUrl
      // Once its lease has lapsed, the import says what happened and is ready to add again.
      await new Promise((r) => setTimeout(r, 2500))
      const after = (await (await fetch(`${base}/api/v1/ledger/imports/${imp.id}`, { headers })).json()) as {
        status: string
        failureReason: string
      }
      assert.equal(after.status, 'validated')
      assert.match(after.failureReason, /stopped before it finished/)
      // A long commit can outlast an idle HTTP connection; it carries on in the server, so poll.
      await fetch(`${base}/api/v1/ledger/imports/${imp.id}/commit`, { method: 'POST', headers }).catch(
        () => null,
      )
      const until = Date.now() + 120_000
      let done = { status: '', rowsAdded: 0 }
      while (done.status !== 'committed' && Date.now() < until) {
        done = (await (await fetch(`${base}/api/v1/ledger/imports/${imp.id}`, { headers })).json()) as {
          status: string
          rowsAdded: number
        }
        if (done.status !== 'committed') await new Promise((r) => setTimeout(r, 250))
      }
      assert.equal(done.status, 'committed')
      assert.equal(done.rowsAdded, imp.rowsGood)
      assert.equal(await count(), imp.rowsGood)
    } finally {
      await server.stop()
      await db.close()
    }
  })
})
