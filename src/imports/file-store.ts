/**
 * Uploaded files kept in the database, in chunks of at most 1 MiB: every instance of the app can read a
 * file another instance received, a backup of the database holds it, and no instance keeps state of its
 * own on disk. Ledger imports use it now; documents and attachments are meant to use it too.
 *
 * A file is written chunk by chunk, each chunk its own short write, and marked complete at the end: one
 * transaction held open for a whole upload would, on SQLite, stop every other write for as long as the
 * upload takes. A file that never completed is never read: it is removed on the error path, or, when
 * its instance died mid-upload, by `removeAbandoned` an hour later.
 */
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../db/schema.ts'

const CHUNK_BYTES = 1024 * 1024

export interface StoredFileInfo {
  id: number
  size: number
  sha256: string
}

/** Thrown by `store` when a file goes past the limit it was given; nothing of it is kept. */
export class StoredFileTooLargeError extends Error {
  constructor(public readonly limitBytes: number) {
    super(`The file is larger than ${limitBytes} bytes`)
  }
}

/**
 * A small file already in memory, written in the caller's transaction (the demo's, which on SQLite holds the
 * only connection, so `store` through another would wait for ever): the same rows, complete at once.
 */
export async function storeInTransaction(
  trx: Transaction<DB>,
  organisationId: number,
  fileName: string,
  bytes: Buffer,
  createdAt: string,
): Promise<StoredFileInfo> {
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const file = await trx
    .insertInto('stored_files')
    .values({
      organisation_id: organisationId,
      file_name: fileName.slice(0, 255),
      size: bytes.length,
      sha256,
      complete: 1,
      created_at: createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (let seq = 0; seq * CHUNK_BYTES < bytes.length; seq++)
    await trx
      .insertInto('stored_file_chunks')
      .values({
        organisation_id: organisationId,
        file_id: file.id,
        seq,
        bytes: bytes.subarray(seq * CHUNK_BYTES, (seq + 1) * CHUNK_BYTES),
      })
      .execute()
  return { id: file.id, size: bytes.length, sha256 }
}

export function createFileStore(db: Kysely<DB>) {
  const store = {
    /**
     * Streams a file into the store, hashing it as it goes; past `limitBytes`, stops and keeps nothing.
     * Each part is hashed and copied into the one chunk being filled before the next is asked for, so a
     * source may hand the same buffer over again (storeFile does); no chunk is allocated per write, and the
     * driver copies the bytes it is given.
     */
    async store(
      organisationId: number,
      fileName: string,
      source: AsyncIterable<Buffer | string>,
      limitBytes: number,
    ): Promise<StoredFileInfo> {
      const file = await db
        .insertInto('stored_files')
        .values({
          organisation_id: organisationId,
          file_name: fileName.slice(0, 255),
          size: 0,
          sha256: '',
          complete: 0,
          created_at: new Date().toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const hash = createHash('sha256')
      let size = 0
      let seq = 0
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES)
      let filled = 0
      const writeChunk = async (bytes: Buffer) => {
        await db
          .insertInto('stored_file_chunks')
          .values({ organisation_id: organisationId, file_id: file.id, seq: seq++, bytes })
          .execute()
      }
      try {
        for await (const part of source) {
          const buf = typeof part === 'string' ? Buffer.from(part) : part
          size += buf.length
          if (size > limitBytes) throw new StoredFileTooLargeError(limitBytes)
          hash.update(buf)
          for (let at = 0; at < buf.length;) {
            const n = buf.copy(chunk, filled, at)
            at += n
            filled += n
            if (filled === CHUNK_BYTES) {
              await writeChunk(chunk)
              filled = 0
            }
          }
        }
        if (filled > 0) await writeChunk(chunk.subarray(0, filled))
        const sha256 = hash.digest('hex')
        await db
          .updateTable('stored_files')
          .set({ size, sha256, complete: 1 })
          .where('id', '=', file.id)
          .execute()
        return { id: file.id, size, sha256 }
      } catch (err) {
        await store.discard(organisationId, file.id).catch(() => undefined)
        throw err
      }
    },

    /** The file's description, or undefined when it is not (or not yet completely) in the store. */
    info: (organisationId: number, fileId: number) =>
      db
        .selectFrom('stored_files')
        .select(['id', 'size', 'sha256'])
        .where('organisation_id', '=', organisationId)
        .where('id', '=', fileId)
        .where('complete', '=', 1)
        .executeTakeFirst(),

    /**
     * The file's bytes in order, one chunk read at a time. Inside a transaction pass it (`via`): on SQLite
     * the transaction holds the only connection, and a read through another would wait for it for ever.
     */
    read(organisationId: number, fileId: number, via: Kysely<DB> | Transaction<DB> = db): Readable {
      let seq = 0
      return new Readable({
        read() {
          via
            .selectFrom('stored_file_chunks')
            .select('bytes')
            .where('organisation_id', '=', organisationId)
            .where('file_id', '=', fileId)
            .where('seq', '=', seq++)
            .executeTakeFirst()
            .then(
              // A reader that stopped early (the file was refused) has destroyed the stream by now.
              (chunk) => {
                if (!this.destroyed) this.push(chunk ? chunk.bytes : null)
              },
              (err: unknown) => {
                if (!this.destroyed) this.destroy(err instanceof Error ? err : new Error(String(err)))
              },
            )
        },
      })
    },

    /** The first bytes of the file (at most one chunk), to recognise its format. */
    async head(organisationId: number, fileId: number, bytes: number): Promise<Buffer> {
      const chunk = await db
        .selectFrom('stored_file_chunks')
        .select('bytes')
        .where('organisation_id', '=', organisationId)
        .where('file_id', '=', fileId)
        .where('seq', '=', 0)
        .executeTakeFirst()
      return chunk ? Buffer.from(chunk.bytes).subarray(0, bytes) : Buffer.alloc(0)
    },

    /** Uploads that never completed (their instance died) and are over an hour old. */
    async removeAbandoned(organisationId: number): Promise<void> {
      const before = new Date(Date.now() - 60 * 60 * 1000).toISOString()
      const abandoned = await db
        .selectFrom('stored_files')
        .select('id')
        .where('organisation_id', '=', organisationId)
        .where('complete', '=', 0)
        .where('created_at', '<', before)
        .execute()
      for (const f of abandoned) await store.discard(organisationId, f.id)
    },

    async discard(organisationId: number, fileId: number, via: Kysely<DB> | Transaction<DB> = db) {
      await via
        .deleteFrom('stored_file_chunks')
        .where('organisation_id', '=', organisationId)
        .where('file_id', '=', fileId)
        .execute()
      await via
        .deleteFrom('stored_files')
        .where('organisation_id', '=', organisationId)
        .where('id', '=', fileId)
        .execute()
    },
  }
  return store
}

export type FileStore = ReturnType<typeof createFileStore>
