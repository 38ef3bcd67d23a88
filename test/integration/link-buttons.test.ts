import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { projectRoot } from '../../src/paths.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

/**
 * A link styled as a button stays a link (GOV.UK Frontend's `govukButton({ href })` would add
 * role="button", which promises the Space key, and only its JavaScript keeps that promise): Enter follows
 * it, a screen reader calls it a link. Anything that acts is a form with a real button.
 */
describe(`Links styled as buttons keep link semantics (${dialectName()})`, () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  it('no template makes a link with role="button"', () => {
    const offenders: string[] = []
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name)
        if (e.isDirectory()) walk(p)
        else if (e.name.endsWith('.njk')) {
          const text = readFileSync(p, 'utf8')
          // A govukButton call whose options name an href renders <a role="button">.
          for (const m of text.matchAll(/govukButton\(\{((?:[^{}]|\{[^{}]*\})*)\}\)/g))
            if (/\bhref\s*:/.test(m[1]!))
              offenders.push(`${path.relative(projectRoot(), p)}: ${m[0].slice(0, 60)}`)
          if (/<a\b[^>]*role="button"/.test(text))
            offenders.push(`${path.relative(projectRoot(), p)}: <a role="button">`)
        }
      }
    }
    walk(path.join(projectRoot(), 'src'))
    assert.deepEqual(offenders, [])
  })

  it('the pages render "Add a project" and "Add a programme" as plain links', async () => {
    const admin = await t.signIn(t.orgs.a.users.administrator)
    for (const url of ['/projects', '/programmes', '/committees', '/finance/imports']) {
      const page = await admin.get(url)
      assert.equal(page.status, 200, url)
      const buttons = [...page.document.querySelectorAll('a.govuk-button')]
      assert.ok(buttons.length > 0, `${url} has a link styled as a button`)
      for (const a of buttons) assert.equal(a.getAttribute('role'), null, `${url}: ${a.textContent}`)
    }
  })
})
