/**
 * Where the SQL of documents lives. Every query is scoped to the organisation; whether the reader may see
 * the parent record is the service's question (it asks the parent's own area).
 */
import type { Kysely, Transaction } from 'kysely'
import type { DB, Document, DocumentVersion } from '../../db/schema.ts'

type Db = Kysely<DB> | Transaction<DB>

export function createAttachmentsRepository(db: Kysely<DB>) {
  return {
    get: (organisationId: number, id: number, via: Db = db): Promise<Document | undefined> =>
      via
        .selectFrom('documents')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('id', '=', id)
        .executeTakeFirst(),

    /** A record's documents, removed ones too, in the order they were attached. */
    ofParent: (
      organisationId: number,
      parentType: string,
      parentId: number,
      window = { offset: 0, limit: 500 },
    ): Promise<Document[]> =>
      db
        .selectFrom('documents')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('parent_type', '=', parentType)
        .where('parent_id', '=', parentId)
        .orderBy('created_at')
        .orderBy('id')
        .offset(window.offset)
        .limit(window.limit)
        .execute(),

    /** A document's versions, newest first. */
    versions: (organisationId: number, documentId: number, via: Db = db): Promise<DocumentVersion[]> =>
      via
        .selectFrom('document_versions')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('document_id', '=', documentId)
        .orderBy('number', 'desc')
        .execute(),

    version: (organisationId: number, documentId: number, number: number) =>
      db
        .selectFrom('document_versions')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('document_id', '=', documentId)
        .where('number', '=', number)
        .executeTakeFirst(),

    addVersion: (trx: Transaction<DB>, values: Omit<DocumentVersion, 'id'>): Promise<DocumentVersion> =>
      trx.insertInto('document_versions').values(values).returningAll().executeTakeFirstOrThrow(),

    /** Forgets the bytes of every version (the entries stay); answers the stored files to delete. */
    async detachFiles(trx: Transaction<DB>, organisationId: number, documentId: number): Promise<number[]> {
      const rows = await trx
        .selectFrom('document_versions')
        .select('stored_file_id')
        .where('organisation_id', '=', organisationId)
        .where('document_id', '=', documentId)
        .where('stored_file_id', 'is not', null)
        .execute()
      await trx
        .updateTable('document_versions')
        .set({ stored_file_id: null })
        .where('organisation_id', '=', organisationId)
        .where('document_id', '=', documentId)
        .execute()
      return rows.map((r) => r.stored_file_id!)
    },
  }
}

