import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { BasePage, browserUnavailable, launchBrowser, type BrowserSession } from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

describe(`inviting a person, in a browser (${dialectName()})`, { skip: browserUnavailable() }, () => {
  let server: RunningServer
  let browser: BrowserSession
  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('an administrator invites someone new, who accepts by creating their account', async () => {
    const admin = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
    await admin.signIn(server.t.orgs.a.users.administrator, '/settings/people')
    await admin.checkPage('people')
    await admin.field('Full name').fill('Ola Newcomer')
    await admin.field('Email address').fill('ola.newcomer@elsewhere.test')
    await admin.press('Send invitation', 'people-invited')
    assert.equal(await admin.flash(), 'Success An invitation has been sent to ola.newcomer@elsewhere.test')
    const pending = admin.page.getByRole('table', { name: 'Invitations waiting to be accepted' })
    assert.match((await pending.textContent()) ?? '', /Ola Newcomer/)

    const mail = await server.t.database.db
      .selectFrom('mail_outbox')
      .select('text_body')
      .where('recipients_json', '=', JSON.stringify(['ola.newcomer@elsewhere.test']))
      .executeTakeFirstOrThrow()
    const link = /\/invitations\/[A-Za-z0-9_-]+/.exec(mail.text_body)![0]

    const person = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
    await person.page.context().clearCookies()
    await person.goto(link, 'invitation')
    assert.equal(await person.heading(), 'Join Alpha District Council')
    await person.field('Create a password').fill('password1234')
    await person.field('Confirm password').fill('password1234')
    await person.press('Create account and join', 'invitation-weak-password')
    assert.deepEqual(await person.errorMessages(), [
      'Password is too common and easy to guess. Choose a different password, for example three random words',
    ])
    await person.field('Create a password').fill('heron violin teapot')
    await person.field('Confirm password').fill('heron violin teapot')
    await person.press('Create account and join', 'invitation-accepted')
    assert.equal(await person.flash(), 'Success You have joined Alpha District Council')
    assert.ok(await person.signedInAs())
    await admin.page.close()
    await person.page.close()
  })
})
