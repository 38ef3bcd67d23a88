import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { describe, it } from 'node:test'
import { h2, h3, list, para, table, type PaperDocument } from './document.model.ts'
import { inWinAnsi, renderPdf } from './pdf.renderer.ts'

/** Text as pdftotext lays it out, one string per page. */
const pages = (pdf: Buffer): string[] =>
  execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8').split('\f')

const paper = (blocks: PaperDocument['blocks'], title = 'Progress update'): PaperDocument => ({
  title,
  subtitle: 'Performance Monitoring Panel, 15 July 2021',
  language: 'en-GB',
  author: 'Programme manager',
  blocks,
})

const projects = Array.from({ length: 120 }, (_, i) => [
  `ICT-${String(i + 1).padStart(3, '0')}`,
  `Project ${i + 1}: website content and accessibility improvements for residents`,
  'Delivery',
  'Amber/Red',
  'June 2021',
  '31 December 2021',
  '21 days late',
])
const head = ['Reference', 'Project', 'Stage', 'Delivery confidence', 'Rated for', 'Forecast end', 'Slippage']

describe('PDF papers', () => {
  it('repeats the table header row on every page and keeps dates and slippage on one line', async () => {
    const pdf = await renderPdf(paper([h2('1. Progress by project'), table('Projects', head, projects)]))
    const text = pages(pdf).filter((p) => p.trim() !== '')
    assert.ok(text.length >= 3, `a long table runs over pages (${text.length})`)
    for (const [n, page] of text.entries()) {
      assert.match(page, /Reference\s+Project\s+Stage/, `page ${n + 1} starts the table with its header`)
      assert.match(page, new RegExp(`Page ${n + 1} of ${text.length}`))
    }
    const all = text.join('\n')
    assert.match(all, /ICT-120 +Project 120: .* 31 December 2021 +21 days late/)
    assert.equal(all.match(/31 December 2021/g)?.length, 120)
  })

  it('sets the title, author and British English in the file', async () => {
    const pdf = await renderPdf(paper([para('Text.')], 'ICT and Digital Work Programme progress update'))
    const info = execFileSync('pdfinfo', ['-'], { input: pdf }).toString('utf8')
    assert.match(info, /Title:\s+ICT and Digital Work Programme progress update/)
    assert.match(info, /Author:\s+Programme manager/)
    assert.ok(pdf.includes('/Lang (en-GB)'), 'document language set')
    assert.ok(pdf.includes('/DisplayDocTitle true'), 'viewer shows the title, not the file name')
  })

  it('is tagged: headings, paragraphs, lists and tables in the structure tree, page furniture as artifacts', async () => {
    const doc = paper([
      h2('1. Summary'),
      para('Text.'),
      list(['First', 'Second'], true),
      h3('Projects'),
      table('Projects', head, projects),
    ])
    const compressed = await renderPdf(doc)
    const info = execFileSync('pdfinfo', ['-'], { input: compressed }).toString('utf8')
    assert.match(info, /Tagged:\s+yes/)
    const pdf = (await renderPdf(doc, { compress: false })).toString('latin1')
    for (const tag of [
      'H1',
      'H2',
      'H3',
      'P',
      'L',
      'LI',
      'Lbl',
      'LBody',
      'Table',
      'Caption',
      'TR',
      'TH',
      'TD',
    ])
      assert.ok(pdf.includes(`/S /${tag}\n`), `structure element ${tag}`)
    assert.ok(pdf.includes('/StructTreeRoot'))
    assert.ok(pdf.includes('/Lang (en-GB)'))
    assert.ok(pdf.includes('/DisplayDocTitle true'))
    // The header row is tagged once; its repeats on later pages and the page numbers are artifacts.
    assert.equal(pdf.match(/\/S \/TH\n/g)?.length, head.length)
    assert.equal(pdf.match(/\/S \/TR\n/g)?.length, projects.length + 1)
    assert.match(pdf, /\/Artifact <<\s*\/Type \/Pagination\s*>> BDC/, 'page numbers are artifacts')
  })

  it('prints characters outside the standard fonts, such as Welsh and Polish letters', async () => {
    const doc = paper([para('Gŵyl Dewi and the Łódź partnership; cost £1,200 – “agreed”.')])
    assert.equal(inWinAnsi(doc), false)
    assert.equal(inWinAnsi(paper([para('Cost £1,200 – “agreed” … €5')])), true)
    const text = pages(await renderPdf(doc)).join(' ')
    assert.match(text, /Gŵyl Dewi and the Łódź partnership; cost £1,200 – “agreed”\./)
  })

  it('wraps long text and breaks an unbreakable word rather than running over the next column', async () => {
    const long = 'x'.repeat(300)
    const pdf = await renderPdf(paper([table('Issues', ['Project', 'Key issue'], [['ICT-01', long]])]))
    const text = pages(pdf).join('\n')
    assert.match(text, /ICT-01/)
    assert.equal((text.match(/x/g) ?? []).length, 300, 'every character printed')
    assert.ok(
      text.split('\n').every((line) => line.length < 200),
      'no line runs off the page',
    )
  })
})
