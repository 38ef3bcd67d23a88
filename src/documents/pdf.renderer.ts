import path from 'node:path'
import type {} from 'pdfkit'
import { documentText, type Block, type PaperDocument } from './document.model.ts'
import { projectRoot } from '../paths.ts'
import { columnWidths, wrapText, type Measure } from './pdf.layout.ts'

const fontDir = path.join(projectRoot(), 'assets', 'fonts', 'roboto')

interface Face {
  regular: string
  bold: string
}
// Helvetica is one of the PDF standard 14 fonts: every viewer has it, so nothing is embedded or subset and
// text is measured from its metrics table. It covers the Windows-1252 character set only, so a paper with
// any other character (Welsh ŵ, Polish ł…) is set in the bundled Roboto, embedded, instead: every
// character prints whatever the paper says.
const HELVETICA: Face = { regular: 'Helvetica', bold: 'Helvetica-Bold' }
const ROBOTO: Face = {
  regular: path.join(fontDir, 'Roboto-Regular.ttf'),
  bold: path.join(fontDir, 'Roboto-Medium.ttf'),
}

const A4 = { width: 595.28, height: 841.89 }
const MARGIN = { top: 50, left: 50, right: 50, bottom: 60 }
const CONTENT_WIDTH = A4.width - MARGIN.left - MARGIN.right
const BOTTOM = A4.height - MARGIN.bottom
const BODY = 10.5
const TEXT = '#0b0c0c'
const RULE = '#b1b4b6'
/** Table spacing: columns 12 pt apart, rows 3 pt above and below the text. */
const GAP_X = 12
const PAD_Y = 3

interface Run {
  font: string
  size: number
}

/** A structure element and its type, which tags every piece of page content marked as belonging to it. */
interface Node {
  el: PDFKit.PDFStructureElement
  tag: string
}

type StructOptions = Parameters<PDFKit.PDFDocument['struct']>[1]

export interface PdfOptions {
  /** Deflate page content streams (default true); off only to inspect the file in tests. */
  compress?: boolean
}

/**
 * A tagged PDF with the document title shown in the viewer's title bar, British English set as its language,
 * author and subject in its metadata, headings in the bookmarks pane, and table header rows repeated at the
 * top of every page a table runs onto. Its structure tree gives assistive technology what the page shows:
 * the title and headings as H1/H2/H3, paragraphs as P, lists as L/LI with Lbl and LBody, tables as Table
 * with a Caption, TR rows and TH (column scope) header cells. Page numbers, rules and the header rows
 * repeated on later pages are artifacts, so a screen reader meets each header row once.
 *
 * The page is laid out here and written with pdfkit directly, one text operation per line: pdfmake's general
 * layout engine measured and drew every word separately and took two seconds for a 200-project report.
 */
export async function renderPdf(doc: PaperDocument, options: PdfOptions = {}): Promise<Buffer> {
  const face = inWinAnsi(doc) ? HELVETICA : ROBOTO
  // Loaded on first use: pdfkit and its fonts are large, and most processes never write a PDF.
  const { default: PDFDocument } = await import('pdfkit')
  const pdf = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    compress: options.compress ?? true,
    pdfVersion: '1.7',
    tagged: true,
    lang: doc.language,
    displayTitle: true,
    info: { Title: doc.title, Author: doc.author, Subject: doc.subtitle ?? doc.title, Creator: 'Oversight' },
  })
  const chunks: Buffer[] = []
  pdf.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)))
    pdf.on('error', reject)
  })
  new Writer(pdf, face).paper(doc)
  pdf.end()
  return done
}

class Writer {
  private y = MARGIN.top
  private readonly widths = new Map<string, number>()
  private readonly measure: Measure
  private readonly root: Node

  constructor(
    private readonly pdf: PDFKit.PDFDocument,
    private readonly face: Face,
  ) {
    pdf.fillColor(TEXT)
    this.root = { el: pdf.struct('Document'), tag: 'Document' }
    pdf.addStructure(this.root.el)
    // Widths are cached per font and word at 1 pt: a report repeats the same words thousands of times.
    this.measure = (text, run) => {
      const key = `${run.font}\u0000${text}`
      let w = this.widths.get(key)
      if (w === undefined) {
        w = this.pdf.font(run.font).fontSize(1).widthOfString(text)
        this.widths.set(key, w)
      }
      return w * run.size
    }
  }

  paper(doc: PaperDocument) {
    this.lines(doc.title, { font: this.face.bold, size: 20 }, MARGIN.left, CONTENT_WIDTH, this.node('H1'))
    this.y += 8
    if (doc.subtitle) {
      this.lines(
        doc.subtitle,
        { font: this.face.regular, size: 13 },
        MARGIN.left,
        CONTENT_WIDTH,
        this.node('P'),
      )
      this.y += 12
    }
    for (const b of doc.blocks) this.block(b)
    this.footers()
    this.root.el.end()
  }

  /** A new structure element, the last child of `parent` so far. */
  private node(tag: string, parent: Node = this.root, options?: StructOptions): Node {
    const el = this.pdf.struct(tag, options)
    parent.el.add(el)
    return { el, tag }
  }

  /** Draws page content as part of `node`, or as an artifact when there is none. */
  private mark(node: Node | undefined, draw: () => void, artifact: 'Pagination' | 'Layout' = 'Layout') {
    if (node) node.el.add(this.pdf.markStructureContent(node.tag))
    else this.pdf.markContent('Artifact', { type: artifact })
    draw()
    this.pdf.endMarkedContent()
  }

  private block(b: Block) {
    const body: Run = { font: this.face.regular, size: BODY }
    switch (b.kind) {
      case 'heading': {
        const run: Run = { font: this.face.bold, size: b.level === 2 ? 15 : 12 }
        this.y += b.level === 2 ? 14 : 10
        // A heading is kept with at least three lines of what follows it.
        this.room(this.lineHeight(run) + 3 * this.lineHeight(body))
        this.pdf.outline.addItem(b.text)
        this.lines(b.text, run, MARGIN.left, CONTENT_WIDTH, this.node(b.level === 2 ? 'H2' : 'H3'))
        this.y += b.level === 2 ? 6 : 4
        return
      }
      case 'paragraph':
        this.lines(b.text, body, MARGIN.left, CONTENT_WIDTH, this.node('P'))
        this.y += 6
        return
      case 'list': {
        const list = this.node('L')
        b.items.forEach((item, i) => {
          const marker = b.ordered ? `${i + 1}.` : '\u2022'
          const indent = b.ordered ? 18 : 12
          const li = this.node('LI', list)
          this.room(this.lineHeight(body))
          this.mark(this.node('Lbl', li), () => this.text(marker, body, MARGIN.left, this.y))
          this.lines(item, body, MARGIN.left + indent, CONTENT_WIDTH - indent, this.node('LBody', li))
          this.y += 2
        })
        this.y += 4
        return
      }
      case 'table':
        this.table(b)
    }
  }

  private table(b: Extract<Block, { kind: 'table' }>) {
    const body: Run = { font: this.face.regular, size: BODY }
    const bold: Run = { font: this.face.bold, size: BODY }
    const lh = this.lineHeight(body)
    const cols = columnWidths(b.head, b.rows, CONTENT_WIDTH, GAP_X, (t, header) =>
      this.measure(t, header ? bold : body),
    )
    const numeric = new Set(b.numeric ?? [])
    const layoutRow = (cells: string[], run: Run) =>
      cols.map((c, i) => wrapText(cells[i] ?? '', c.width, (t) => this.measure(t, run)))
    const head = layoutRow(b.head, bold)
    const rowHeight = (lines: string[][]) => Math.max(1, ...lines.map((l) => l.length)) * lh + 2 * PAD_Y
    const table = this.node('Table')
    // The header row is tagged once, as TH cells; where it is repeated on later pages it is an artifact.
    const drawHead = (tr?: Node) => {
      this.row(head, cols, numeric, bold, lh, tr && this.cells(tr, 'TH', cols.length))
      this.rule(1, TEXT)
    }
    this.y += 6
    const first = b.rows[0] ? rowHeight(layoutRow(b.rows[0], body)) : 0
    // The caption stays with the header row and the first row of figures.
    this.room(lh + 4 + rowHeight(head) + first)
    this.lines(b.caption, bold, MARGIN.left, CONTENT_WIDTH, this.node('Caption', table))
    this.y += 4
    drawHead(this.node('TR', table))
    for (const r of b.rows) {
      const lines = layoutRow(r, body)
      // A row that fits on a page is not split across two (Word's "allow row to break across pages" off).
      if (this.room(rowHeight(lines))) drawHead()
      const tr = this.node('TR', table)
      this.row(lines, cols, numeric, body, lh, this.cells(tr, 'TD', cols.length), drawHead)
      this.rule(0.5, RULE)
    }
    table.el.end()
    this.y += 10
  }

  /** The cells of a table row, header cells scoped to their column. */
  private cells(tr: Node, tag: 'TH' | 'TD', n: number): Node[] {
    // pdfkit writes /A << /O /Table /Scope /Column >> for `scope`, which its type definitions lack.
    const options = (tag === 'TH' ? { scope: 'Column' } : undefined) as StructOptions | undefined
    return Array.from({ length: n }, () => this.node(tag, tr, options))
  }

  /**
   * One table row, line by line; a row taller than a page continues under a repeated header. Its text is
   * tagged as the given cells, or drawn as an artifact without them.
   */
  private row(
    lines: string[][],
    cols: Array<{ x: number; width: number }>,
    numeric: Set<number>,
    run: Run,
    lh: number,
    cells?: Node[],
    onBreak?: () => void,
  ) {
    const height = Math.max(1, ...lines.map((l) => l.length))
    this.y += PAD_Y
    for (let k = 0; k < height; k++) {
      if (this.y + lh > BOTTOM && onBreak) {
        this.newPage()
        onBreak()
        this.y += PAD_Y
      }
      cols.forEach((c, i) => {
        const line = lines[i]?.[k]
        if (!line) return
        const x = numeric.has(i) ? c.x + c.width - this.measure(line, run) : c.x
        this.mark(cells?.[i], () => this.text(line, run, MARGIN.left + x, this.y), 'Pagination')
      })
      this.y += lh
    }
    this.y += PAD_Y
  }

  private rule(width: number, colour: string) {
    this.mark(undefined, () =>
      this.pdf
        .moveTo(MARGIN.left, this.y)
        .lineTo(MARGIN.left + CONTENT_WIDTH, this.y)
        .lineWidth(width)
        .strokeColor(colour)
        .stroke(),
    )
  }

  /** Wrapped text from the cursor, breaking pages between lines, tagged as `node`. */
  private lines(text: string, run: Run, x: number, width: number, node: Node) {
    const lh = this.lineHeight(run)
    for (const line of wrapText(text, width, (t) => this.measure(t, run))) {
      this.room(lh)
      this.mark(node, () => this.text(line, run, x, this.y))
      this.y += lh
    }
    node.el.end()
  }

  private text(text: string, run: Run, x: number, y: number) {
    this.pdf.font(run.font).fontSize(run.size).text(text, x, y, { lineBreak: false })
  }

  private lineHeight(run: Run): number {
    return this.pdf.font(run.font).fontSize(run.size).currentLineHeight(true)
  }

  /** Starts a new page unless `height` fits below the cursor; true when it did. */
  private room(height: number): boolean {
    if (this.y + height <= BOTTOM || this.y === MARGIN.top) return false
    this.newPage()
    return true
  }

  private newPage() {
    this.pdf.addPage()
    this.y = MARGIN.top
  }

  private footers() {
    const run: Run = { font: this.face.regular, size: 9 }
    const { start, count } = this.pdf.bufferedPageRange()
    for (let i = start; i < start + count; i++) {
      this.pdf.switchToPage(i)
      const label = `Page ${i - start + 1} of ${count}`
      // The footer sits in the bottom margin, so the margin is lifted while it is written.
      this.pdf.page.margins.bottom = 0
      this.mark(
        undefined,
        () => this.text(label, run, (A4.width - this.measure(label, run)) / 2, BOTTOM + 20),
        'Pagination',
      )
      this.pdf.page.margins.bottom = MARGIN.bottom
    }
  }
}

/**
 * Any character Windows-1252 (the standard fonts' WinAnsiEncoding) lacks: outside printable ASCII and
 * Latin-1, only these typographic marks and letters are in it. (A regular expression, not a loop over
 * charCodeAt: V8 can fall into re-walking the concatenated string on every call, minutes on a large paper.)
 */
const NOT_WIN_ANSI =
  /[^\n\x20-\x7e\xa0-\xff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]/

/** True when every character of the paper can be set in a standard 14 font. */
export function inWinAnsi(doc: PaperDocument): boolean {
  return !NOT_WIN_ANSI.test(documentText(doc)) && !NOT_WIN_ANSI.test(doc.author)
}
