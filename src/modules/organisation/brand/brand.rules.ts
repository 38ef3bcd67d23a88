// The council's own look (issue 13): which header colours can be read, and which logo files are what they claim.

/** The header's text colours: GOV.UK Frontend's white and its near-black. */
export const HEADER_TEXT = { light: '#ffffff', dark: '#0b0c0c' } as const
export type HeaderText = keyof typeof HEADER_TEXT
export const HEADER_TEXT_LABELS: Record<HeaderText, string> = { light: 'white', dark: 'near-black' }

export const isHeaderText = (v: string): v is HeaderText => v === 'light' || v === 'dark'

/** WCAG 2.2 success criterion 1.4.3: text (the header's links are normal-size text) needs 4.5:1. */
export const MINIMUM_CONTRAST = 4.5

const HEX = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i

/** '#rrggbb' in lower case from what an administrator typed ('#ABC', 'abc', '#aabbcc'); null when it is not a colour. */
export function normaliseHex(input: string): string | null {
  const m = HEX.exec(input.trim())
  if (!m) return null
  const digits = m[1]!.toLowerCase()
  const six = digits.length === 3 ? [...digits].map((d) => d + d).join('') : digits
  return `#${six}`
}

/** WCAG 2.x relative luminance of '#rrggbb'. */
export function relativeLuminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

/** The WCAG contrast ratio between two '#rrggbb' colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number]
  return (hi + 0.05) / (lo + 0.05)
}

/** The ratio as people read it, rounded down, so a refused colour never shows as 4.5:1. */
export const formatRatio = (ratio: number) => `${(Math.floor(ratio * 100) / 100).toFixed(2)}:1`

/**
 * Why the header colour cannot be used with that text, or null when it can: the message names the ratio, so the
 * administrator can see how far off it is.
 */
export function headerContrastProblem(colour: string, text: HeaderText): string | null {
  const ratio = contrastRatio(colour, HEADER_TEXT[text])
  if (ratio >= MINIMUM_CONTRAST) return null
  const other: HeaderText = text === 'light' ? 'dark' : 'light'
  const otherFits = contrastRatio(colour, HEADER_TEXT[other]) >= MINIMUM_CONTRAST
  return (
    `The header text (${HEADER_TEXT_LABELS[text]}) has a contrast ratio of ${formatRatio(ratio)} against ${colour}; ` +
    `it must be at least 4.5:1. ` +
    (otherFits
      ? `Choose ${HEADER_TEXT_LABELS[other]} text, or a ${text === 'light' ? 'darker' : 'lighter'} colour.`
      : `Choose a ${text === 'light' ? 'darker' : 'lighter'} colour.`)
  )
}

/** Logo limits: a header logo is small; these leave room for a crisp 2× image and refuse anything absurd. */
export const LOGO_MAX_BYTES = 200 * 1024
export const PNG_MAX_SIDE = 2000

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const PNG_END = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82])

/**
 * Whether the bytes are a whole PNG of sane size, read from the bytes and never from the file's name or the type
 * the browser sent: the signature, an IHDR chunk first (width and height), and the IEND chunk last.
 */
export function checkPng(bytes: Buffer): { width: number; height: number } | { problem: string } {
  if (bytes.length < 8 + 25 + 12 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE))
    return { problem: 'The logo must be a PNG or SVG file' }
  if (bytes.readUInt32BE(8) !== 13 || bytes.toString('latin1', 12, 16) !== 'IHDR')
    return { problem: 'The PNG file is damaged: it does not start with an image header' }
  if (!bytes.subarray(bytes.length - 12).equals(PNG_END))
    return { problem: 'The PNG file is damaged or incomplete: it does not end where a PNG ends' }
  const width = bytes.readUInt32BE(16)
  const height = bytes.readUInt32BE(20)
  if (width < 1 || height < 1 || width > PNG_MAX_SIDE || height > PNG_MAX_SIDE)
    return {
      problem: `The PNG is ${width} × ${height} pixels; each side must be between 1 and ${PNG_MAX_SIDE} pixels`,
    }
  return { width, height }
}
