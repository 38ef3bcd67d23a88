import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { generateLedger } from '../../bench/generate-ledger.ts'
import { dialectName } from '../helpers/database.ts'
import { organisationWithToken, processHarness } from '../helpers/processes.ts'

// The real server in a child process, killed with SIGKILL in the middle of adding an import to the
// ledger, then started again on the same database.
const dir = mkdtempSync(path.join(tmpdir(), 'oversight-import-crash-'))
const harness = processHarness()
harness.cleanUp(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })))
const startServer = (url: string) => harness.startServer(url, { IMPORT_LEASE_SECONDS: '2' })

describe(`an import killed mid-commit (${dialectName()})`, () => {
  it('leaves nothing of the import, a sound database, and an import that can be added again', async () => {
    const url = await harness.freshDatabase('oversight_crash')
    let server = await startServer(url)
    let base = server.baseUrl
    const db = harness.open(url)
    try {
      const { token } = await organisationWithToken(db, { slug: 'crash', role: 'finance_officer' })
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
      // At once: the commit is one transaction already running, and bulk writes can finish it in a few hundred ms.
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
    }
  })
})
