import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { horizontalBarChart } from './charts.ts'

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
