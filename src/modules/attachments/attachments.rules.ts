/**
 * What a document may be and how it is named on the way out (issue 13). Pure: no database, no streams.
 */
import type { PolicyName } from '../../auth/policy.ts'

/**
 * The records a document can be attached to, each with the policy that may change that record (so may
 * attach to it) and the words a page uses. A document is seen exactly when its parent is: the parent's own
 * history target finds it within the reader's scope (services.ts).
 */
export const PARENT_KINDS = {
  project: { label: 'project', policy: 'project.write' },
  business_case: { label: 'business case', policy: 'governance.write' },
  meeting: { label: 'meeting', policy: 'scrutiny.record' },
  agenda_item: { label: 'agenda item', policy: 'scrutiny.record' },
  decision: { label: 'decision', policy: 'decision.record' },
  panel_report: { label: 'panel progress report', policy: 'reports.write' },
  status_report: { label: 'status report', policy: 'delivery.write' },
} as const satisfies Record<string, { label: string; policy: PolicyName }>

export type ParentKind = keyof typeof PARENT_KINDS

export function isParentKind(v: string): v is ParentKind {
  return Object.hasOwn(PARENT_KINDS, v)
}

/**
 * The types a document may be, recognised from its content (never from its name or the browser's word).
 * Legacy Word (.doc) and Excel (.xls) are refused: their container (OLE compound file) is also an installer's
 * (.msi), so the content cannot tell a Word document from a program, and they carry macros. A council saves
 * them as .docx or .xlsx first.
 */
export const ACCEPTED_TYPES: Readonly<Record<string, { ext: string; label: string }>> = {
  'application/pdf': { ext: 'pdf', label: 'PDF' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { ext: 'docx', label: 'Word' },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { ext: 'xlsx', label: 'Excel' },
  'image/png': { ext: 'png', label: 'PNG image' },
  'image/jpeg': { ext: 'jpg', label: 'JPEG image' },
  'image/gif': { ext: 'gif', label: 'GIF image' },
}

export const ACCEPTED_WORDS = 'a PDF, Word (.docx), Excel (.xlsx), PNG, JPEG or GIF file'

/** The message for a file whose content is none of the accepted types (`found`: what it is, if known). */
export function refusedTypeMessage(found: { ext: string } | undefined): string {
  if (found?.ext === 'cfb')
    return `The selected file is an older Word or Excel file (.doc or .xls): save it as .docx or .xlsx and upload it again`
  return `The selected file must be ${ACCEPTED_WORDS}${found ? ` (its content is .${found.ext})` : ''}`
}

const TITLE_MAX = 200
const REASON_MAX = 1000

export function validateTitle(title: string): string | undefined {
  if (title.trim() === '') return 'Enter a title for the document'
  if (title.length > TITLE_MAX) return `The title must be ${TITLE_MAX} characters or fewer`
  return undefined
}

export function validateReason(reason: string): string | undefined {
  if (reason.trim() === '') return 'Enter why the document is being removed'
  if (reason.length > REASON_MAX) return `The reason must be ${REASON_MAX} characters or fewer`
  return undefined
}

/**
 * The name a file is kept and offered under: no folders, no control or reserved characters, at most 150
 * characters, and ending in the extension of the type its content is (a PDF called "minutes.exe" is offered
 * as "minutes.exe.pdf"), so that the reader's computer opens it with the right program.
 */
export function safeFileName(name: string, contentType: string): string {
  const ext = ACCEPTED_TYPES[contentType]?.ext ?? 'bin'
  const base =
    name
      .split(/[/\\]/)
      .pop()!
      // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
      .replace(/[\u0000-\u001f\u007f"*:<>?|]/g, '')
      .replace(/^[.\s]+|[.\s]+$/g, '')
      .slice(0, 150) || 'document'
  const lower = base.toLowerCase()
  const same = lower.endsWith(`.${ext}`) || (ext === 'jpg' && lower.endsWith('.jpeg'))
  return same ? base : `${base}.${ext}`
}

/**
 * Content-Disposition for a download (RFC 6266): always `attachment`, so a browser saves rather than opens
 * it; an ASCII fallback name, and the real name in RFC 5987 `filename*` when it is not plain ASCII.
 */
export function contentDisposition(fileName: string): string {
  const ascii = fileName
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/["\\%]/g, '')
    .trim()
  const fallback = ascii === '' || ascii.startsWith('.') ? `document${ascii}` : ascii
  if (fallback === fileName) return `attachment; filename="${fallback}"`
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`
}

/** A size for people: "820 bytes", "14 KB", "3.2 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}
