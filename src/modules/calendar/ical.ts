/**
 * iCalendar (RFC 5545) output: CRLF line endings, lines folded at 75 octets without splitting a UTF-8
 * character, TEXT values escaped (backslash, semicolon, comma, newline), and local times carried with
 * TZID=Europe/London and a VTIMEZONE, so a meeting at 18:30 stays at 18:30 across the clock change.
 */

export interface CalendarEvent {
  uid: string
  summary: string
  description?: string
  location?: string
  /** YYYY-MM-DD */
  date: string
  /** HH:MM London time; without it the event is all-day. */
  time?: string | null
  durationMinutes?: number
  cancelled?: boolean
  url?: string
}

const CRLF = '\r\n'

export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
}

/** Folds a content line to at most 75 octets per line; continuation lines begin with one space. */
export function foldLine(line: string): string {
  const out: string[] = []
  let current = ''
  let octets = 0
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8')
    const limit = out.length === 0 ? 75 : 74 // the leading space counts towards a continuation's 75
    if (octets + size > limit) {
      out.push(current)
      current = ''
      octets = 0
    }
    current += ch
    octets += size
  }
  out.push(current)
  return out.join(`${CRLF} `)
}

const compactDate = (d: string) => d.replace(/-/g, '')
const utcStamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')

function nextDay(d: string): string {
  const t = new Date(`${d}T00:00:00Z`)
  t.setUTCDate(t.getUTCDate() + 1)
  return t.toISOString().slice(0, 10)
}

function addMinutes(date: string, time: string, minutes: number): { date: string; time: string } {
  // Wall-clock arithmetic on a UTC-labelled instant: London's offset is applied by the calendar via TZID.
  const t = new Date(`${date}T${time}:00Z`)
  t.setUTCMinutes(t.getUTCMinutes() + minutes)
  return { date: t.toISOString().slice(0, 10), time: t.toISOString().slice(11, 16) }
}

const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/London',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0000',
  'TZOFFSETTO:+0100',
  'TZNAME:BST',
  'DTSTART:19810329T010000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0000',
  'TZNAME:GMT',
  'DTSTART:19961027T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
]

export function buildCalendar(name: string, events: CalendarEvent[], now: Date = new Date()): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Oversight//Scrutiny calendar//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(name)}`,
    'X-WR-TIMEZONE:Europe/London',
    ...VTIMEZONE,
  ]
  const stamp = utcStamp(now)
  for (const e of events) {
    lines.push('BEGIN:VEVENT', `UID:${e.uid}`, `DTSTAMP:${stamp}`)
    if (e.time) {
      const end = addMinutes(e.date, e.time, e.durationMinutes ?? 120)
      lines.push(
        `DTSTART;TZID=Europe/London:${compactDate(e.date)}T${e.time.replace(':', '')}00`,
        `DTEND;TZID=Europe/London:${compactDate(end.date)}T${end.time.replace(':', '')}00`,
      )
    } else {
      lines.push(
        `DTSTART;VALUE=DATE:${compactDate(e.date)}`,
        `DTEND;VALUE=DATE:${compactDate(nextDay(e.date))}`,
      )
    }
    lines.push(`SUMMARY:${escapeText(e.summary)}`)
    if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`)
    if (e.location) lines.push(`LOCATION:${escapeText(e.location)}`)
    if (e.url) lines.push(`URL:${e.url}`)
    lines.push(`STATUS:${e.cancelled ? 'CANCELLED' : 'CONFIRMED'}`, 'TRANSP:OPAQUE', 'END:VEVENT')
  }
  lines.push('END:VCALENDAR')
  return lines.map(foldLine).join(CRLF) + CRLF
}
