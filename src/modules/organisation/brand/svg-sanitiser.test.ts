import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SaxesParser } from 'saxes'
import { sanitiseSvg, SVG_MAX_BYTES } from './svg-sanitiser.ts'

const NS = 'xmlns="http://www.w3.org/2000/svg"'
const XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'

function clean(svg: string): { svg: string; removed: string[] } {
  const out = sanitiseSvg(Buffer.from(svg))
  assert.ok('svg' in out, `refused: ${'problem' in out ? out.problem : ''}`)
  // Whatever comes out is well-formed XML again.
  new SaxesParser({ xmlns: true }).write(out.svg).close()
  return out
}
function refused(svg: string | Buffer): string {
  const out = sanitiseSvg(Buffer.isBuffer(svg) ? svg : Buffer.from(svg))
  assert.ok('problem' in out, `not refused: ${'svg' in out ? out.svg : ''}`)
  return out.problem
}

describe('SVG logo sanitiser', () => {
  it('keeps a plain drawing as it is', () => {
    const { svg, removed } = clean(
      `<svg ${NS} viewBox="0 0 40 40" role="img" aria-label="Logo"><title>Logo</title><rect x="1" y="1" width="38" height="38" fill="#1d4f3a" stroke="url(#g)"/><text x="4" y="30">A &amp; B</text></svg>`,
    )
    assert.deepEqual(removed, [])
    assert.match(svg, /<rect x="1" y="1" width="38" height="38" fill="#1d4f3a" stroke="url\(#g\)"><\/rect>/)
    assert.match(svg, /<text x="4" y="30">A &amp; B<\/text>/)
  })

  it('takes out script, whatever its prefix or case of spelling', () => {
    const { svg, removed } = clean(
      `<svg ${NS} xmlns:s="http://www.w3.org/2000/svg"><script>alert(1)</script><s:script>alert(2)</s:script><SCRIPT>alert(3)</SCRIPT><circle r="4"/></svg>`,
    )
    assert.doesNotMatch(svg, /script|alert/i)
    assert.ok(removed.includes('<script>'))
    assert.match(svg, /<circle r="4">/)
  })

  it('takes out event attributes (onload, onclick, onmouseover in any case)', () => {
    const { svg } = clean(
      `<svg ${NS} onload="alert(1)"><rect onClick="alert(2)" ONMOUSEOVER="x" width="1"/></svg>`,
    )
    assert.doesNotMatch(svg, /on\w+=|alert/i)
    assert.match(svg, /<rect width="1">/)
  })

  it('takes out foreignObject with all it holds, and animation that could rewrite an href', () => {
    const { svg, removed } = clean(
      `<svg ${NS}><foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="javascript:alert(1)"/></foreignObject><a><set attributeName="href" to="javascript:alert(1)"/><animate attributeName="href" values="javascript:alert(1)"/></a></svg>`,
    )
    assert.equal(svg, `<svg ${NS}></svg>`)
    assert.ok(removed.includes('<foreignObject>'))
  })

  it('keeps only references within the drawing: xlink:href=javascript:, character references and external files go', () => {
    const { svg } = clean(
      `<svg ${NS} ${XLINK}><use xlink:href="javascript:alert(1)"/><use href="&#x6a;avascript:alert(1)"/><use href="https://evil.example/x.svg#a"/><use xlink:href="#mark"/><rect fill="url(https://evil.example/p)" width="2"/><image href="data:image/png;base64,AAAA"/></svg>`,
    )
    assert.doesNotMatch(svg, /javascript|evil|data:|image/i)
    assert.match(svg, /<use href="#mark"><\/use>/)
    assert.match(svg, /<rect width="2">/)
  })

  it('drops <style> that imports, loads a url() or hides either behind an escape; keeps plain CSS', () => {
    const { svg, removed } = clean(
      `<svg ${NS}><style>@import url(https://evil.example/x.css);</style><style>rect { background: url(https://evil.example/) }</style><style>rect { fill: \\75 rl(x) }</style><style><![CDATA[ rect { fill: #123456 } ]]></style><rect style="fill:url(https://evil.example/)"/><circle style="fill: #abcdef"/></svg>`,
    )
    assert.doesNotMatch(svg, /import|evil|\\75/)
    assert.match(svg, /<style> rect \{ fill: #123456 \} <\/style>/)
    assert.match(svg, /<circle style="fill: #abcdef">/)
    assert.ok(removed.some((r) => r.startsWith('<style>')))
  })

  it('refuses entity tricks: a DOCTYPE (internal entities, billion laughs, external entities) or an undefined entity', () => {
    assert.match(
      refused(
        `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><svg ${NS}><text>&b;</text></svg>`,
      ),
      /DOCTYPE/,
    )
    assert.match(refused(`<!doctype svg SYSTEM "file:///etc/passwd"><svg ${NS}/>`), /DOCTYPE/)
    assert.match(refused(`<svg ${NS}><text>&xxe;</text></svg>`), /not well-formed/)
  })

  it('refuses a huge file, a deeply nested one, what is not SVG, and broken XML', () => {
    assert.match(refused(Buffer.alloc(SVG_MAX_BYTES + 1, 0x20)), /larger than 200 KB/)
    assert.match(refused(`<svg ${NS}>${'<g>'.repeat(100)}${'</g>'.repeat(100)}</svg>`), /too complex/)
    assert.match(refused(`<svg ${NS}>${'<g/>'.repeat(6000)}</svg>`), /too complex/)
    assert.match(refused(`<html><body>hi</body></html>`), /not an SVG/)
    assert.match(refused(`<svg><rect/></svg>`), /not an SVG/)
    assert.match(refused(`<svg ${NS}><rect></svg>`), /not well-formed/)
  })

  it('escapes text and attribute values on the way out', () => {
    const { svg } = clean(
      `<svg ${NS}><title>&lt;script&gt;alert(1)&lt;/script&gt;</title><rect id="a&quot;b"/></svg>`,
    )
    assert.match(svg, /<title>&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/title>/)
    assert.match(svg, /id="a&quot;b"/)
  })
})
