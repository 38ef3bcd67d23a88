/**
 * How a document leaves Oversight, for the pages and the API alike: streamed from the file store a chunk at
 * a time, always as a download, under a safe name, with the type recognised at upload, never sniffed, and in
 * a CSP sandbox so that a file opened from the address bar runs no script and reaches nothing of Oversight.
 */
import type { FastifyReply } from 'fastify'
import type { AttachmentsService } from './attachments.service.ts'
import { contentDisposition } from './attachments.rules.ts'

export function sendVersion(
  reply: FastifyReply,
  opened: Awaited<ReturnType<AttachmentsService['open']>>,
): FastifyReply {
  const { version, stream } = opened
  return reply
    .header('content-type', version.content_type)
    .header('content-length', String(version.size))
    .header('content-disposition', contentDisposition(version.file_name))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "sandbox; default-src 'none'")
    .header('etag', `"${version.sha256}"`)
    .send(stream)
}

/** The version list as pages and the API show it. */
export function versionView(v: {
  number: number
  file_name: string
  content_type: string
  size: number
  sha256: string
  uploaded_by_name: string
  uploaded_at: string
  stored_file_id: number | null
}) {
  return {
    number: v.number,
    fileName: v.file_name,
    contentType: v.content_type,
    size: v.size,
    sha256: v.sha256,
    uploadedBy: v.uploaded_by_name,
    uploadedAt: v.uploaded_at,
    available: v.stored_file_id !== null,
  }
}
