import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pngOf } from '../../../../test/helpers/png.ts'
import { checkPng, contrastRatio, formatRatio, headerContrastProblem, normaliseHex } from './brand.rules.ts'

describe('header colour contrast (WCAG 2.2, 1.4.3)', () => {
  it('computes the WCAG ratio: white on black is 21:1, the same colour 1:1, GOV.UK blue on white 5.16:1 (5.17 rounded)', () => {
    assert.equal(contrastRatio('#ffffff', '#000000').toFixed(2), '21.00')
    assert.equal(contrastRatio('#1d70b8', '#1d70b8'), 1)
    assert.equal(formatRatio(contrastRatio('#1d70b8', '#ffffff')), '5.16:1')
  })

  it('refuses white text on yellow, naming the ratio and the way out; accepts near-black text on it', () => {
    const problem = headerContrastProblem('#ffdd00', 'light')
    assert.match(problem ?? '', /contrast ratio of 1\.\d\d:1 against #ffdd00; it must be at least 4\.5:1/)
    assert.match(problem ?? '', /Choose near-black text, or a darker colour/)
    assert.equal(headerContrastProblem('#ffdd00', 'dark'), null)
    assert.equal(headerContrastProblem('#1d4f3a', 'light'), null)
  })

  it('never shows a refused ratio as 4.5:1 (rounded down)', () => {
    // #767676 on white is 4.54:1; #777777 is 4.47:1, which rounding to one place would show as 4.5.
    assert.equal(headerContrastProblem('#767676', 'light'), null)
    assert.match(headerContrastProblem('#777777', 'light') ?? '', /4\.47:1/)
  })

  it('reads hex codes with or without #, short or long, and nothing else', () => {
    assert.equal(normaliseHex('#ABC'), '#aabbcc')
    assert.equal(normaliseHex(' 1d4f3a '), '#1d4f3a')
    for (const bad of ['red', '#12345', '#1234567', 'url(x)', '#12345g', ''])
      assert.equal(normaliseHex(bad), null, bad)
  })
})

describe('PNG logos are checked from their bytes', () => {
  it('accepts a whole PNG and reads its size', () => {
    assert.deepEqual(checkPng(pngOf(120, 40)), { width: 120, height: 40 })
  })

  it('refuses what only claims to be a PNG, a truncated one and absurd dimensions', () => {
    assert.match((checkPng(Buffer.from('<svg/>'.padEnd(60))) as { problem: string }).problem, /PNG or SVG/)
    const whole = pngOf(10, 10)
    assert.match((checkPng(whole.subarray(0, whole.length - 5)) as { problem: string }).problem, /incomplete/)
    assert.match((checkPng(pngOf(20000, 10)) as { problem: string }).problem, /20000 × 10 pixels/)
    const noHeader = Buffer.from(whole)
    noHeader.write('IDAT', 12, 'latin1')
    assert.match((checkPng(noHeader) as { problem: string }).problem, /image header/)
  })
})
