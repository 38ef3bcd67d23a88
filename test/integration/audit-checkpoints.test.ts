import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { recordAudit } from '../../src/modules/audit/audit.service.ts'
import { projectRoot } from '../../src/paths.ts'
import { operationsJobs } from '../../src/scheduler/operations-jobs.ts'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import type { Database } from '../../src/db/database.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'
import { programArgs } from '../helpers/processes.ts'

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function cli(url: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...programArgs('cli'), ...args], {
      cwd: projectRoot(),
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: url },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe(`audit checkpoints (${dialectName()})`, () => {
  let app: FastifyInstance
  let database: Database
  let drop: () => Promise<void>
  const orgs = { a: { id: 0, slug: 'fenland' }, b: { id: 0, slug: 'wolds' } }
  let url: string
  let dir: string
  let file: string

  async function audit(n: number, organisationId = orgs.a.id): Promise<void> {
    for (let i = 0; i < n; i++)
      await database.db.transaction().execute((trx) =>
        recordAudit(trx, {
          organisationId,
          actor: { userId: null, label: 'Test' },
          action: 'update',
          entityType: 'thing',
          entityId: i,
          after: { n: i, at: Date.now() },
        }),
      )
  }

  /** What an attacker with write access to the database does: drop the latest events, re-point the head. */
  async function rollBack(organisationId: number, toSeq: number): Promise<void> {
    const db = database.db
    await db
      .deleteFrom('audit_events')
      .where('organisation_id', '=', organisationId)
      .where('seq', '>', toSeq)
      .execute()
    const kept = await db
      .selectFrom('audit_events')
      .select('hash')
      .where('organisation_id', '=', organisationId)
      .where('seq', '=', toSeq)
      .executeTakeFirstOrThrow()
    await db
      .updateTable('audit_heads')
      .set({ seq: toSeq, hash: kept.hash })
      .where('organisation_id', '=', organisationId)
      .execute()
  }

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'oversight-checkpoints-'))
    file = path.join(dir, 'offsite', 'checkpoints.jsonl')
    const created = await createTestDatabase()
    database = created.database
    drop = created.drop
    const c = created.config
    url = c.dialect === 'sqlite' ? `file:${c.file}` : c.url
    const env = { NODE_ENV: 'test', DEMO: 'false', LOG_LEVEL: 'silent' }
    const config = loadConfig({ ...env, AUDIT_CHECKPOINT_FILE: file, AUDIT_CHECKPOINT_MINUTES: '10' })
    app = await buildApp({ config, database })
    const at = new Date().toISOString()
    for (const org of [orgs.a, orgs.b]) {
      const row = await database.db
        .insertInto('organisations')
        .values({
          slug: org.slug,
          name: org.slug,
          rating_scale: 'ipa5',
          is_demo: 0,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      org.id = row.id
    }
  })
  after(async () => {
    await app.close()
    await drop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('the scheduler appends each head to the file and logs it, with ids and hashes only', async () => {
    await audit(5)
    await audit(2, orgs.b.id)
    const logged: Array<Record<string, unknown>> = []
    const [job] = operationsJobs({
      db: database.db,
      config: { auditCheckpointFile: file, auditCheckpointMinutes: 10 },
      logger: { info: (obj) => logged.push(obj), error: () => undefined },
    })
    assert.equal(job?.name, 'audit-checkpoint')
    assert.equal(job.slotOf(new Date('2026-12-04T10:09:59Z')), '2026-12-04T10:00')
    assert.equal(job.slotOf(new Date('2026-12-04T10:10:00Z')), '2026-12-04T10:10')
    assert.equal(await job.run(new Date('2026-12-04T10:10:00Z')), '2 checkpoints')
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    assert.equal(lines.length, 2)
    const first = JSON.parse(lines[0]!) as Record<string, unknown>
    assert.equal(first.organisationId, orgs.a.id)
    assert.equal(first.seq, 5)
    assert.match(String(first.hash), /^[0-9a-f]{64}$/)
    assert.equal(logged.length, 2)
    assert.deepEqual(Object.keys(logged[0]!.auditCheckpoint as object).sort(), [
      'at',
      'hash',
      'organisationId',
      'seq',
    ])

    // The app's own scheduler runs the job too, once per ten-minute slot.
    const ran = await app.scheduler.runDue(new Date('2026-12-04T10:20:00Z'))
    assert.ok(ran.some((r) => r.job === 'audit-checkpoint' && r.outcome === '2 checkpoints'))
    assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 4, 'appended, never rewritten')
  })

  it('a rollback of the latest events passes the plain check but not the check against checkpoints', async () => {
    await audit(2)
    const cp = await cli(url, ['audit', 'checkpoint', '--to', file])
    assert.equal(cp.code, 0, cp.stderr)
    assert.match(cp.stdout, new RegExp(`${orgs.a.slug}: event 7, [0-9a-f]{64}`))
    assert.match(cp.stdout, /Appended 2 checkpoints/)
    const intact = await cli(url, ['audit', 'verify', '--checkpoints', file])
    assert.equal(intact.code, 0, intact.stdout + intact.stderr)
    assert.match(intact.stdout, /latest checkpoint of 2 organisations/)

    await rollBack(orgs.a.id, 4)
    const plain = await cli(url, ['audit', 'verify'])
    assert.equal(plain.code, 0, 'the chain alone cannot see a rollback: this is why checkpoints exist')
    const checked = await cli(url, ['audit', 'verify', '--checkpoints', file])
    assert.equal(checked.code, 1, checked.stdout)
    assert.match(
      checked.stdout,
      new RegExp(
        `${orgs.a.slug}, event 7: events up to 7 were removed or rolled back: .* the trail now ends at event 4`,
      ),
    )
    assert.doesNotMatch(
      checked.stdout,
      new RegExp(`${orgs.b.slug}, event`),
      'the other organisation is intact',
    )

    // Writing new events over the gap does not hide it: event 7 exists again, with another hash.
    await audit(3)
    const rewritten = await cli(url, ['audit', 'verify', '--checkpoints', file])
    assert.equal(rewritten.code, 1)
    assert.match(rewritten.stdout, /event 7: does not match the checkpoint of .*rolled back and rewritten/)
  })

  it('a file that is not a checkpoint file is a clear error, not a pass', async () => {
    const bad = path.join(dir, 'bad.jsonl')
    writeFileSync(bad, '{"organisationId":1}\n')
    const run = await cli(url, ['audit', 'verify', '--checkpoints', bad])
    assert.equal(run.code, 1)
    assert.match(run.stderr, /Line 1 of .*bad\.jsonl is not an audit checkpoint/)
    const missing = await cli(url, ['audit', 'verify', '--checkpoints', path.join(dir, 'none.jsonl')])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /could not be read/)
  })

  it('still passes after a backup is restored into another file (SQLite)', async (t2) => {
    if (database.dialect !== 'sqlite') {
      t2.skip('PostgreSQL is backed up with pg_dump, which copies audit_events and audit_heads as they are')
      return
    }
    const fresh = path.join(dir, 'fresh.jsonl')
    assert.equal((await cli(url, ['audit', 'checkpoint', '--to', fresh])).code, 0)
    const copy = path.join(dir, 'restored', 'oversight.sqlite')
    const backup = await cli(url, ['backup', '--to', copy])
    assert.equal(backup.code, 0, backup.stderr)
    const restored = await cli(`file:${copy}`, ['audit', 'verify', '--checkpoints', fresh])
    assert.equal(restored.code, 0, restored.stdout + restored.stderr)
    assert.match(restored.stdout, /The audit trail is intact/)
  })
})
