import { createRequire } from 'node:module'
import type { SaxesParser as SaxesParserType, SaxesTagNS } from 'saxes'

// An uploaded SVG logo is parsed as XML (saxes: a strict, maintained, non-validating parser that never fetches
// or expands a DTD) and written out again from an allowlist: only SVG drawing elements and presentation
// attributes survive, so script, foreignObject, event attributes, animation (which can rewrite an href),
// external references and CSS that loads anything are gone whatever spelling, namespace prefix or character
// reference they hide behind. Whatever is not understood is left out, never passed through. DOMPurify would
// need a whole DOM (jsdom) on the server for this one form; sanitize-html parses HTML, not XML namespaces.

const SVG_NS = 'http://www.w3.org/2000/svg'
const XLINK_NS = 'http://www.w3.org/1999/xlink'

export const SVG_MAX_BYTES = 200 * 1024
const MAX_ELEMENTS = 5000
const MAX_DEPTH = 64

const ELEMENTS = new Set([
  'svg',
  'g',
  'defs',
  'title',
  'desc',
  'symbol',
  'use',
  'path',
  'rect',
  'circle',
  'ellipse',
  'line',
  'polyline',
  'polygon',
  'text',
  'tspan',
  'linearGradient',
  'radialGradient',
  'stop',
  'clipPath',
  'mask',
  'style',
])

const ATTRIBUTES = new Set([
  'id',
  'class',
  'viewBox',
  'width',
  'height',
  'x',
  'y',
  'x1',
  'y1',
  'x2',
  'y2',
  'cx',
  'cy',
  'r',
  'rx',
  'ry',
  'fx',
  'fy',
  'dx',
  'dy',
  'd',
  'points',
  'transform',
  'preserveAspectRatio',
  'version',
  'role',
  'aria-label',
  'aria-hidden',
  'fill',
  'fill-opacity',
  'fill-rule',
  'stroke',
  'stroke-width',
  'stroke-linecap',
  'stroke-linejoin',
  'stroke-miterlimit',
  'stroke-dasharray',
  'stroke-dashoffset',
  'stroke-opacity',
  'opacity',
  'color',
  'display',
  'visibility',
  'offset',
  'stop-color',
  'stop-opacity',
  'gradientUnits',
  'gradientTransform',
  'spreadMethod',
  'clip-path',
  'clip-rule',
  'clipPathUnits',
  'mask',
  'maskUnits',
  'maskContentUnits',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'letter-spacing',
  'href',
  'style',
])

/** Elements whose text is kept: the drawing's words, its accessible name and description, and checked CSS. */
const TEXT_ELEMENTS = new Set(['text', 'tspan', 'title', 'desc', 'style'])

const LOCAL_REFERENCE = /^#[A-Za-z_][\w.:-]*$/
const URL_REFERENCE = /url\(\s*(['"]?)#[A-Za-z_][\w.:-]*\1\s*\)/g

/**
 * CSS a logo may keep: no at-rules (@import, @font-face), no escapes (which could spell any of these), no
 * url() but a reference to the drawing's own gradient or clip path, nothing that runs script in an old browser.
 */
export function safeCss(css: string): boolean {
  const rest = css.replace(URL_REFERENCE, '')
  return !/[@\\<>&]|url\s*\(|expression|behaviou?r|binding|javascript|image|src\s*\(/i.test(rest)
}

function safeValue(name: string, value: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(value)) return false
  if (name === 'href') return LOCAL_REFERENCE.test(value)
  if (name === 'style') return safeCss(value)
  if (/url\s*\(/i.test(value) && value.replace(URL_REFERENCE, '').match(/url\s*\(/i)) return false
  return !/(javascript|vbscript|data)\s*:/i.test(value)
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, '&quot;')

export type SanitisedSvg = { svg: string; removed: string[] } | { problem: string }

/** The SVG written out from the allowlist, with what was left out; or why it cannot be a logo at all. */
export function sanitiseSvg(input: Buffer): SanitisedSvg {
  if (input.length > SVG_MAX_BYTES)
    return { problem: `The SVG file is larger than ${SVG_MAX_BYTES / 1024} KB` }
  const text = input.toString('utf8')
  if (/<!DOCTYPE/i.test(text))
    return { problem: 'The SVG file has a DOCTYPE (which can define entities); save it without one' }

  const out: string[] = []
  const removed = new Set<string>()
  // For each open element: whether it is kept, and the text collected for a <style>.
  const stack: Array<{ kept: boolean; local: string; css?: string[]; start?: number }> = []
  let elements = 0
  let sawRoot = false
  let problem: string | null = null

  // Loaded when a logo is uploaded, not at start-up (an upload is rare; the parser stayed in every process).
  const { SaxesParser } = createRequire(import.meta.url)('saxes') as { SaxesParser: typeof SaxesParserType }
  const parser = new SaxesParser({ xmlns: true, position: false })
  const keptParent = () => stack.length > 0 && stack.every((s) => s.kept)

  parser.on('opentag', (tag: SaxesTagNS) => {
    elements++
    if (elements > MAX_ELEMENTS || stack.length >= MAX_DEPTH) {
      problem ??= 'The SVG file is too complex for a logo'
      throw new Error(problem)
    }
    if (!sawRoot) {
      sawRoot = true
      if (tag.uri !== SVG_NS || tag.local !== 'svg') {
        problem = 'The file is not an SVG image: it must start with <svg xmlns="http://www.w3.org/2000/svg">'
        throw new Error(problem)
      }
    }
    const inside = stack.length === 0 || keptParent()
    const allowed = inside && tag.uri === SVG_NS && ELEMENTS.has(tag.local)
    if (inside && !allowed) removed.add(`<${tag.local}>`)
    if (!allowed) {
      stack.push({ kept: false, local: tag.local })
      return
    }
    let attrs = stack.length === 0 ? ` xmlns="${SVG_NS}"` : ''
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue
      const name = a.uri === XLINK_NS && a.local === 'href' ? 'href' : a.uri === '' ? a.local : null
      if (name === null || !ATTRIBUTES.has(name) || !safeValue(name, a.value)) {
        removed.add(`${a.name} attribute`)
        continue
      }
      attrs += ` ${name}="${escapeAttr(a.value)}"`
    }
    if (tag.local === 'style') {
      stack.push({ kept: true, local: 'style', css: [], start: out.length })
      out.push(`<style${attrs}>`)
      return
    }
    stack.push({ kept: true, local: tag.local })
    out.push(`<${tag.local}${attrs}>`)
  })

  const onText = (t: string) => {
    const top = stack.at(-1)
    if (!top?.kept || !keptParent()) return
    if (top.css) top.css.push(t)
    else if (TEXT_ELEMENTS.has(top.local)) out.push(escapeText(t))
    else if (t.trim() === '') out.push(t)
  }
  parser.on('text', onText)
  parser.on('cdata', onText)

  parser.on('closetag', () => {
    const top = stack.pop()
    if (!top?.kept || (stack.length > 0 && !keptParent())) return
    if (top.css) {
      const css = top.css.join('')
      if (safeCss(css)) out.push(escapeText(css), '</style>')
      else {
        removed.add('<style> with @-rules, url() or escapes')
        out.length = top.start!
      }
      return
    }
    out.push(`</${top.local}>`)
  })

  try {
    parser.write(text).close()
  } catch (e) {
    if (problem) return { problem }
    const reason = e instanceof Error ? e.message.replace(/^[^:]*:\d+:\d+: /, '') : 'unreadable'
    return { problem: `The SVG file is not well-formed XML (${reason})` }
  }
  if (!sawRoot) return { problem: 'The file is not an SVG image' }
  return { svg: out.join(''), removed: [...removed] }
}
