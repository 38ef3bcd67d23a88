import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

/** The text a reader of the PDF would see, extracted by poppler's pdftotext. */
export function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString('utf8').replace(/\s+/g, ' ')
}

/** The text of a DOCX's body: Word's runs joined, from word/document.xml read with unzip. */
export function docxText(docx: Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'oversight-docx-'))
  try {
    const file = path.join(dir, 'paper.docx')
    writeFileSync(file, docx)
    const xml = execFileSync('unzip', ['-p', file, 'word/document.xml']).toString('utf8')
    return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)]
      .map((m) => m[1])
      .join(' ')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
