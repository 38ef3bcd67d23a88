import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { startSmtp } from '../helpers/smtp.ts'
import { statementsDuring } from '../helpers/statements.ts'
import { asScheduler, inOrganisation } from '../helpers/tenant-scope.ts'

interface Json {
  id: number
  version: number
}

// Issue 12: where the organisation enables it, a member of the public subscribes by email to a record on the
// public pages. Until confirmed the address exists only in the signed, 24-hour link emailed to it; every
// change email carries List-Unsubscribe with one-click POST, and unsubscribing deletes the address.
describe(`public email subscriptions (${dialectName()})`, () => {
  let t: TestApp
  let smtp: Awaited<ReturnType<typeof startSmtp>>
  let admin: string
  let programme: Json
  const ADDRESS = 'resident@example.org'
  const readable = (raw: string) =>
    raw
      .replace(/=\r?\n/g, '')
      .replace(/=3D/g, '=')
      .replace(/\r?\n[ \t]+/g, ' ')
  const mailsTo = (address: string) =>
    smtp.received.filter((m) => m.to.includes(address)).map((m) => readable(m.raw))
  const subscribeUrl = () => `/public/alpha/subscribe?type=programme&id=${programme.id}`
  const storedAnywhere = async (address: string) => {
    const db = t.database.db
    const subscribers = await db.selectFrom('public_subscribers').select('email').execute()
    const throttle = await db.selectFrom('subscription_throttle').select('key').execute()
    return [...subscribers.map((s) => s.email), ...throttle.map((r) => r.key)].some((v) =>
      v.includes(address),
    )
  }

  before(async () => {
    smtp = await startSmtp()
    t = await buildTestApp({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'oversight@alpha.test' })
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    programme = (
      await t.api(admin, 'POST', '/api/v1/programmes', { reference: 'PU', name: 'Public programme' })
    ).json<Json>()
    // Only a record on the public site can be followed from it: Alpha publishes its programmes.
    const a = await t.signIn(t.orgs.a.users.administrator)
    const settings = await a.get('/settings/publication')
    const version = settings.document.querySelector('input[name="version"]')!.getAttribute('value')!
    const saved = await a.post('/settings/publication', { version, types: ['programmes'], threshold: '500' })
    assert.equal(saved.status, 303)
  })
  after(async () => {
    await t.close()
    await smtp.close()
  })

  it('is not offered until the organisation turns it on', async () => {
    assert.equal((await t.anonymous().get(subscribeUrl())).status, 404)
    const a = await t.signIn(t.orgs.a.users.administrator)
    await a.get('/settings/alerts')
    assert.equal((await a.post('/settings/alerts', { publicSubscriptions: 'yes' })).status, 303)
    assert.equal((await t.anonymous().get(subscribeUrl())).status, 200)
    // Another organisation's slug does not reach our records, and it has not turned it on.
    assert.equal(
      (await t.anonymous().get(`/public/beta/subscribe?type=programme&id=${programme.id}`)).status,
      404,
    )
  })

  it('renders a public page with the subscriptions setting read alongside the publication settings', async () => {
    const asked = await statementsDuring(t.appDatabase, async () => {
      const page = await t.anonymous().get(`/public/alpha/programmes/${programme.id}`)
      assert.equal(page.status, 200)
      // The page still offers the subscription the organisation turned on.
      assert.ok(page.document.querySelector('a[href^="/public/alpha/subscribe"]'), page.text)
    })
    // The organisation, its publication settings (with whether the public may subscribe), the change
    // counter, the withheld records and the page's own records: no read of the subscriptions setting apart.
    assert.equal(asked.filter((sql) => /alert_settings/.test(sql)).length, 1, asked.join('\n---\n'))
    assert.ok(
      asked.some((sql) => /publication_settings/.test(sql) && /alert_settings/.test(sql)),
      asked.join('\n---\n'),
    )
    assert.equal(asked.length, 6, asked.join('\n---\n'))
  })

  it('emails a signed link, storing nothing until the address is confirmed', async () => {
    const resident = t.anonymous()
    const page = await resident.get(subscribeUrl())
    assert.ok(page.document.querySelector('input[name="email"][type="email"]'))
    const bad = await resident.post('/public/alpha/subscribe', {
      type: 'programme',
      id: String(programme.id),
      email: 'not an address',
    })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /There is a problem.*Enter an email address in the correct format/)
    const ok = await resident.post('/public/alpha/subscribe', {
      type: 'programme',
      id: String(programme.id),
      email: ADDRESS,
    })
    assert.equal(ok.status, 200)
    assert.match(ok.text, /Check your email/)
    await t.app.services.mailer.flush()
    const [mail] = mailsTo(ADDRESS)
    assert.ok(mail, 'the confirmation email')
    assert.equal(await storedAnywhere(ADDRESS), false, 'the address is not stored before confirmation')
    const confirmUrl = /(\/public\/alpha\/subscribe\/confirm\?token=[\w.-]+)/.exec(mail)?.[1]
    assert.ok(confirmUrl)

    // Opening the link shows a button (mail scanners open links); pressing it stores the address.
    const confirm = await resident.get(confirmUrl)
    assert.equal(confirm.status, 200)
    assert.equal(await storedAnywhere(ADDRESS), false)
    const token = decodeURIComponent(confirmUrl.split('token=')[1]!)
    const done = await resident.post('/public/alpha/subscribe/confirm', { token })
    assert.equal(done.status, 200)
    assert.match(done.text, /Subscription confirmed/)
    assert.equal(await storedAnywhere(ADDRESS), true)

    // A tampered link, or one for another organisation, is refused.
    assert.equal((await resident.post('/public/alpha/subscribe/confirm', { token: `${token}x` })).status, 400)
  })

  it('a link older than 24 hours has expired', async () => {
    const org = await inOrganisation(t.orgs.a, () =>
      t.app.services.publicSubscriptions.organisationOpenTo('alpha'),
    )
    const before = smtp.received.length
    const yesterday = new Date(Date.now() - 25 * 60 * 60 * 1000)
    await inOrganisation(t.orgs.a, () =>
      t.app.services.publicSubscriptions.request(
        org!,
        { email: 'late@example.org', recordType: 'programme', recordId: programme.id, ip: '192.0.2.9' },
        yesterday,
      ),
    )
    await t.app.services.mailer.flush()
    const mail = readable(smtp.received.slice(before).find((m) => m.to.includes('late@example.org'))!.raw)
    const token = /confirm\?token=([\w.-]+)/.exec(mail)![1]!
    const r = await t.anonymous().get(`/public/alpha/subscribe/confirm?token=${token}`)
    assert.equal(r.status, 400)
    assert.match(r.text, /This link has expired or is not valid/)
    assert.equal(await storedAnywhere('late@example.org'), false)
  })

  it('a change is emailed with List-Unsubscribe, and one click deletes the address', async () => {
    const current = (await t.api(admin, 'GET', `/api/v1/programmes/${programme.id}`)).json<Json>()
    await t.api(admin, 'PATCH', `/api/v1/programmes/${programme.id}`, {
      version: current.version,
      purpose: 'Published',
    })
    await asScheduler(() => t.app.services.follows.sendChanges())
    await t.app.services.mailer.flush()
    const change = smtp.received.find(
      (m) => m.to.includes(ADDRESS) && /Subject: Changed: PU Public programme/.test(m.raw),
    )
    assert.ok(change, 'the change email')
    const raw = readable(change.raw)
    assert.match(raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m)
    const unsubscribe = /^List-Unsubscribe: <([^>]+)>$/m.exec(raw)?.[1]
    assert.ok(unsubscribe)
    assert.doesNotMatch(raw, /Alpha District Council administrator/, 'no officer is named to the public')
    const path = new URL(unsubscribe).pathname + new URL(unsubscribe).search
    // The unsubscribe page, then the mail client's one-click POST: no cookie, no CSRF token.
    assert.equal((await t.anonymous().get(path)).status, 200)
    const oneClick = await t.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    })
    assert.equal(oneClick.statusCode, 200)
    assert.equal(await storedAnywhere(ADDRESS), false, 'unsubscribing deletes the address')
    // A forged token deletes nothing.
    const forged = await t.app.inject({
      method: 'POST',
      url: '/public/alpha/unsubscribe?token=1.forged',
      payload: '',
    })
    assert.equal(forged.statusCode, 400)
  })

  it('offers only what is on the public site, and tells no subscriber of a record since withheld', async () => {
    const resident = t.anonymous()
    // The published programme's page links to the form; a record of an unpublished type cannot be followed.
    const page = await resident.get(`/public/alpha/programmes/${programme.id}`)
    const link = page.document.querySelector('a[href*="/subscribe?type=programme"]')
    assert.equal(link?.getAttribute('href'), `/public/alpha/subscribe?type=programme&id=${programme.id}`)
    const committee = (
      await t.api(admin, 'POST', '/api/v1/committees', { name: 'Panel', code: 'PNL', kind: 'scrutiny_panel' })
    ).json<Json>()
    assert.equal(
      (await resident.get(`/public/alpha/subscribe?type=committee&id=${committee.id}`)).status,
      404,
    )
    assert.equal((await resident.get(subscribeUrl())).status, 200)
    const posted = await resident.post('/public/alpha/subscribe', {
      type: 'committee',
      id: String(committee.id),
      email: 'committee@example.org',
    })
    assert.equal(posted.status, 404)

    // A confirmed subscriber of a programme the council then withholds hears nothing of it, not even its name.
    await t.database.db
      .insertInto('public_subscribers')
      .values({
        organisation_id: t.orgs.a.id,
        email: 'withheld@example.org',
        record_type: 'programme',
        record_id: programme.id,
        created_at: new Date(Date.now() - 60_000).toISOString(),
      })
      .execute()
    const a = await t.signIn(t.orgs.a.users.administrator)
    await a.get('/settings/publication')
    const withheld = await a.post('/settings/publication/withheld', {
      recordType: 'programme',
      recordId: String(programme.id),
      reason: 'commercial',
    })
    assert.equal(withheld.status, 303)
    assert.equal((await resident.get(subscribeUrl())).status, 404)
    const current = (await t.api(admin, 'GET', `/api/v1/programmes/${programme.id}`)).json<Json>()
    await t.api(admin, 'PATCH', `/api/v1/programmes/${programme.id}`, {
      version: current.version,
      purpose: 'Commercially sensitive now',
    })
    const before = smtp.received.length
    await asScheduler(() => t.app.services.follows.sendChanges())
    await t.app.services.mailer.flush()
    assert.equal(
      smtp.received.slice(before).filter((m) => m.to.includes('withheld@example.org')).length,
      0,
      'nothing is emailed about a withheld record',
    )
  })

  it('limits requests per address and per network, answering the same whether or not it sent', async () => {
    const before = smtp.received.length
    const ask = (email: string, ip: string) =>
      inOrganisation(t.orgs.a, () =>
        t.app.services.publicSubscriptions.request(
          { id: t.orgs.a.id, name: 'Alpha District Council', slug: 'alpha' },
          { email, recordType: 'programme', recordId: programme.id, ip },
        ),
      )
    const outcomes = []
    for (let i = 0; i < 5; i++) outcomes.push(await ask('Repeat@Example.org', `198.51.100.${i + 1}`))
    assert.deepEqual(outcomes, ['sent', 'sent', 'sent', 'sent', 'sent'], 'the same answer past the limit')
    // A flush already under way (flushSoon) may have started before the last were queued.
    await t.app.services.mailer.flush()
    await t.app.services.mailer.flush()
    assert.equal(
      smtp.received.slice(before).filter((m) => m.to.includes('repeat@example.org')).length,
      3,
      'three emails to one address an hour',
    )
    const network = []
    for (let i = 0; i < 21; i++) network.push(await ask(`n${i}@example.org`, '203.0.113.7'))
    assert.equal(network.at(-2), 'sent')
    assert.equal(network.at(-1), 'too-many-from-network')
    const stored = await t.database.db.selectFrom('subscription_throttle').select('key').execute()
    assert.ok(
      stored.every((r) => /^[0-9a-f]{64}$/.test(r.key)),
      'only hashed keys are kept',
    )
  })
})
