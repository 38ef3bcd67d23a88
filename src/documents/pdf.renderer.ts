import { createRequire } from 'node:module'
import path from 'node:path'
import type { Content, TDocumentDefinitions, TFontDictionary } from 'pdfmake/interfaces.js'
import type { Block, PaperDocument } from './document.model.ts'

interface PdfMakeServer {
  setFonts(fonts: TFontDictionary): void
  setUrlAccessPolicy(cb: (url: string) => boolean): void
  setLocalAccessPolicy(cb: (path: string) => boolean): void
  createPdf(def: TDocumentDefinitions): { getBuffer(): Promise<Buffer> }
}

const require = createRequire(import.meta.url)
const pdfmake = require('pdfmake') as PdfMakeServer
const fontDir = path.join(path.dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto')
const ROBOTO = {
  normal: path.join(fontDir, 'Roboto-Regular.ttf'),
  bold: path.join(fontDir, 'Roboto-Medium.ttf'),
  italics: path.join(fontDir, 'Roboto-Italic.ttf'),
  bolditalics: path.join(fontDir, 'Roboto-MediumItalic.ttf'),
}
pdfmake.setFonts({ Roboto: ROBOTO })
// Papers are built from our own data: no images or fonts are fetched from the network, and only the bundled
// fonts are read from disk.
pdfmake.setUrlAccessPolicy(() => false)
const allowed = new Set(Object.values(ROBOTO))
pdfmake.setLocalAccessPolicy((p) => allowed.has(p))

/**
 * A PDF with the document title shown in the viewer's title bar, British English set as its language,
 * author and subject in its metadata, and table header rows repeated on every page. pdfmake 0.3 can mark
 * a PDF as tagged but does not write a structure tree, so headings are distinguished visually and by the
 * outline order only; the DOCX is the accessible editable format.
 */
export async function renderPdf(doc: PaperDocument): Promise<Buffer> {
  const content: Content[] = [{ text: doc.title, fontSize: 20, bold: true, margin: [0, 0, 0, 8] }]
  if (doc.subtitle) content.push({ text: doc.subtitle, fontSize: 13, margin: [0, 0, 0, 12] })
  for (const b of doc.blocks) content.push(block(b))
  const definition: TDocumentDefinitions = {
    info: { title: doc.title, author: doc.author, subject: doc.subtitle ?? doc.title, creator: 'Oversight' },
    language: doc.language,
    displayTitle: true,
    tagged: true,
    pageSize: 'A4',
    pageMargins: [50, 50, 50, 60],
    footer: (current: number, total: number) => ({
      text: `Page ${current} of ${total}`,
      alignment: 'center',
      fontSize: 9,
      margin: [0, 20, 0, 0],
    }),
    content,
    defaultStyle: { font: 'Roboto', fontSize: 10.5 },
  }
  return pdfmake.createPdf(definition).getBuffer()
}

function block(b: Block): Content {
  // Properties are set on each node rather than through named styles, and plain cells stay plain strings:
  // pdfmake resolves named styles per text run, which was most of its time on a 200-project report.
  switch (b.kind) {
    case 'heading':
      return b.level === 2
        ? { text: b.text, fontSize: 15, bold: true, margin: [0, 14, 0, 6], headlineLevel: 2 }
        : { text: b.text, fontSize: 12, bold: true, margin: [0, 10, 0, 4], headlineLevel: 3 }
    case 'paragraph':
      return { text: b.text, margin: [0, 0, 0, 6] }
    case 'list':
      // Copies: pdfmake writes layout state into the arrays it is given.
      return b.ordered
        ? { ol: [...b.items], margin: [0, 0, 0, 6] }
        : { ul: [...b.items], margin: [0, 0, 0, 6] }
    case 'table': {
      const numeric = new Set(b.numeric ?? [])
      const cell = (text: string, i: number) =>
        numeric.has(i) ? { text, alignment: 'right' as const } : text
      return [
        { text: b.caption, bold: true, margin: [0, 6, 0, 4], keepWithNext: true } as Content,
        {
          table: {
            headerRows: 1,
            widths: columnWidths(b.head, b.rows),
            body: [
              b.head.map((h, i) => ({
                text: h,
                bold: true,
                alignment: numeric.has(i) ? ('right' as const) : ('left' as const),
              })),
              ...b.rows.map((r) => r.map(cell)),
            ],
          },
          layout: 'lightHorizontalLines',
          margin: [0, 0, 0, 10],
        },
      ]
    }
  }
}

/**
 * The column with the most text takes the free width and wraps; the others size to their content, so short
 * values such as references and dates stay on one line and read back whole.
 */
function columnWidths(head: string[], rows: string[][]): Array<'*' | 'auto'> {
  const totals = head.map((h, i) => rows.reduce((n, r) => n + (r[i]?.length ?? 0), h.length))
  const widest = totals.indexOf(Math.max(...totals))
  return head.map((_, i) => (i === widest ? '*' : 'auto'))
}
