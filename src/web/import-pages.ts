/**
 * The web glue every import shares around its service (src/imports/import-service.ts): the upload form's
 * multipart body read into the file store, a file sent as an API body, a pass the page waits a moment for
 * and then shows the progress of (the page refreshes itself, no JavaScript), and the import's status tags.
 */
import type { Readable } from 'node:stream'
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { HttpError } from '../errors.ts'
import type { StoredFileInfo } from '../imports/file-store.ts'
import { FileTooLargeError, progressOf, type ImportRecord } from '../imports/pipeline.ts'
import { multipartCsrfOk } from './multipart-csrf.ts'

/** The content types an import's API takes as the file in the body (CSV, or XLSX as octets). */
export const IMPORT_FILE_TYPES = [
  'text/csv',
  'text/plain',
  'application/octet-stream',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
]

/** Lets an import API's plugin take a file as the body: streamed on, never buffered. */
export function acceptImportFiles(app: FastifyInstance): void {
  app.addContentTypeParser(IMPORT_FILE_TYPES, (_request, payload, done) => done(null, payload))
}

/** The file an API request sent as its body, or a 400 saying how to send it. */
export function importBody(request: FastifyRequest, message: string): Readable {
  const body = request.body
  if (typeof body === 'object' && body !== null && typeof (body as Readable).pipe === 'function')
    return body as Readable
  throw new HttpError(400, message, { file: 'Send the file as the body' })
}

interface UploadTarget {
  uploadLimitMb: number
  storeUpload(organisationId: number, fileName: string, source: Readable): Promise<StoredFileInfo>
  discardUpload(organisationId: number, file: StoredFileInfo): Promise<unknown>
}

export type ReceivedUpload =
  | { kind: 'file'; stored: StoredFileInfo; fileName: string; fields: Record<string, string> }
  | { kind: 'refused'; status: number; errors: Record<string, string> }
  | { kind: 'sent' }

/**
 * An upload form's body: the CSRF token first, then the file streamed into the file store and the other
 * fields. A file too large, cut short, empty or missing is refused with the message for the form (and
 * whatever was stored of it removed); `sent` when the CSRF refusal has been sent already.
 */
export async function receiveUpload(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  target: UploadTarget,
): Promise<ReceivedUpload> {
  const organisationId = request.actor!.organisationId
  const refused = (status: number, file: string): ReceivedUpload => ({
    kind: 'refused',
    status,
    errors: { file },
  })
  if (!request.isMultipart()) return refused(400, 'Select a file to import')
  let stored: StoredFileInfo | null = null
  let fileName = ''
  const fields: Record<string, string> = {}
  try {
    const parts = request.parts()
    const first = await parts.next()
    if (!multipartCsrfOk(app, request, reply, first.done ? undefined : first.value)) return { kind: 'sent' }
    for await (const part of parts) {
      if (part.type === 'file') {
        if (stored) {
          part.file.resume()
          continue
        }
        fileName = part.filename
        stored = await target.storeUpload(organisationId, fileName, part.file)
      } else if (typeof part.value === 'string') fields[part.fieldname] = part.value
    }
  } catch (err) {
    if (stored) await target.discardUpload(organisationId, stored)
    const code = (err as { code?: string }).code
    if (err instanceof FileTooLargeError || code === 'FST_REQ_FILE_TOO_LARGE')
      return refused(413, new FileTooLargeError(target.uploadLimitMb).message)
    if (code?.startsWith('FST_')) return refused(400, 'The upload did not arrive whole: try again')
    throw err
  }
  if (!stored || stored.size === 0 || fileName === '') {
    if (stored) await target.discardUpload(organisationId, stored)
    return refused(400, stored ? 'The selected file is empty' : 'Select a file to import')
  }
  return { kind: 'file', stored, fileName, fields }
}

/** How long a page waits for a pass before showing its progress instead (which refreshes until done). */
export const WAIT_FOR_PASS_MS = 3000

/**
 * Holds the request a short while for a pass: a small file's page then shows the result; a pass still
 * running carries on and its page shows the progress (from the database, so any instance can show it).
 * The pass's answer when it ended in time; undefined when it is still running. A pass that fails later is
 * logged (its import says what became of it); one that fails in time is thrown with `rethrow`, logged without.
 */
export function waitForPass<T>(
  log: FastifyBaseLogger,
  importId: number,
  pass: Promise<T>,
  opts: { rethrow?: boolean; waitMs?: number } = {},
): Promise<T | undefined> {
  let waited = false
  const settled = pass.catch((err: unknown) => {
    if (waited || !opts.rethrow || !(err instanceof HttpError))
      log.error({ err, importId }, 'import pass failed')
    if (opts.rethrow && !waited) throw err
    return undefined
  })
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      waited = true
      resolve(undefined)
    }, opts.waitMs ?? WAIT_FOR_PASS_MS)
  })
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer))
}

/** What an import's page shows of a running pass: busy (the page refreshes), how far, rows read. */
export function passProgress(imp: ImportRecord & { progress_bytes: number; rows_done: number }) {
  const progress = progressOf(imp)
  return { busy: progress !== null, percent: progress?.percent ?? 0, rowsDone: imp.rows_done }
}
