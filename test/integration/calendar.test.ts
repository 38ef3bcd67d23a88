import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildCalendar, escapeText, foldLine } from '../../src/modules/calendar/ical.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

/** Unfolds (RFC 5545 §3.1) and splits into properties: what a calendar app does first. */
function parse(ics: string): Array<Record<string, string>> {
  assert.ok(!/[^\r]\n/.test(ics), 'every line ends CRLF')
  for (const line of ics.split('\r\n')) assert.ok(Buffer.byteLength(line, 'utf8') <= 75, `folded: ${line}`)
  const lines = ics
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter(Boolean)
  const events: Array<Record<string, string>> = []
  let current: Record<string, string> | null = null
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') current = {}
    else if (line === 'END:VEVENT') {
      events.push(current!)
      current = null
    } else if (current) {
      const i = line.indexOf(':')
      current[line.slice(0, i)] = line.slice(i + 1)
    }
  }
  return events
}
const unescape = (v: string) => v.replace(/\\n/g, '\n').replace(/\\([,;\\])/g, '$1')

describe('iCalendar text', () => {
  it('escapes backslash, semicolon, comma and newlines', () => {
    assert.equal(escapeText('a\\b;c,d\ne'), 'a\\\\b\\;c\\,d\\ne')
  })
  it('folds at 75 octets without splitting a character', () => {
    const line = `SUMMARY:${'é'.repeat(100)}`
    const folded = foldLine(line)
    for (const part of folded.split('\r\n')) assert.ok(Buffer.byteLength(part, 'utf8') <= 75)
    assert.equal(folded.replace(/\r\n /g, ''), line)
  })
  it('carries the time zone and round-trips awkward text', () => {
    const text = 'Panel; members, officers \\ and\nthe public — “quoted” ' + 'long '.repeat(30)
    const ics = buildCalendar(
      'Test',
      [{ uid: 'x@y', summary: text, date: '2021-03-18', time: '18:30', location: 'A, B' }],
      new Date('2021-01-01T00:00:00Z'),
    )
    assert.match(ics, /BEGIN:VTIMEZONE\r\nTZID:Europe\/London/)
    const [e] = parse(ics)
    assert.equal(unescape(e!.SUMMARY!), text)
    assert.equal(e!['DTSTART;TZID=Europe/London'], '20210318T183000')
    assert.equal(e!['DTEND;TZID=Europe/London'], '20210318T203000')
    assert.equal(e!.DTSTAMP, '20210101T000000Z')
    assert.equal(e!.UID, 'x@y')
  })
})

describe(`calendar feed (${dialectName()})`, () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  it('a Portfolio Holder subscribes, sees meetings and their deadlines, and can revoke the address', async () => {
    const clerk = await t.tokenFor(t.orgs.a.users.scrutiny_member)
    const c = await t.api(clerk, 'POST', '/api/v1/committees', {
      name: 'Performance Monitoring Panel, Marshland',
      kind: 'scrutiny_panel',
    })
    const committeeId = c.json<{ id: number }>().id
    const m = await t.api(clerk, 'POST', '/api/v1/meetings', {
      committeeId,
      meetingDate: '2021-03-18',
      startTime: '18:30',
      place: 'Online; Microsoft Teams',
      status: 'held',
    })
    const meetingId = m.json<{ id: number }>().id
    const i = await t.api(clerk, 'POST', `/api/v1/meetings/${meetingId}/items`, { number: '7', title: 'ICT' })
    const r = await t.api(clerk, 'POST', '/api/v1/recommendations', {
      agendaItemId: i.json<{ id: number }>().id,
      reference: 'PMP/2021/03',
      kind: 'request',
      text: 'A paper, covering six points',
      addressedTo: 'portfolio_holder',
      addresseeUserId: t.orgs.a.users.portfolio_holder.id,
    })
    assert.equal(r.statusCode, 201, r.body)

    const ph = await t.signIn(t.orgs.a.users.portfolio_holder)
    const none = await ph.get('/account/calendar')
    assert.match(none.text, /Create a calendar address/)
    const created = await ph.post('/account/calendar', {})
    assert.equal(created.status, 200)
    const url = created.document.querySelector('#feed-url code')?.textContent ?? ''
    assert.match(url, /\/calendar\/ovc_[\w-]+\.ics$/)
    const path = new URL(url).pathname

    const feed = await t.anonymous().get(path)
    assert.equal(feed.status, 200)
    assert.match(String(feed.headers['content-type']), /^text\/calendar/)
    const events = parse(feed.body)
    const meeting = events.find((e) => e.UID?.startsWith('meeting-'))!
    assert.equal(unescape(meeting.SUMMARY!), 'Performance Monitoring Panel, Marshland')
    assert.equal(unescape(meeting.LOCATION!), 'Online; Microsoft Teams')
    assert.equal(meeting['DTSTART;TZID=Europe/London'], '20210318T183000')
    const deadline = events.find((e) => e.UID?.startsWith('response-due-'))!
    assert.equal(
      unescape(deadline.SUMMARY!),
      'Response due: PMP/2021/03 (Performance Monitoring Panel, Marshland)',
    )
    assert.equal(deadline['DTSTART;VALUE=DATE'], '20210518')

    // Someone else's feed carries no deadline of the Portfolio Holder's.
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const vurl =
      (await viewer.post('/account/calendar', {})).document.querySelector('#feed-url code')?.textContent ?? ''
    const vfeed = parse((await t.anonymous().get(new URL(vurl).pathname)).body)
    assert.equal(vfeed.filter((e) => e.UID?.startsWith('response-due-')).length, 0)
    assert.equal(vfeed.filter((e) => e.UID?.startsWith('meeting-')).length, 1)

    // Making a new address stops the old one; turning it off stops them all.
    const again = await ph.post('/account/calendar', {})
    const path2 = new URL(again.document.querySelector('#feed-url code')?.textContent ?? '').pathname
    assert.equal((await t.anonymous().get(path)).status, 404)
    assert.equal((await t.anonymous().get(path2)).status, 200)
    await ph.post('/account/calendar/revoke', {})
    assert.equal((await t.anonymous().get(path2)).status, 404)
    assert.equal((await t.anonymous().get('/calendar/ovc_guess.ics')).status, 404)
    assert.equal((await t.anonymous().get(path2.replace('.ics', ''))).status, 404)
  })
})
