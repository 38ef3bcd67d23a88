import assert from 'node:assert/strict'
import { request } from 'node:http'
import { describe, it } from 'node:test'
import { dialectName } from '../helpers/database.ts'
import { organisationWithToken, processHarness } from '../helpers/processes.ts'

// Issue 13: the real server in a child process, killed with SIGKILL while a document's bytes are arriving.
// No half document may show: the upload's chunks are in the store, but no document points at them, and the
// store's clean-up removes them once they are an hour old.
const harness = processHarness()

describe(`a document upload killed mid-way (${dialectName()})`, () => {
  it('leaves no visible document, and its chunks are cleared away later', async () => {
    const url = await harness.freshDatabase('oversight_doc_crash')
    let server = await harness.startServer(url)
    const db = harness.open(url)
    try {
      const { organisationId, token } = await organisationWithToken(db, {
        slug: 'crash',
        role: 'administrator',
      })
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
      const post = async (base: string, path: string, body: unknown) =>
        (await (
          await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })
        ).json()) as {
          id: number
        }
      const programme = await post(server.baseUrl, '/api/v1/programmes', { reference: 'C-P', name: 'Crash' })
      const project = await post(server.baseUrl, '/api/v1/projects', {
        reference: 'C-1',
        name: 'Crash project',
        programmeId: programme.id,
      })

      // Three megabytes of a PDF are sent; the request never ends, and the server is killed once two
      // chunks are in the store.
      const port = Number(new URL(server.baseUrl).port)
      const upload = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/v1/documents?parentType=project&parentId=${project.id}&title=Half&fileName=half.pdf`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      })
      upload.on('error', () => undefined)
      upload.write(Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3 * 1024 * 1024 - 9, 0x20)]))
      const chunks = async () =>
        Number(
          (
            await db.db
              .selectFrom('stored_file_chunks')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('organisation_id', '=', organisationId)
              .executeTakeFirstOrThrow()
          ).n,
        )
      const end = Date.now() + 60_000
      while ((await chunks()) < 2) {
        if (Date.now() > end) throw new Error('the upload never reached the store')
        await new Promise((r) => setTimeout(r, 20))
      }
      await server.stop('SIGKILL')
      upload.destroy()

      const documents = await db.db.selectFrom('documents').selectAll().execute()
      assert.deepEqual(documents, [], 'no document row for the killed upload')
      const half = await db.db.selectFrom('stored_files').select(['id', 'complete']).execute()
      assert.deepEqual(
        half.map((f) => f.complete),
        [0],
        'only an incomplete stored file',
      )

      server = await harness.startServer(url)
      const list = await fetch(
        `${server.baseUrl}/api/v1/documents?parentType=project&parentId=${project.id}`,
        {
          headers,
        },
      )
      assert.equal(list.status, 200)
      assert.deepEqual(((await list.json()) as { items: unknown[] }).items, [])
      // An hour on, the next upload clears the abandoned chunks away, and is attached whole.
      await db.db
        .updateTable('stored_files')
        .set({ created_at: new Date(Date.now() - 2 * 60 * 60 * 1000).toISOString() })
        .execute()
      const pdf = Buffer.from('%PDF-1.4\n%%EOF\n')
      const whole = await fetch(
        `${server.baseUrl}/api/v1/documents?parentType=project&parentId=${project.id}&title=Whole&fileName=whole.pdf`,
        { method: 'POST', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: pdf },
      )
      assert.equal(whole.status, 201, await whole.clone().text())
      assert.equal(await chunks(), 1)
      assert.deepEqual(
        (await db.db.selectFrom('stored_files').select(['size', 'complete']).execute()).map((f) => [
          f.size,
          f.complete,
        ]),
        [[pdf.length, 1]],
      )
    } finally {
      await server.stop()
    }
  })
})
