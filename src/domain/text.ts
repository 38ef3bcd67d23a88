/**
 * The one rule for text that arrives in a request (every form field, JSON string, query value and URL
 * segment), applied at the edge before validation so every rule and table sees the same clean text:
 *
 * - terminal escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL|ST`, other two-byte `ESC x`, and the
 *   8-bit CSI/OSC introducers) are removed, so nothing stored can repaint an operator's terminal when a log,
 *   an export or `psql` shows it;
 * - NUL and the other C0 and C1 control characters are removed, except tab, line feed and carriage return
 *   (text areas keep their lines); PostgreSQL refuses NUL in text, which used to answer 500;
 * - a lone UTF-16 surrogate (possible in JSON, `"\ud800"`) becomes U+FFFD, as a browser's UTF-8 encoder does
 *   for a form: replaced rather than refused, because the person cannot see or type it, and refusing would
 *   name a field they cannot correct;
 * - the result is in Unicode NFC, so "é" typed two ways is one value for uniqueness and search.
 *
 * It does not trim: leading and trailing space belongs to the field's own rule (form fields are trimmed by
 * `field()`), and trimming here would change what an API client deliberately sent.
 */
export function cleanText(value: string): string {
  // The common case (plain printable text) costs one test.
  // eslint-disable-next-line no-control-regex
  if (!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff]|[^\u0000-\u024f]/.test(value))
    return value
  return value
    .replace(TERMINAL_SEQUENCES, '')
    .replace(CONTROLS, '')
    .replace(LONE_SURROGATE, '\ufffd')
    .normalize('NFC')
}

/* eslint-disable no-control-regex */
const TERMINAL_SEQUENCES = new RegExp(
  [
    // CSI: ESC [ (or the 8-bit 0x9b), parameter bytes, intermediate bytes, one final byte.
    '(?:\\u001b\\[|\\u009b)[\\u0030-\\u003f]*[\\u0020-\\u002f]*[\\u0040-\\u007e]?',
    // OSC, DCS, SOS, PM, APC: ESC ] P X ^ _ (or 0x9d 0x90 0x98 0x9e 0x9f) … up to BEL or ST (ESC \ or 0x9c).
    '(?:\\u001b[\\]PX^_]|[\\u009d\\u0090\\u0098\\u009e\\u009f])[^\\u0007\\u001b\\u009c]*(?:\\u0007|\\u001b\\\\|\\u009c)?',
    // Any other escape: ESC and the one byte it introduces.
    '\\u001b[\\u0020-\\u007e]?',
  ].join('|'),
  'g',
)
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g
/* eslint-enable no-control-regex */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/**
 * A request part (body, query, params) with every string cleaned by `cleanText`, walking objects and arrays.
 * Anything else (numbers, booleans, buffers, streams) is returned as it is. Keys are kept: an unknown key is
 * refused by the route's schema, and a form ignores it.
 */
export function cleanTextIn(value: unknown): unknown {
  if (typeof value === 'string') return cleanText(value)
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = cleanTextIn(value[i])
    return value
  }
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown
    // Plain objects only (JSON and querystring parse to these; a querystring object has no prototype).
    if (proto !== Object.prototype && proto !== null) return value
    const record = value as Record<string, unknown>
    for (const key of Object.keys(record)) record[key] = cleanTextIn(record[key])
    return value
  }
  return value
}
