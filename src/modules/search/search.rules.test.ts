import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { highlight, parseQuery, postgresTsQuery, snippet, sqliteMatch } from './search.rules.ts'

const unmark = (html: string) =>
  html
    .replaceAll('<mark>', '')
    .replaceAll('</mark>', '')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&')

describe('search query rules', () => {
  it('reads words only: operators, quotes and stars are words or separators, never syntax', () => {
    assert.deepEqual(parseQuery('"Quayside" AND flood*'), { terms: ['quayside', 'and', 'flood'] })
    assert.deepEqual(parseQuery('NEAR(a b) col:x -y ^z'), { terms: ['near', 'a', 'b', 'col', 'x', 'y', 'z'] })
    assert.deepEqual(parseQuery('Café café CAFÉ 東京'), { terms: ['café', '東京'] })
    assert.deepEqual(parseQuery(''), { error: 'Enter words to search for' })
    assert.deepEqual(parseQuery(undefined), { error: 'Enter words to search for' })
    assert.deepEqual(parseQuery(' * '), { error: 'Enter words to search for, using letters or numbers' })
    assert.deepEqual(parseQuery('x'.repeat(1001)), { error: 'Search for 1,000 characters or fewer' })
    const many = parseQuery(Array.from({ length: 30 }, (_, i) => `w${i}`).join(' '))
    assert.ok('terms' in many && many.terms.length === 12)
  })

  it("builds each dialect's query from quoted prefix terms", () => {
    assert.equal(sqliteMatch(['flood', 'and']), '"flood"* "and"*')
    assert.equal(postgresTsQuery(['flood', 'and']), "'flood':* & 'and':*")
  })

  it('gives only letters and digits to the full-text query, whatever is typed', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (input) => {
        const parsed = parseQuery(input)
        if ('error' in parsed) return
        for (const term of parsed.terms) assert.match(term, /^[\p{L}\p{N}]+$/u)
      }),
    )
  })
})

describe('search highlighting', () => {
  it('escapes the text, then marks the words that begin with a term', () => {
    assert.equal(
      highlight('<script>Flooding</script> & "floods"', ['flood']),
      '&lt;script&gt;<mark>Flooding</mark>&lt;/script&gt; &amp; &quot;<mark>floods</mark>&quot;',
    )
    assert.equal(
      highlight('<mark>x</mark>', ['mark']),
      '&lt;<mark>mark</mark>&gt;x&lt;/<mark>mark</mark>&gt;',
    )
  })

  it('never lets text through as markup, and loses none of it', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 120 }),
        fc.array(fc.stringMatching(/^[a-z]{1,3}$/), { maxLength: 3 }),
        (text, terms) => {
          const html = highlight(text, terms)
          assert.equal(unmark(html), text)
          assert.doesNotMatch(html.replaceAll('<mark>', '').replaceAll('</mark>', ''), /[<>"']/)
        },
      ),
    )
  })

  it('shows a passage round the first match of a long body', () => {
    const body = `${'Lorem ipsum dolor sit amet. '.repeat(20)}The heron survey found nests. ${'More text follows. '.repeat(20)}`
    const passage = snippet(body, ['heron'])
    assert.match(passage, /^… .*<mark>heron<\/mark> survey.* …$/)
    assert.ok(unmark(passage).length < 260)
    assert.equal(snippet('  Short\n body ', ['body']), 'Short <mark>body</mark>')
  })
})
