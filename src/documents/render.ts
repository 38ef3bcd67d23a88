import { createHash } from 'node:crypto'
import type { PaperDocument } from './document.model.ts'
import { renderDocx } from './docx.renderer.ts'
import { renderHtmlDocument } from './html.renderer.ts'
import { renderPdf } from './pdf.renderer.ts'

export type PaperFormat = 'html' | 'docx' | 'pdf'
export const PAPER_FORMATS: readonly PaperFormat[] = ['html', 'docx', 'pdf']

export const CONTENT_TYPES: Record<PaperFormat, string> = {
  html: 'text/html; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
}

export interface RenderedPaper {
  html: Buffer
  docx: Buffer
  pdf: Buffer
}

export async function renderAll(doc: PaperDocument): Promise<RenderedPaper> {
  const [docx, pdf] = await Promise.all([renderDocx(doc), renderPdf(doc)])
  return { html: renderHtmlDocument(doc), docx, pdf }
}

export function renderOne(doc: PaperDocument, format: PaperFormat): Promise<Buffer> {
  if (format === 'docx') return renderDocx(doc)
  if (format === 'pdf') return renderPdf(doc)
  return Promise.resolve(renderHtmlDocument(doc))
}

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')

/**
 * One hash over the snapshot and all three files, so any change to any of them changes what the panel was
 * told the paper's fingerprint is.
 */
export function contentHash(snapshotJson: string, files: RenderedPaper): string {
  const h = createHash('sha256')
  for (const part of [Buffer.from(snapshotJson, 'utf8'), files.html, files.docx, files.pdf]) {
    h.update(sha256(part))
  }
  return h.digest('hex')
}

/** A file name from a title: letters, digits and hyphens. */
export function fileName(title: string, format: PaperFormat): string {
  const base = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80)
  return `${base || 'paper'}.${format}`
}
