import type { Readable } from 'node:stream'
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import type { Document } from '../../db/schema.ts'
import { HttpError, notFound } from '../../errors.ts'
import { ListOf, Nullable, Paging, STANDARD_ERRORS, Timestamp, WRITE_ERRORS } from '../../web/api-schemas.ts'
import { apiList } from '../../web/pagination.ts'
import { ACCEPTED_TYPES, PARENT_KINDS } from './attachments.rules.ts'
import { sendVersion, versionView } from './attachments.reply.ts'

/**
 * The documents API (issue 13). A file is the request body itself (any content type: what it is, is read from
 * its content), streamed into the file store, never buffered; the name and title are in the query.
 */
const tags = ['Documents']
const ParentType = Type.Union(
  Object.keys(PARENT_KINDS).map((k) => Type.Literal(k)),
  { description: 'The kind of record the document is attached to' },
)

const VersionSchema = Type.Object({
  number: Type.Integer(),
  fileName: Type.String(),
  contentType: Type.String({
    description: `Recognised from the content: ${Object.keys(ACCEPTED_TYPES).join(', ')}`,
  }),
  size: Type.Integer({ description: 'Bytes' }),
  sha256: Type.String(),
  uploadedBy: Type.String(),
  uploadedAt: Timestamp,
  available: Type.Boolean({ description: 'False once the document was removed and its bytes deleted' }),
})

const DocumentSchema = Type.Object({
  id: Type.Integer(),
  version: Type.Integer(),
  parentType: Type.String(),
  parentId: Type.Integer(),
  title: Type.String(),
  fileName: Type.String(),
  contentType: Type.String(),
  latestVersion: Type.Integer(),
  createdBy: Type.String(),
  createdAt: Timestamp,
  removedAt: Nullable(Timestamp),
  removedBy: Type.String(),
  removedReason: Type.String(),
})
const DocumentWithVersions = Type.Composite([
  DocumentSchema,
  Type.Object({ versions: Type.Array(VersionSchema) }),
])

const ListQuery = Type.Object({ parentType: ParentType, parentId: Type.Integer({ minimum: 1 }), ...Paging })
const UploadQuery = Type.Object({
  parentType: ParentType,
  parentId: Type.Integer({ minimum: 1 }),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  fileName: Type.String({ minLength: 1, maxLength: 255 }),
})
// Optional, so that a document that is not found is a 404 before anything about the request is judged.
const VersionQuery = Type.Object({ fileName: Type.Optional(Type.String({ maxLength: 255 })) })
const DocumentParams = Type.Object({ documentId: Type.Integer({ minimum: 1 }) })
const VersionParams = Type.Object({
  documentId: Type.Integer({ minimum: 1 }),
  versionNumber: Type.Integer({ minimum: 1 }),
})
const RemoveBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 1000, description: 'Required: why it is removed' })) },
  { additionalProperties: false },
)

function documentJson(d: Document) {
  return {
    id: d.id,
    version: d.version,
    parentType: d.parent_type,
    parentId: d.parent_id,
    title: d.title,
    fileName: d.file_name,
    contentType: d.content_type,
    latestVersion: d.latest_version,
    createdBy: d.created_by_name,
    createdAt: d.created_at,
    removedAt: d.removed_at,
    removedBy: d.removed_by_name,
    removedReason: d.removed_reason,
  }
}

function isReadable(body: unknown): body is Readable {
  return typeof body === 'object' && body !== null && typeof (body as Readable).pipe === 'function'
}

const FILE_REFUSED = new HttpError(
  400,
  'Send the file as the request body with Content-Type application/octet-stream',
  {
    file: 'Send the file as the body',
  },
)

export async function attachmentsApi(app: FastifyInstance) {
  const { attachments } = app.services
  // Only in this plugin: a file body is streamed to the store, never buffered.
  app.addContentTypeParser(
    /^(application\/(octet-stream|pdf|vnd\.openxmlformats)|image\/)/,
    (_request, payload, done) => done(null, payload),
  )

  const withVersions = async (actor: Actor, d: Document) => ({
    ...documentJson(d),
    versions: (await attachments.versions(scopeOf(actor), d.id)).map(versionView),
  })

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/documents',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: "List a record's documents (removed ones too), in the order they were attached",
        querystring: ListQuery,
        response: { 200: ListOf(DocumentSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request.actor!)
      const { parentType, parentId } = request.query
      return apiList(
        request.query,
        async (w) => {
          const listed = await attachments.list(scope, parentType, parentId, w)
          if (!listed) throw notFound('Record')
          return listed.documents
        },
        documentJson,
      )
    },
  )

  app.post<{ Querystring: Static<typeof UploadQuery> }>(
    '/api/v1/documents',
    {
      config: { policy: 'documents.attach' },
      schema: {
        tags,
        summary: 'Attach a document to a record',
        description:
          'Send the file as the request body (Content-Type application/octet-stream). Its type is recognised from its content: PDF, Word (.docx), Excel (.xlsx), PNG, JPEG or GIF; anything else is refused and nothing is kept, as is a file past the size limit (413).',
        consumes: ['application/octet-stream'],
        querystring: UploadQuery,
        response: { 201: DocumentWithVersions, ...STANDARD_ERRORS, 413: STANDARD_ERRORS[400] },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const { parentType, parentId, title, fileName } = request.query
      await attachments.writableParent(actor, parentType, parentId)
      if (!isReadable(request.body)) throw FILE_REFUSED
      const d = await attachments.attach(
        actor,
        { kind: parentType, parentId, title },
        { fileName, source: request.body },
      )
      return reply
        .status(201)
        .header('location', `/api/v1/documents/${d.id}`)
        .send(await withVersions(actor, d))
    },
  )

  app.get<{ Params: Static<typeof DocumentParams> }>(
    '/api/v1/documents/:documentId',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'A document, with its versions (newest first)',
        params: DocumentParams,
        response: { 200: DocumentWithVersions, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const found = await attachments.get(scopeOf(request.actor!), request.params.documentId)
      if (!found) throw notFound('Document')
      return withVersions(request.actor!, found.document)
    },
  )

  app.post<{ Params: Static<typeof DocumentParams>; Querystring: Static<typeof VersionQuery> }>(
    '/api/v1/documents/:documentId/versions',
    {
      config: { policy: 'documents.attach' },
      schema: {
        tags,
        summary: 'Upload a new version of a document; earlier versions are kept',
        consumes: ['application/octet-stream'],
        params: DocumentParams,
        querystring: VersionQuery,
        response: { 200: DocumentWithVersions, ...WRITE_ERRORS, 413: STANDARD_ERRORS[400] },
      },
    },
    async (request) => {
      const actor = request.actor!
      const found = await attachments.get(scopeOf(actor), request.params.documentId)
      if (!found) throw notFound('Document')
      await attachments.writableParent(actor, found.parent.kind, found.parent.id)
      if (!isReadable(request.body)) throw FILE_REFUSED
      const d = await attachments.addVersion(actor, found.document.id, {
        fileName: request.query.fileName || 'document',
        source: request.body,
      })
      return withVersions(actor, d)
    },
  )

  app.get<{ Params: Static<typeof VersionParams> }>(
    '/api/v1/documents/:documentId/versions/:versionNumber/content',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: "A version's file, as uploaded (410 once the document was removed)",
        params: VersionParams,
        produces: ['application/octet-stream'],
        response: { ...STANDARD_ERRORS, 410: STANDARD_ERRORS[400] },
      },
    },
    async (request, reply) => {
      const { documentId, versionNumber } = request.params
      return sendVersion(reply, await attachments.open(scopeOf(request.actor!), documentId, versionNumber))
    },
  )

  app.post<{ Params: Static<typeof DocumentParams>; Body: Static<typeof RemoveBody> }>(
    '/api/v1/documents/:documentId/remove',
    {
      config: { policy: 'documents.attach' },
      schema: {
        tags,
        summary: 'Remove a document, giving the reason: the entry stays, its files are deleted',
        params: DocumentParams,
        body: RemoveBody,
        response: { 200: DocumentWithVersions, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const d = await attachments.remove(request.actor!, request.params.documentId, request.body.reason ?? '')
      return withVersions(request.actor!, d)
    },
  )
}
