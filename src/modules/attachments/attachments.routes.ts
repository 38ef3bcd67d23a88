import multipart from '@fastify/multipart'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { Document } from '../../db/schema.ts'
import { HttpError, notFound } from '../../errors.ts'
import { errorList, field, FormBody } from '../../web/forms.ts'
import { multipartCsrfOk } from '../../web/multipart-csrf.ts'
import { isParentKind, PARENT_KINDS, ACCEPTED_WORDS, formatSize } from './attachments.rules.ts'
import { sendVersion, versionView } from './attachments.reply.ts'
import type { AttachmentsService, ParentRef, Upload } from './attachments.service.ts'

const DocumentParams = Type.Object({ documentId: Type.Integer({ minimum: 1 }) })
type DocumentParams = { documentId: number }
const VersionParams = Type.Object({
  documentId: Type.Integer({ minimum: 1 }),
  versionNumber: Type.Integer({ minimum: 1 }),
})
const NewQuery = Type.Object({
  parentType: Type.Optional(Type.String({ maxLength: 40 })),
  parentId: Type.Optional(Type.String({ maxLength: 20 })),
})

/** Whether the actor may attach to (and change the documents of) this parent. */
export function canAttach(actor: Actor, parent: ParentRef): boolean {
  return allows(PARENT_KINDS[parent.kind].policy, actor.role)
}

/**
 * Reads an upload form (`_csrf` first, then its fields, then the file) and hands the file, with the fields
 * read before it, to `use` while it streams. Null when the CSRF check refused (the 403 is sent); an error
 * thrown by `use` (too large, wrong type) reaches the caller after the rest of the request is drained.
 */
async function readUploadForm<T>(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  fields: Record<string, string>,
  use: (fields: Record<string, string>, upload: Upload) => Promise<T>,
): Promise<{ fields: Record<string, string>; result: T | undefined } | null> {
  let result: T | undefined
  const parts = request.parts()
  const first = await parts.next()
  if (!multipartCsrfOk(app, request, reply, first.done ? undefined : first.value)) return null
  for await (const part of parts) {
    if (part.type === 'field') {
      if (typeof part.value === 'string') fields[part.fieldname] = part.value.trim()
    } else if (result !== undefined || part.filename === '') {
      part.file.resume()
    } else {
      result = await use(fields, { fileName: part.filename, source: part.file })
    }
  }
  return { fields, result }
}

export async function attachmentsRoutes(app: FastifyInstance) {
  const attachments: AttachmentsService = app.services.attachments
  // Only this plugin's routes take multipart bodies; a file one byte past the limit is enough to refuse it.
  await app.register(multipart, {
    limits: { fileSize: attachments.limitMb * 1024 * 1024 + 1, files: 1, fields: 6, parts: 7 },
  })

  async function renderNew(
    reply: FastifyReply,
    parent: ParentRef,
    values: Record<string, string>,
    errors: Record<string, string>,
    status = 200,
  ) {
    return reply.render(
      'attachments/views/new.njk',
      {
        title: `Attach a document to ${parent.title}`,
        backLink: parent.url,
        parent,
        values,
        errors,
        errorList: errorList(errors, ['title', 'file']),
        limitMb: attachments.limitMb,
        accepted: ACCEPTED_WORDS,
      },
      status,
    )
  }

  async function renderDocument(
    reply: FastifyReply,
    actor: Actor,
    document: Document,
    parent: ParentRef,
    errors: Record<string, string> = {},
    status = 200,
  ) {
    const versions = await attachments.versions(scopeOf(actor), document.id)
    return reply.render(
      'attachments/views/document.njk',
      {
        title: document.title,
        breadcrumbs: [{ text: parent.title, href: parent.url }],
        document,
        parent,
        versions: versions.map((v) => ({ ...versionView(v), sizeText: formatSize(v.size) })),
        canChange: canAttach(actor, parent) && document.removed_at === null,
        errors,
        errorList: errorList(errors, ['file']),
        limitMb: attachments.limitMb,
        accepted: ACCEPTED_WORDS,
      },
      status,
    )
  }

  async function loadDocument(actor: Actor, id: number) {
    const found = await attachments.get(scopeOf(actor), id)
    if (!found) throw notFound('Document')
    return found
  }

  app.get<{ Querystring: { parentType?: string; parentId?: string } }>(
    '/documents/new',
    { config: { policy: 'documents.attach' }, schema: { querystring: NewQuery } },
    async (request, reply) => {
      const { parentType = '', parentId = '' } = request.query
      if (!isParentKind(parentType) || !/^[1-9]\d{0,9}$/.test(parentId)) throw notFound('Record')
      const parent = await attachments.writableParent(request.actor!, parentType, Number(parentId))
      return renderNew(reply, parent, { title: '' }, {})
    },
  )

  app.post(
    '/documents',
    { config: { policy: 'documents.attach', csrfInMultipart: true } },
    async (request, reply) => {
      const actor = request.actor!
      if (!request.isMultipart()) throw new HttpError(400, 'Choose a file to attach from the record’s page')
      let parent: ParentRef | undefined
      const fields: Record<string, string> = {}
      try {
        const read = await readUploadForm(app, request, reply, fields, async (fields, upload) => {
          const kind = fields.parentType ?? ''
          const id = Number(fields.parentId ?? '')
          parent = await attachments.writableParent(actor, kind, Number.isInteger(id) ? id : 0)
          return attachments.attach(actor, { kind, parentId: parent.id, title: fields.title ?? '' }, upload)
        })
        if (read === null) return reply
        if (!read.result) {
          const kind = read.fields.parentType ?? ''
          const id = Number(read.fields.parentId ?? '')
          parent ??= await attachments.writableParent(actor, kind, Number.isInteger(id) ? id : 0)
          return renderNew(reply, parent, read.fields, { file: 'Select a file to attach' }, 400)
        }
        reply.flash(`Document “${read.result.title}” attached`)
        return reply.redirect(parent!.url, 303)
      } catch (err) {
        if (parent && err instanceof HttpError && err.fields && err.statusCode !== 404)
          return renderNew(reply, parent, { title: fields.title ?? '' }, err.fields, err.statusCode)
        throw err
      }
    },
  )

  app.get<{ Params: DocumentParams }>(
    '/documents/:documentId',
    { config: { policy: 'portfolio.read' }, schema: { params: DocumentParams } },
    async (request, reply) => {
      const { document, parent } = await loadDocument(request.actor!, request.params.documentId)
      return renderDocument(reply, request.actor!, document, parent)
    },
  )

  app.get<{ Params: DocumentParams }>(
    '/documents/:documentId/download',
    { config: { policy: 'portfolio.read' }, schema: { params: DocumentParams } },
    async (request, reply) =>
      sendVersion(reply, await attachments.open(scopeOf(request.actor!), request.params.documentId)),
  )

  app.get<{ Params: { documentId: number; versionNumber: number } }>(
    '/documents/:documentId/versions/:versionNumber/download',
    { config: { policy: 'portfolio.read' }, schema: { params: VersionParams } },
    async (request, reply) => {
      const { documentId, versionNumber } = request.params
      return sendVersion(reply, await attachments.open(scopeOf(request.actor!), documentId, versionNumber))
    },
  )

  app.post<{ Params: DocumentParams }>(
    '/documents/:documentId/versions',
    { config: { policy: 'documents.attach', csrfInMultipart: true }, schema: { params: DocumentParams } },
    async (request, reply) => {
      const actor = request.actor!
      const { document, parent } = await loadDocument(actor, request.params.documentId)
      if (!request.isMultipart())
        return renderDocument(reply, actor, document, parent, { file: 'Select a file to upload' }, 400)
      try {
        const read = await readUploadForm(app, request, reply, {}, (_fields, upload) =>
          attachments.addVersion(actor, document.id, upload),
        )
        if (read === null) return reply
        if (!read.result)
          return renderDocument(reply, actor, document, parent, { file: 'Select a file to upload' }, 400)
        reply.flash(`Version ${read.result.latest_version} uploaded`)
        return reply.redirect(`/documents/${document.id}`, 303)
      } catch (err) {
        if (err instanceof HttpError && err.fields)
          return renderDocument(reply, actor, document, parent, err.fields, err.statusCode)
        throw err
      }
    },
  )

  const renderRemove = (
    reply: FastifyReply,
    document: Document,
    reason: string,
    errors: Record<string, string>,
    status = 200,
  ) =>
    reply.render(
      'attachments/views/remove.njk',
      {
        title: `Remove ${document.title}`,
        backLink: `/documents/${document.id}`,
        document,
        values: { reason },
        errors,
        errorList: errorList(errors, ['reason']),
      },
      status,
    )

  app.get<{ Params: DocumentParams }>(
    '/documents/:documentId/remove',
    { config: { policy: 'documents.attach' }, schema: { params: DocumentParams } },
    async (request, reply) => {
      const { document, parent } = await loadDocument(request.actor!, request.params.documentId)
      await attachments.writableParent(request.actor!, parent.kind, parent.id)
      if (document.removed_at) return reply.redirect(`/documents/${document.id}`, 303)
      return renderRemove(reply, document, '', {})
    },
  )

  app.post<{ Params: DocumentParams; Body: FormBody }>(
    '/documents/:documentId/remove',
    { config: { policy: 'documents.attach' }, schema: { params: DocumentParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const { document } = await loadDocument(actor, request.params.documentId)
      const reason = field(request.body, 'reason')
      try {
        await attachments.remove(actor, document.id, reason)
      } catch (err) {
        if (err instanceof HttpError && err.fields && err.statusCode === 400)
          return renderRemove(reply, document, reason, err.fields, 400)
        throw err
      }
      reply.flash(`Document “${document.title}” removed`)
      return reply.redirect(`/documents/${document.id}`, 303)
    },
  )
}
