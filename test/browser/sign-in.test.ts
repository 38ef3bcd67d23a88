import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { BasePage, browserUnavailable, launchBrowser, type BrowserSession } from '../helpers/browser.ts'
import { TEST_PASSWORD } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

describe(`signing in, in a browser (${dialectName()})`, { skip: browserUnavailable() }, () => {
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

  it('a wrong password shows the error summary, which takes focus', async () => {
    const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
    const user = server.t.orgs.a.users.programme_manager
    await site.goto('/sign-in', 'sign-in')
    assert.equal(await site.heading(), 'Sign in to Oversight')
    assert.equal(await site.signedInAs(), false)

    await site.field('Email address').fill(user.email)
    await site.field('Password').fill('not the password')
    await site.press('Sign in', 'sign-in-wrong-password')

    assert.match(await site.page.title(), /^Error: Sign in/)
    assert.deepEqual(await site.errorMessages(), ['Enter a correct email address and password'])
    // GOV.UK Frontend moves focus to the summary so screen reader users hear the problem first.
    await site.page.waitForFunction(() => document.activeElement?.classList.contains('govuk-error-summary'))
    // The email address is kept; the password is not sent back.
    assert.equal(await site.field('Email address').inputValue(), user.email)
    assert.equal(await site.field('Password').inputValue(), '')
    // The summary's link takes you to the field.
    await site.errorSummary().getByRole('link').click()
    assert.equal(await site.page.evaluate(() => document.activeElement?.id), 'email')
    await site.page.close()
  })

  it('a programme manager signs in, sees who they are signed in as, and signs out', async () => {
    const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
    const org = server.t.orgs.a
    await site.signIn(org.users.programme_manager, '/programmes')
    await site.checkPage('signed-in')

    assert.equal(new URL(site.page.url()).pathname, '/programmes')
    const header = site.page.locator('header')
    assert.match((await header.textContent()) ?? '', new RegExp(org.name))
    assert.equal(
      await header.getByRole('link', { name: 'Programmes' }).getAttribute('aria-current'),
      'page',
      'the current section is marked in the header',
    )
    assert.equal(await site.page.getByRole('link', { name: 'Your account' }).count(), 1)

    await site.signOut()
    assert.equal(await site.signedInAs(), false)
    // Signed out means signed out: the programmes page asks to sign in again.
    await site.page.goto(site.url('/programmes'))
    assert.equal(new URL(site.page.url()).pathname, '/sign-in')
    await site.page.close()
  })

  it('without JavaScript, a wrong password still shows the error summary and signing in works', async () => {
    const site = new BasePage(await (await browser.noScriptContext()).newPage(), server.baseUrl, 'nojs')
    const user = server.t.orgs.a.users.viewer
    await site.goto('/sign-in', 'sign-in')
    await site.field('Email address').fill(user.email)
    await site.field('Password').fill('wrong')
    await site.press('Sign in', 'sign-in-wrong-password')
    assert.deepEqual(await site.errorMessages(), ['Enter a correct email address and password'])
    await site.field('Password').fill(TEST_PASSWORD)
    await site.page.getByRole('button', { name: 'Sign in', exact: true }).click()
    assert.ok(await site.signedInAs())
    await site.signOut()
  })
})
