import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { cleanText, cleanTextIn } from './text.ts'

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** Text as an attacker or a broken client might send it: any UTF-16 units, escapes and controls mixed in. */
const hostile = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)) }),
      fc.constantFrom(
        '\u001b[31m',
        '\u001b[2J',
        '\u001b]0;owned\u0007',
        '\u009b1m',
        '\u0000',
        '\ud800',
        'e\u0301',
      ),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''))

describe('cleanText', () => {
  it('leaves ordinary text alone, tabs and line breaks included', () => {
    for (const s of [
      'Website',
      'Café — £1,250',
      'Line one\r\nLine two\tend',
      'Ysgol Gymraeg Bro Dinefwr 🏫',
      '',
    ])
      assert.equal(cleanText(s), s)
  })

  it('removes NUL and control characters', () => {
    assert.equal(cleanText('Web\u0000site\u0007'), 'Website')
    assert.equal(cleanText('a\u0085b\u0081c\u007f'), 'abc')
  })

  it('removes terminal escape sequences whole', () => {
    assert.equal(cleanText('\u001b[31mRed\u001b[0m alert'), 'Red alert')
    assert.equal(cleanText('\u001b]0;Pwned\u0007Title'), 'Title')
    assert.equal(cleanText('\u001b]8;;http://x.test\u001b\\link\u001b]8;;\u001b\\'), 'link')
    assert.equal(cleanText('clear\u001b[2J\u001b[H'), 'clear')
    assert.equal(cleanText('8-bit \u009b1mbold'), '8-bit bold')
  })

  it('replaces a lone surrogate and keeps a pair', () => {
    assert.equal(cleanText('a\ud800b'), 'a\ufffdb')
    assert.equal(cleanText('a\udc00'), 'a\ufffd')
    assert.equal(cleanText('\ud83c\udfeb'), '🏫')
  })

  it('composes to NFC', () => {
    assert.equal(cleanText('Cafe\u0301'), 'Café')
  })

  it('whatever arrives, the result is well-formed NFC text without controls, and cleaning it again changes nothing', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const out = cleanText(s)
        assert.doesNotMatch(out, FORBIDDEN)
        assert.doesNotMatch(out, LONE)
        assert.equal(out, out.normalize('NFC'))
        assert.equal(cleanText(out), out)
        // Round-trips through UTF-8, as PostgreSQL stores it.
        assert.equal(Buffer.from(out, 'utf8').toString('utf8'), out)
      }),
      { numRuns: 2000 },
    )
  })

  it('printable ASCII and tab/newline text is never changed', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...' abcXYZ019!?[]\\;\t\n\r'.split('')) }),
        (s) => cleanText(s) === s,
      ),
    )
  })
})

describe('cleanTextIn', () => {
  it('cleans every string in a body, in nested objects and arrays, and leaves other values', () => {
    const body = { name: 'a\u0000b', n: 3, ok: true, none: null, list: ['\u001b[1mx', { deep: 'y\ud800' }] }
    assert.deepEqual(cleanTextIn(body), {
      name: 'ab',
      n: 3,
      ok: true,
      none: null,
      list: ['x', { deep: 'y\ufffd' }],
    })
  })

  it('cleans a querystring object, which has no prototype', () => {
    const q = Object.assign(Object.create(null) as Record<string, unknown>, {
      q: 'x\u0000',
      many: ['\u0007a'],
    })
    assert.deepEqual({ ...(cleanTextIn(q) as object) }, { q: 'x', many: ['a'] })
  })

  it('leaves buffers alone', () => {
    const b = Buffer.from([0, 1, 2])
    assert.equal(cleanTextIn(b), b)
  })
})
