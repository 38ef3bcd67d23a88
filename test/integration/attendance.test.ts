import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface Json {
  id: number
  version: number
}
interface AttendanceJson {
  version: number
  attendees: Array<{
    committeeMemberId: number | null
    name: string
    role: string
    capacity: string
    status: string
  }>
}

// Issue 12: a meeting's attendance, as its minute records it — committee members present, with apologies or
// absent, and the officers who attended — on the meeting's page and in the API, recorded by scrutiny against
// the meeting's version.
describe(`meeting attendance (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let meeting: Json
  const members: Record<string, number> = {}

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    const committee = (
      await t.api(admin, 'POST', '/api/v1/committees', {
        name: 'Performance Monitoring Panel',
        code: 'PMP',
        kind: 'scrutiny_panel',
      })
    ).json<Json>()
    meeting = (
      await t.api(admin, 'POST', '/api/v1/meetings', {
        committeeId: committee.id,
        meetingDate: '2021-03-18',
        place: 'Council Chamber',
        status: 'held',
      })
    ).json<Json>()
    const clerk = await t.signIn(t.orgs.a.users.scrutiny_member)
    await clerk.get(`/committees/${committee.id}`)
    for (const name of ['Cllr Ann Hale', 'Cllr Ben Rowe']) {
      const r = await clerk.post(`/committees/${committee.id}/members`, { name, role: 'member', userId: '' })
      assert.equal(r.status, 303, r.text)
    }
    for (const m of await t.database.db.selectFrom('committee_members').select(['id', 'name']).execute())
      members[m.name] = m.id
  })
  after(() => t.close())

  it('records attendance from the page and shows it on the meeting', async () => {
    const clerk = await t.signIn(t.orgs.a.users.scrutiny_member)
    const form = await clerk.get(`/meetings/${meeting.id}/attendance`)
    assert.equal(form.status, 200)
    const version = form.document.querySelector('input[name="version"]')!.getAttribute('value')!
    const saved = await clerk.post(`/meetings/${meeting.id}/attendance`, {
      version,
      [`member-${members['Cllr Ann Hale']}`]: 'present',
      [`member-${members['Cllr Ben Rowe']}`]: 'apologies',
      others: 'Jo Park, Head of ICT and Digital\nSubstitute: Cllr Cara Lee',
    })
    assert.equal(saved.status, 303, saved.text)
    const page = await clerk.get(`/meetings/${meeting.id}`)
    const rows = [...page.document.querySelectorAll('table tbody tr')].map((r) =>
      r.textContent.replace(/\s+/g, ' ').trim(),
    )
    assert.deepEqual(rows.slice(0, 4), [
      'Cllr Ann Hale Committee member Present',
      'Cllr Ben Rowe Committee member Apologies',
      'Jo Park Head of ICT and Digital Officer Present',
      'Cllr Cara Lee Substitute Present',
    ])
    const api = (
      await t.api(admin, 'GET', `/api/v1/meetings/${meeting.id}/attendance`)
    ).json<AttendanceJson>()
    assert.equal(api.attendees.length, 4)
    assert.equal(api.attendees[0]!.committeeMemberId, members['Cllr Ann Hale'])
    // The change is in the meeting's history.
    const history = await clerk.get(`/history/meeting/${meeting.id}`)
    assert.equal(history.status, 200)
  })

  it('refuses a bad list with the error summary or a 400, and changes nothing', async () => {
    const clerk = await t.signIn(t.orgs.a.users.scrutiny_member)
    const form = await clerk.get(`/meetings/${meeting.id}/attendance`)
    const version = form.document.querySelector('input[name="version"]')!.getAttribute('value')!
    const bad = await clerk.post(`/meetings/${meeting.id}/attendance`, {
      version,
      [`member-${members['Cllr Ann Hale']}`]: 'asleep',
      others: ', no name given',
    })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /There is a problem/)
    assert.match(bad.text, /Select present, apologies or absent/)
    assert.match(bad.text, /Line 1 of also attending: Enter the name/)
    const current = (
      await t.api(admin, 'GET', `/api/v1/meetings/${meeting.id}/attendance`)
    ).json<AttendanceJson>()
    assert.equal(current.attendees.length, 4)

    const notMember = await t.api(admin, 'PUT', `/api/v1/meetings/${meeting.id}/attendance`, {
      version: current.version,
      attendees: [
        { committeeMemberId: 999999, status: 'present' },
        { name: 'X', capacity: 'member', status: 'present' },
      ],
    })
    assert.equal(notMember.statusCode, 400)
    const fields = notMember.json<{ fields: Record<string, string> }>().fields
    assert.match(fields['attendees[0].committeeMemberId'] ?? '', /member of this committee/)
    assert.match(fields['attendees[1].capacity'] ?? '', /substitute, an officer/)
    const twice = await t.api(admin, 'PUT', `/api/v1/meetings/${meeting.id}/attendance`, {
      version: current.version,
      attendees: [
        { committeeMemberId: members['Cllr Ann Hale'], status: 'present' },
        { committeeMemberId: members['Cllr Ann Hale'], status: 'absent' },
      ],
    })
    assert.equal(twice.statusCode, 400)
    const stale = await t.api(admin, 'PUT', `/api/v1/meetings/${meeting.id}/attendance`, {
      version: current.version - 1,
      attendees: [],
    })
    assert.equal(stale.statusCode, 409)
    assert.equal(
      (await t.api(admin, 'GET', `/api/v1/meetings/${meeting.id}/attendance`)).json<AttendanceJson>()
        .attendees.length,
      4,
    )
    const ok = await t.api(admin, 'PUT', `/api/v1/meetings/${meeting.id}/attendance`, {
      version: current.version,
      attendees: [{ committeeMemberId: members['Cllr Ben Rowe'], status: 'present' }],
    })
    assert.equal(ok.statusCode, 200, ok.body)
    assert.equal(ok.json<AttendanceJson>().version, current.version + 1)
    assert.deepEqual(
      ok.json<AttendanceJson>().attendees.map((a) => `${a.name}:${a.status}`),
      ['Cllr Ben Rowe:present'],
    )
  })

  it('keeps exactly one of two saves made at once against the same version, API and page', async () => {
    const current = (
      await t.api(admin, 'GET', `/api/v1/meetings/${meeting.id}/attendance`)
    ).json<AttendanceJson>()
    const lists = [
      [{ committeeMemberId: members['Cllr Ann Hale'], status: 'present' }],
      [
        { committeeMemberId: members['Cllr Ann Hale'], status: 'absent' },
        { committeeMemberId: members['Cllr Ben Rowe'], status: 'absent' },
        { name: 'Jo Park', role: 'Head of ICT', capacity: 'officer', status: 'present' },
      ],
    ]
    const racing = await Promise.all(
      lists.map((attendees) =>
        t.api(admin, 'PUT', `/api/v1/meetings/${meeting.id}/attendance`, {
          version: current.version,
          attendees,
        }),
      ),
    )
    assert.deepEqual(racing.map((r) => r.statusCode).sort(), [200, 409])
    const won = racing.find((r) => r.statusCode === 200)!.json<AttendanceJson>()
    const kept = (
      await t.api(admin, 'GET', `/api/v1/meetings/${meeting.id}/attendance`)
    ).json<AttendanceJson>()
    // The winner's whole list and nothing of the loser's.
    assert.equal(kept.version, current.version + 1)
    assert.deepEqual(kept.attendees, won.attendees)

    // The page: two clerks with the same form; one is saved, the other is shown the conflict page.
    const [one, two] = [
      await t.signIn(t.orgs.a.users.scrutiny_member),
      await t.signIn(t.orgs.a.users.scrutiny_member),
    ]
    const version = String(kept.version)
    const posted = await Promise.all([
      one.post(`/meetings/${meeting.id}/attendance`, {
        version,
        [`member-${members['Cllr Ann Hale']}`]: 'apologies',
        others: '',
      }),
      two.post(`/meetings/${meeting.id}/attendance`, {
        version,
        [`member-${members['Cllr Ben Rowe']}`]: 'present',
        others: 'Officer: Sam Ide, Democratic Services\nSubstitute: Cllr Cara Lee',
      }),
    ])
    assert.deepEqual(posted.map((r) => r.status).sort(), [303, 409])
    const lost = posted.find((r) => r.status === 409)!
    assert.match(lost.text, /This was changed by someone else/)
    // The conflict page offers the loser's list again against the saved version.
    const resubmit = lost.document.querySelector('input[name="version"]')?.getAttribute('value')
    assert.equal(resubmit, String(kept.version + 1))
    const after = (
      await t.api(admin, 'GET', `/api/v1/meetings/${meeting.id}/attendance`)
    ).json<AttendanceJson>()
    assert.equal(after.version, kept.version + 1)
    const names = after.attendees.map((a) => `${a.name}:${a.status}`)
    assert.ok(
      JSON.stringify(names) === JSON.stringify(['Cllr Ann Hale:apologies']) ||
        JSON.stringify(names) ===
          JSON.stringify(['Cllr Ben Rowe:present', 'Sam Ide:present', 'Cllr Cara Lee:present']),
      names.join(', '),
    )
  })

  it('refuses a list over 200 people with field errors, from the API and the page', async () => {
    const current = (
      await t.api(admin, 'GET', `/api/v1/meetings/${meeting.id}/attendance`)
    ).json<AttendanceJson>()
    const crowd = Array.from({ length: 201 }, (_, i) => ({
      name: `Person ${i + 1}`,
      capacity: 'other',
      status: 'present',
    }))
    const api = await t.api(admin, 'PUT', `/api/v1/meetings/${meeting.id}/attendance`, {
      version: current.version,
      attendees: crowd,
    })
    assert.equal(api.statusCode, 400, api.body)
    const body = api.json<{ error: string; message: string; fields: Record<string, string> }>()
    assert.ok(body.error && body.message)
    assert.match(body.fields.attendees ?? '', /200/)

    const clerk = await t.signIn(t.orgs.a.users.scrutiny_member)
    const page = await clerk.post(`/meetings/${meeting.id}/attendance`, {
      version: String(current.version),
      others: crowd.map((p) => `Other: ${p.name}`).join('\n'),
    })
    assert.equal(page.status, 400)
    const summary = page.document.querySelector('.govuk-error-summary')?.textContent ?? ''
    assert.match(summary, /at most 200 people/)
    const unchanged = (
      await t.api(admin, 'GET', `/api/v1/meetings/${meeting.id}/attendance`)
    ).json<AttendanceJson>()
    assert.deepEqual(unchanged, current)
  })

  it('lets others read but not record, and another organisation see nothing', async () => {
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    assert.equal((await t.api(viewer, 'GET', `/api/v1/meetings/${meeting.id}/attendance`)).statusCode, 200)
    const put = await t.api(viewer, 'PUT', `/api/v1/meetings/${meeting.id}/attendance`, {
      version: 1,
      attendees: [],
    })
    assert.equal(put.statusCode, 403)
    const other = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(other, 'GET', `/api/v1/meetings/${meeting.id}/attendance`)).statusCode, 404)
    const otherPut = await t.api(other, 'PUT', `/api/v1/meetings/${meeting.id}/attendance`, {
      version: 1,
      attendees: [],
    })
    assert.equal(otherPut.statusCode, 404)
    const page = await (
      await t.signIn(t.orgs.b.users.administrator)
    ).get(`/meetings/${meeting.id}/attendance`)
    assert.equal(page.status, 404)
  })
})
