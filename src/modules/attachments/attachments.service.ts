/**
 * Documents attached to records (issue 13). The bytes go into the file store chunk by chunk, outside any
 * transaction (a long upload must not hold SQLite's one writer); only a complete file whose content is an
 * accepted type is then attached, in one transaction with its audit event. A process killed mid-upload
 * leaves an incomplete stored file no document points at, which the store's clean-up removes.
 */
import type { Readable } from 'node:stream'
import type { Kysely } from 'kysely'
import { auditActorOf, scopeOf, type Actor } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { Scope } from '../../auth/visibility.ts'
import type { DB, Document, DocumentVersion } from '../../db/schema.ts'
import { HttpError, notFound, ValidationError } from '../../errors.ts'
import { createFileStore, StoredFileTooLargeError, type StoredFileInfo } from '../../imports/file-store.ts'
import { insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import {
  ACCEPTED_TYPES,
  isParentKind,
  PARENT_KINDS,
  refusedTypeMessage,
  safeFileName,
  validateReason,
  validateTitle,
  type ParentKind,
} from './attachments.rules.ts'
import { createAttachmentsRepository } from './attachments.repository.ts'

/** The record a document is attached to, as its reader may see it. */
export interface ParentRef {
  kind: ParentKind
  id: number
  title: string
  url: string
}

/** Finds a record within the reader's scope: the parent area's own lookup (its history target). */
type FindParent = (
  scope: Scope,
  kind: ParentKind,
  id: number,
) => Promise<{ title: string; url: string } | undefined>

export interface Upload {
  fileName: string
  source: AsyncIterable<Buffer | string>
}

// merge: full-text search (issue 13) should index documents.title and documents.file_name (organisation_id
// beside them) in the same transactions as attach, addVersion and remove below; visibility through `get`.
export function createAttachmentsService(db: Kysely<DB>, deps: { limitMb: number; findParent: FindParent }) {
  const files = createFileStore(db)
  const repo = createAttachmentsRepository(db)
  const limitBytes = deps.limitMb * 1024 * 1024

  async function parent(scope: Scope, kind: string, id: number): Promise<ParentRef | undefined> {
    if (!isParentKind(kind)) return undefined
    const found = await deps.findParent(scope, kind, id)
    return found && { kind, id, ...found }
  }

  /** The parent an actor attaches to: not found unless they see it, refused unless they may change it. */
  async function writableParent(actor: Actor, kind: string, id: number): Promise<ParentRef> {
    const p = await parent(scopeOf(actor), kind, id)
    if (!p) throw notFound('Record')
    if (!allows(PARENT_KINDS[p.kind].policy, actor.role))
      throw new HttpError(
        403,
        `You do not have permission to attach documents to this ${PARENT_KINDS[p.kind].label}`,
      )
    return p
  }

  /** A document within the reader's scope: exactly when its parent is. */
  async function get(
    scope: Scope,
    id: number,
  ): Promise<{ document: Document; parent: ParentRef } | undefined> {
    const document = await repo.get(scope.organisationId, id)
    if (!document) return undefined
    const p = await parent(scope, document.parent_type, document.parent_id)
    return p && { document, parent: p }
  }

  /**
   * Streams the upload into the store and recognises its type from the content. Anything refused (too large,
   * empty, not an accepted type) is deleted before the error is thrown: nothing of it is kept.
   */
  async function receive(organisationId: number, upload: Upload) {
    // Uploads whose instance died an hour ago or more are never read: each new upload clears them away.
    await files.removeAbandoned(organisationId)
    let stored: StoredFileInfo
    try {
      stored = await files.store(organisationId, upload.fileName, upload.source, limitBytes)
    } catch (err) {
      if (err instanceof StoredFileTooLargeError)
        throw new HttpError(413, `The selected file must be smaller than ${deps.limitMb} MB`, {
          file: `The selected file must be smaller than ${deps.limitMb} MB`,
        })
      throw err
    }
    try {
      if (stored.size === 0) throw new ValidationError({ file: 'The selected file is empty' })
      // Loaded with the first upload, not at start-up: file-type and its readers held about 2.6 MB of heap.
      const { fileTypeFromStream } = await import('file-type')
      const stream = files.read(organisationId, stored.id)
      const found = await fileTypeFromStream(stream).finally(() => stream.destroy())
      if (!found || !Object.hasOwn(ACCEPTED_TYPES, found.mime))
        throw new ValidationError({ file: refusedTypeMessage(found) })
      return { stored, contentType: found.mime, fileName: safeFileName(upload.fileName, found.mime) }
    } catch (err) {
      await files.discard(organisationId, stored.id)
      throw err
    }
  }

  function versionValues(
    actor: Actor,
    documentId: number,
    number: number,
    file: Awaited<ReturnType<typeof receive>>,
  ): Omit<DocumentVersion, 'id'> {
    return {
      organisation_id: actor.organisationId,
      document_id: documentId,
      number,
      stored_file_id: file.stored.id,
      file_name: file.fileName,
      content_type: file.contentType,
      size: file.stored.size,
      sha256: file.stored.sha256,
      uploaded_by: actor.userId,
      uploaded_by_name: auditActorOf(actor).label,
      uploaded_at: new Date().toISOString(),
    }
  }

  return {
    limitMb: deps.limitMb,
    parent,
    get,
    writableParent,

    /** A record's documents (removed ones too, which say so), or undefined when the reader cannot see it. */
    async list(scope: Scope, kind: string, parentId: number, window?: { offset: number; limit: number }) {
      const p = await parent(scope, kind, parentId)
      if (!p) return undefined
      return { parent: p, documents: await repo.ofParent(scope.organisationId, p.kind, p.id, window) }
    },

    versions: (scope: Scope, documentId: number) => repo.versions(scope.organisationId, documentId),

    /** Attaches a new document (its first version) to a record the actor may change. */
    async attach(actor: Actor, input: { kind: string; parentId: number; title: string }, upload: Upload) {
      const p = await writableParent(actor, input.kind, input.parentId)
      const title = input.title.trim()
      const titleError = validateTitle(title)
      const file = await receive(actor.organisationId, upload)
      try {
        if (titleError) throw new ValidationError({ title: titleError })
        return await db.transaction().execute(async (trx) => {
          const document = await insertAudited(trx, {
            table: 'documents',
            entityType: 'document',
            actor,
            values: {
              parent_type: p.kind,
              parent_id: p.id,
              title,
              file_name: file.fileName,
              content_type: file.contentType,
              latest_version: 1,
              created_by_name: auditActorOf(actor).label,
              removed_at: null,
            },
            withParts: async (created) => ({
              versions: [await repo.addVersion(trx, versionValues(actor, created.id, 1, file))],
            }),
          })
          return document
        })
      } catch (err) {
        await files.discard(actor.organisationId, file.stored.id)
        throw err
      }
    },

    /** Adds a version; the earlier ones are kept. */
    async addVersion(actor: Actor, documentId: number, upload: Upload): Promise<Document> {
      const found = await get(scopeOf(actor), documentId)
      if (!found) throw notFound('Document')
      await writableParent(actor, found.document.parent_type, found.document.parent_id)
      if (found.document.removed_at)
        throw new HttpError(409, 'This document was removed: attach a new one instead')
      const file = await receive(actor.organisationId, upload)
      try {
        return await db.transaction().execute(async (trx) => {
          const current = await repo.get(actor.organisationId, documentId, trx)
          if (!current || current.removed_at)
            throw new HttpError(409, 'This document was removed: attach a new one instead')
          const number = current.latest_version + 1
          const version = await repo.addVersion(trx, versionValues(actor, documentId, number, file))
          return updateVersioned(trx, {
            table: 'documents',
            entityType: 'document',
            action: 'add_version',
            actor,
            current,
            version: current.version,
            changes: { file_name: file.fileName, content_type: file.contentType, latest_version: number },
            record: {
              before: current,
              after: { ...current, latest_version: number, file_name: file.fileName, added: version },
            },
          })
        })
      } catch (err) {
        await files.discard(actor.organisationId, file.stored.id)
        throw err
      }
    },

    /**
     * Removes a document, only with a reason: the entry and its versions' descriptions stay, saying when, by
     * whom and why; the bytes are deleted in the same transaction.
     */
    async remove(actor: Actor, documentId: number, reason: string): Promise<Document> {
      const found = await get(scopeOf(actor), documentId)
      if (!found) throw notFound('Document')
      await writableParent(actor, found.document.parent_type, found.document.parent_id)
      const error = validateReason(reason.trim())
      if (error) throw new ValidationError({ reason: error })
      return db.transaction().execute(async (trx) => {
        const current = await repo.get(actor.organisationId, documentId, trx)
        if (!current) throw notFound('Document')
        if (current.removed_at) throw new HttpError(409, 'This document has already been removed')
        const removed = await updateVersioned(trx, {
          table: 'documents',
          entityType: 'document',
          action: 'remove',
          actor,
          current,
          version: current.version,
          changes: {
            removed_at: new Date().toISOString(),
            removed_by_name: auditActorOf(actor).label,
            removed_reason: reason.trim(),
          },
        })
        for (const fileId of await repo.detachFiles(trx, actor.organisationId, documentId))
          await files.discard(actor.organisationId, fileId, trx)
        return removed
      })
    },

    /**
     * One version's bytes, streamed from the store a chunk at a time (never the whole file in memory):
     * the latest when `number` is undefined. Gone (410) once the document was removed.
     */
    async open(scope: Scope, documentId: number, number?: number) {
      const found = await get(scope, documentId)
      if (!found) throw notFound('Document')
      const version = await repo.version(
        scope.organisationId,
        documentId,
        number ?? found.document.latest_version,
      )
      if (!version) throw notFound('Version')
      if (found.document.removed_at || version.stored_file_id === null)
        throw new HttpError(410, 'This document was removed and its file deleted')
      const stream: Readable = files.read(scope.organisationId, version.stored_file_id)
      return { document: found.document, version, stream }
    },
  }
}

export type AttachmentsService = ReturnType<typeof createAttachmentsService>
