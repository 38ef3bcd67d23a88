import {
  AlignmentType,
  Document,
  HeadingLevel,
  LevelFormat,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx'
import type { Block, PaperDocument } from './document.model.ts'

const NUMBERED = 'paper-numbered'

/**
 * A Word document a screen reader can navigate: Word's own Heading 1–3 styles (so the navigation pane and
 * assistive technology see the structure), header rows marked to repeat on every page, the document title
 * in its properties and British English as the proofing language.
 */
export async function renderDocx(doc: PaperDocument): Promise<Buffer> {
  const children: Array<Paragraph | Table> = [
    new Paragraph({ text: doc.title, heading: HeadingLevel.HEADING_1 }),
  ]
  if (doc.subtitle)
    children.push(new Paragraph({ children: [new TextRun({ text: doc.subtitle, size: 28 })] }))
  let listInstance = 0
  for (const b of doc.blocks) children.push(...block(b, () => ++listInstance))
  const document = new Document({
    title: doc.title,
    creator: doc.author,
    description: doc.subtitle ?? doc.title,
    styles: {
      default: {
        document: { run: { font: 'Arial', size: 22, language: { value: doc.language } } },
        heading1: { run: { font: 'Arial', size: 40, bold: true, color: '0B0C0C' } },
        heading2: { run: { font: 'Arial', size: 32, bold: true, color: '0B0C0C' } },
        heading3: { run: { font: 'Arial', size: 26, bold: true, color: '0B0C0C' } },
      },
    },
    numbering: {
      config: [
        {
          reference: NUMBERED,
          levels: [{ level: 0, format: LevelFormat.DECIMAL, text: '%1.', alignment: AlignmentType.START }],
        },
      ],
    },
    sections: [{ children }],
  })
  return Packer.toBuffer(document)
}

function block(b: Block, nextList: () => number): Array<Paragraph | Table> {
  switch (b.kind) {
    case 'heading':
      return [
        new Paragraph({
          text: b.text,
          heading: b.level === 2 ? HeadingLevel.HEADING_2 : HeadingLevel.HEADING_3,
        }),
      ]
    case 'paragraph':
      return [new Paragraph({ text: b.text, spacing: { after: 120 } })]
    case 'list': {
      const instance = nextList()
      return b.items.map((text) =>
        b.ordered
          ? new Paragraph({ text, numbering: { reference: NUMBERED, level: 0, instance } })
          : new Paragraph({ text, bullet: { level: 0 } }),
      )
    }
    case 'table': {
      const numeric = new Set(b.numeric ?? [])
      const cell = (text: string, i: number, bold: boolean) =>
        new TableCell({
          children: [
            new Paragraph({
              alignment: numeric.has(i) ? AlignmentType.RIGHT : AlignmentType.LEFT,
              children: [new TextRun({ text, bold })],
            }),
          ],
        })
      return [
        new Paragraph({ children: [new TextRun({ text: b.caption, bold: true })], keepNext: true }),
        new Table({
          width: { size: 100, type: WidthType.PERCENTAGE },
          rows: [
            // tableHeader repeats the row at the top of each page and tells assistive technology it heads the columns.
            new TableRow({
              tableHeader: true,
              cantSplit: true,
              children: b.head.map((h, i) => cell(h, i, true)),
            }),
            ...b.rows.map(
              (r) => new TableRow({ cantSplit: true, children: r.map((c, i) => cell(c, i, false)) }),
            ),
          ],
        }),
        new Paragraph({ text: '' }),
      ]
    }
  }
}
