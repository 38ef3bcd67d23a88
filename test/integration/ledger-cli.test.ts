import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { generateLedger } from '../../bench/generate-ledger.ts'
import { parseDatabaseUrl } from '../../src/config.ts'
import { openDatabase, type Database } from '../../src/db/database.ts'
import { projectRoot } from '../../src/paths.ts'
import { createPostgresDatabase, dialectName, dropDatabase } from '../helpers/database.ts'
import { programArgs } from '../helpers/processes.ts'

const ROOT = projectRoot()
const dir = mkdtempSync(path.join(tmpdir(), 'oversight-ledger-cli-'))
let pgName: string | null = null

async function freshDatabaseUrl(): Promise<string> {
  const admin = process.env.TEST_DATABASE_URL
  if (admin && /^postgres(ql)?:\/\//.test(admin)) {
    const created = await createPostgresDatabase(admin, 'oversight_ledger')
    pgName = created.name
    return created.url
  }
  return `file:${path.join(dir, 'oversight.sqlite')}`
}

function start(url: string, args: string[]) {
  return spawn(process.execPath, [...programArgs('cli'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: url },
  })
}

function run(url: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = start(url, args)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

function open(url: string): Database {
  const config = parseDatabaseUrl(url, ROOT)
  if (typeof config === 'string') throw new Error(config)
  return openDatabase(config, { poolSize: 2 })
}

after(async () => {
  rmSync(dir, { recursive: true, force: true })
  const admin = process.env.TEST_DATABASE_URL
  if (admin && pgName) await dropDatabase(admin, pgName)
})

describe(`import ledger on the command line (${dialectName()})`, () => {
  let url = ''
  const big = path.join(dir, 'big.csv')

  before(async () => {
    url = await freshDatabaseUrl()
    assert.equal((await run(url, ['migrate'])).code, 0)
    assert.equal((await run(url, ['org', 'create', '--slug', 'marsh', '--name', 'Marshland'])).code, 0)
    await generateLedger(big, 120_000)
  })

  it('rejects the GMPP file with a reason and exit code 1, adding nothing', async () => {
    const r = await run(url, [
      'import',
      'ledger',
      '/work/shared/data/gmpp-2022.csv',
      '--org',
      'marsh',
      '--commit',
    ])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /does not look like a ledger/)
    const db = open(url)
    try {
      const n = await db.db
        .selectFrom('ledger_transactions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      assert.equal(Number(n.n), 0)
    } finally {
      await db.close()
    }
  })

  it('keeps the file it checks in the store byte for byte, in 1 MiB chunks', async () => {
    // Read from disk into one buffer over and over: each chunk must hold its own bytes, not the last read's.
    const file = path.join(dir, 'several-chunks.csv')
    await generateLedger(file, 12_000)
    const bytes = readFileSync(file)
    assert.ok(bytes.length > 2 * 1024 * 1024)
    const r = await run(url, ['import', 'ledger', file, '--org', 'marsh'])
    assert.equal(r.code, 0, r.stderr)
    const importId = Number(/Import (\d+):/.exec(r.stderr)?.[1])
    const db = open(url)
    try {
      const imp = await db.db
        .selectFrom('ledger_imports')
        .select(['stored_file_id', 'sha256', 'file_size'])
        .where('id', '=', importId)
        .executeTakeFirstOrThrow()
      const chunks = await db.db
        .selectFrom('stored_file_chunks')
        .select(['seq', 'bytes'])
        .where('file_id', '=', imp.stored_file_id)
        .orderBy('seq')
        .execute()
      assert.deepEqual(
        chunks.map((c) => c.seq),
        [...Array(Math.ceil(bytes.length / (1024 * 1024))).keys()],
      )
      for (const c of chunks.slice(0, -1)) assert.equal(c.bytes.length, 1024 * 1024)
      assert.ok(Buffer.concat(chunks.map((c) => Buffer.from(c.bytes))).equals(bytes))
      assert.equal(imp.file_size, bytes.length)
      assert.equal(imp.sha256, createHash('sha256').update(bytes).digest('hex'))
    } finally {
      await db.close()
    }
  })

  it('a process killed with SIGKILL while committing leaves no partial import', async () => {
    const child = start(url, ['import', 'ledger', big, '--org', 'marsh', '--commit'])
    let stderr = ''
    let importId = 0
    const killed = await new Promise<boolean>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString()
        const m = /Import (\d+):/.exec(stderr)
        if (m) importId = Number(m[1])
        // Mid-commit: the commit pass has begun reading and writing rows inside its transaction.
        if (/Adding to the ledger: [1-9]\d*%/.test(stderr) && child.exitCode === null) {
          child.kill('SIGKILL')
          resolve(true)
        }
      })
      child.on('close', () => resolve(false))
    })
    assert.ok(killed, `the command finished before it could be killed:\n${stderr}`)
    await new Promise((r) => child.once('close', r))
    assert.equal(child.signalCode, 'SIGKILL')
    assert.ok(importId > 0)

    const db = open(url)
    try {
      const rows = await db.db
        .selectFrom('ledger_transactions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('import_id', '=', importId)
        .executeTakeFirstOrThrow()
      assert.equal(Number(rows.n), 0, 'no row of the killed import is in the ledger')
      const imp = await db.db
        .selectFrom('ledger_imports')
        .selectAll()
        .where('id', '=', importId)
        .executeTakeFirstOrThrow()
      assert.equal(imp.status, 'committing', 'it was killed while committing, and was not marked committed')
      assert.equal(imp.rows_added, 0)
    } finally {
      await db.close()
    }

    // Run again: the whole file goes in, once.
    const again = await run(url, ['import', 'ledger', big, '--org', 'marsh', '--commit'])
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, /Added 120000 rows/)
    const twice = await run(url, ['import', 'ledger', big, '--org', 'marsh', '--commit'])
    assert.match(twice.stdout, /already in the ledger 120000/)
    assert.match(twice.stdout, /Added 0 rows/)
  })
})
