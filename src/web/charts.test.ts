import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { horizontalBarChart, lineChart, stackedShareChart } from './charts.ts'

describe('horizontalBarChart', () => {
  it('labels the image for assistive technology and prints each value', () => {
    const svg = horizontalBarChart({
      id: 'dca',
      title: 'Projects by rating',
      description: 'Green 3, Red 1',
      bars: [
        { label: 'Green', value: 3, colour: '#00703c' },
        { label: 'Red', value: 1, colour: '#b10e1e' },
      ],
    })
    assert.match(svg, /role="img"/)
    assert.match(svg, /aria-labelledby="dca-title dca-desc"/)
    assert.match(svg, /<title id="dca-title">Projects by rating<\/title>/)
    assert.match(svg, />3<\/text>/)
    assert.match(svg, />1<\/text>/)
  })

  it('escapes labels and scales the longest bar to the plot width', () => {
    const svg = horizontalBarChart({
      id: 'x',
      title: 'A & B',
      description: '<d>',
      bars: [
        { label: '<script>', value: 10, colour: '#000' },
        { label: 'zero', value: 0, colour: '#000' },
      ],
      width: 560,
    })
    assert.ok(!svg.includes('<script>'))
    assert.match(svg, /&lt;script&gt;/)
    assert.match(svg, /width="362" height="28"/)
    assert.match(svg, /width="0" height="28"/)
  })

  it("prints a bar's own text for its value, with room for it beside the longest bar", () => {
    const svg = horizontalBarChart({
      id: 'b',
      title: 'Planned and realised',
      description: 'By year',
      bars: [{ label: '2021/22 planned', value: 42000, colour: '#000', text: '42,000 contacts' }],
      width: 560,
    })
    assert.match(svg, />42,000 contacts<\/text>/)
    // 15 characters at 9 px and a margin: the plot gives way so the text is not cut off at the edge.
    assert.match(svg, /width="267" height="28"/)
  })
})

describe('lineChart', () => {
  it('draws each line through its values, leaves gaps, dashes the target and keys both', () => {
    const svg = lineChart({
      id: 'trend',
      title: 'Telephone contacts',
      description: 'From 100 to 40',
      labels: ['Apr 2025', 'May 2025', 'Jun 2025'],
      lines: [
        { label: 'Value', values: [100, null, 40], colour: '#1d70b8' },
        { label: 'Target', values: [80, 80, 80], colour: '#0b0c0c', dashed: true },
      ],
      width: 400,
      height: 200,
    })
    assert.match(svg, /role="img"/)
    assert.match(svg, /<title id="trend-title">Telephone contacts<\/title>/)
    // 0 to 100 on a plot from y=28 to y=160; x from 72 to 384: the gap starts a new segment.
    assert.match(svg, /d="M72 28M384 107.2"/)
    assert.match(
      svg,
      /d="M72 54.4L228 54.4L384 54.4" fill="none" stroke="#0b0c0c" stroke-width="2" stroke-dasharray="8 5"/,
    )
    assert.match(svg, />Target<\/text>/)
    assert.match(svg, /text-anchor="start"[^>]*>Apr 2025<\/text>/)
    assert.match(svg, /text-anchor="end"[^>]*>Jun 2025<\/text>/)
  })

  it('labels at most six periods and formats the axis in the unit', () => {
    const labels = Array.from({ length: 120 }, (_, i) => `m${i}`)
    const svg = lineChart({
      id: 'long',
      title: 't',
      description: 'd',
      labels,
      lines: [{ label: 'Value', values: labels.map((_, i) => i), colour: '#000' }],
      format: (v) => `${v}%`,
    })
    assert.equal((svg.match(/>m\d+<\/text>/g) ?? []).length, 6)
    assert.match(svg, />200%<\/text>/)
    assert.ok(!svg.includes('<circle'), 'no dots on a long series')
  })
})

describe('stackedShareChart', () => {
  it('stacks each column to 100% in the order given', () => {
    const svg = stackedShareChart({
      id: 'mix',
      title: 'Channel shift',
      description: 'Telephone falls, web rises',
      labels: ['2019', '2020'],
      stacks: [
        { label: 'Telephone', values: [75, 25], colour: '#d4351c' },
        { label: 'Web', values: [25, 75], colour: '#1d70b8' },
      ],
      width: 248,
      height: 196,
    })
    // The key takes a line a series (top 16 + 2 × 20), so the plot is 100 high from y=56; columns 96 wide.
    assert.match(svg, /<rect x="57.6" y="81" width="76.8" height="75" fill="#d4351c">/)
    assert.match(svg, /<rect x="57.6" y="56" width="76.8" height="25" fill="#1d70b8">/)
    assert.match(svg, /<rect x="153.6" y="131" width="76.8" height="25" fill="#d4351c">/)
    assert.match(svg, />Telephone<\/text>/)
    assert.match(
      svg,
      /<rect x="48" y="26" width="14" height="14" fill="#1d70b8"><\/rect><text x="68" y="38"[^>]*>Web</,
    )
    assert.match(svg, />100%<\/text>/)
  })
})
