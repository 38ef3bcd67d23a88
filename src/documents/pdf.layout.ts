/**
 * Line breaking and table column widths for the PDF renderer: pure arithmetic over a text-measuring
 * function, so it can be tested without producing a PDF.
 */

/** Width in points of `text` set in `run`. */
export type Measure = (text: string, run: { font: string; size: number }) => number

/** Lets a word exactly as wide as its column stay on the line despite floating-point rounding. */
const SLACK = 0.01

/**
 * Greedy line breaking at spaces (what a reader expects of a council paper: no hyphenation). A word wider
 * than the line is broken between characters rather than running into the next column.
 */
export function wrapText(text: string, width: number, measure: (t: string) => number): string[] {
  const words = text.split(/\s+/).filter((w) => w !== '')
  if (words.length === 0) return []
  const space = measure(' ')
  const lines: string[] = []
  let line = ''
  let used = 0
  for (const word of words) {
    const w = measure(word)
    if (line !== '' && used + space + w <= width + SLACK) {
      line += ` ${word}`
      used += space + w
      continue
    }
    if (line !== '') lines.push(line)
    if (w <= width + SLACK) {
      line = word
      used = w
      continue
    }
    // A word longer than the line: as many characters per line as fit.
    let piece = ''
    for (const ch of word) {
      if (piece !== '' && measure(piece + ch) > width + SLACK) {
        lines.push(piece)
        piece = ''
      }
      piece += ch
    }
    line = piece
    used = measure(piece)
  }
  if (line !== '') lines.push(line)
  return lines
}

export interface Column {
  /** Left edge of the column's text, from the left margin. */
  x: number
  /** Width available to the column's text. */
  width: number
}

/**
 * The column with the most text takes the free width and wraps; the others size to their content, so short
 * values such as references, ratings and dates stay on one line and read back whole. When the content is
 * too wide for the page, the other columns give up width towards their longest word before the text column
 * drops below 15% of the table.
 */
export function columnWidths(
  head: string[],
  rows: string[][],
  tableWidth: number,
  gap: number,
  measure: (text: string, header: boolean) => number,
): Column[] {
  const n = head.length
  if (n === 0) return []
  const avail = tableWidth - gap * (n - 1)
  const widest = (t: string, header: boolean) => Math.max(0, ...t.split(/\s+/).map((w) => measure(w, header)))
  // Headings may wrap at their spaces ("Delivery / confidence"); the figures under them should not.
  const minW = head.map((h) => widest(h, true))
  const maxW = minW.slice()
  const chars = head.map((h) => h.length)
  for (const r of rows)
    for (let i = 0; i < n; i++) {
      const cell = r[i] ?? ''
      maxW[i] = Math.max(maxW[i]!, measure(cell, false))
      minW[i] = Math.max(minW[i]!, widest(cell, false))
      chars[i]! += cell.length
    }
  const star = chars.indexOf(Math.max(...chars))
  const widths = maxW.slice()
  const others = widths.map((_, i) => i).filter((i) => i !== star)
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
  const sumMax = sum(others.map((i) => maxW[i]!))
  const sumMin = sum(others.map((i) => minW[i]!))
  // The text column's longest word counts only as far as the others keep theirs: an unbreakable string in
  // it is broken between characters rather than squeezing references to a letter a line.
  const budget = avail - Math.max(Math.min(minW[star]!, avail - sumMin), Math.min(maxW[star]!, avail * 0.15))
  for (const i of others) {
    if (sumMax <= budget) widths[i] = maxW[i]!
    else if (sumMin <= budget)
      widths[i] = minW[i]! + ((maxW[i]! - minW[i]!) * (budget - sumMin)) / (sumMax - sumMin)
    else widths[i] = (minW[i]! * Math.max(budget, 0)) / sumMin
  }
  widths[star] = Math.max(avail - sum(others.map((i) => widths[i]!)), 0)
  let x = 0
  return widths.map((width) => {
    const col = { x, width }
    x += width + gap
    return col
  })
}
