import assert from 'node:assert/strict'
import { randomBytes, scryptSync } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { UsageError, type CommandContext } from '../../src/cli/cli-support.ts'
import { userCreate } from '../../src/cli/user.command.ts'
import { buildTestApp, TEST_PASSWORD, type Page, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { sessionFor } from '../helpers/sessions.ts'

function summary(page: Page): string {
  return (page.document.querySelector('.govuk-error-summary')?.textContent ?? '').replace(/\s+/g, ' ').trim()
}

describe(`password rules and storage (${dialectName()})`, () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  it('the change password page refuses short, common and personal passwords, each with its reason', async () => {
    const user = t.orgs.a.users.programme_manager
    const agent = await t.signIn(user)
    const refused: Array<[string, string]> = [
      ['password12', 'Password must be 12 characters or more'],
      ['1234567890', 'Password must be 12 characters or more'],
      ['password1234', 'Password is too common and easy to guess'],
      ['Qwertyuiop123!', 'Password is too common and easy to guess'],
      [user.email, 'Password must not contain your name or email address'],
      [`my name is ${user.name}`, 'Password must not contain your name or email address'],
      ['x'.repeat(129), 'Password must be 128 characters or fewer'],
    ]
    for (const [newPassword, message] of refused) {
      await agent.get('/account/password')
      const page = await agent.post('/account/password', {
        currentPassword: TEST_PASSWORD,
        newPassword,
        confirmPassword: newPassword,
      })
      assert.equal(page.status, 400, newPassword)
      assert.match(summary(page), new RegExp(`There is a problem ${message}`), newPassword)
      assert.match(page.document.querySelector('#newPassword-error')?.textContent ?? '', new RegExp(message))
    }
    // Nothing was changed: the old password still signs in.
    await t.signIn(user)
  })

  it('accepts a long passphrase with spaces and any characters, exactly as typed', async () => {
    const user = t.orgs.a.users.viewer
    const agent = await t.signIn(user)
    const passphrase = '  Grüne Äpfel 🍏 unter dem Baum, mit Leerzeichen  '
    await agent.get('/account/password')
    const page = await agent.post('/account/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: passphrase,
      confirmPassword: passphrase,
    })
    assert.equal(page.status, 303)
    const other = t.anonymous()
    await other.get('/sign-in')
    const trimmed = await other.post('/sign-in', { email: user.email, password: passphrase.trim() })
    assert.equal(trimmed.status, 400, 'nothing is trimmed or changed: a different password fails')
    assert.equal((await other.post('/sign-in', { email: user.email, password: passphrase })).status, 303)
  })

  it('a hash made with the old scrypt settings still signs in, and is replaced by one with today’s', async () => {
    const user = t.orgs.b.users.viewer
    const salt = randomBytes(16)
    const key = scryptSync(TEST_PASSWORD, salt, 32, { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 })
    const old = `scrypt$32768$8$1$${salt.toString('base64')}$${key.toString('base64')}`
    await t.database.db.updateTable('users').set({ password_hash: old }).where('id', '=', user.id).execute()

    await t.signIn(user)
    const stored = await t.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow()
    assert.match(stored.password_hash, /^scrypt\$32768\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/)
    assert.ok(!stored.password_hash.includes(TEST_PASSWORD))
    await t.signIn(user) // the new hash signs in too
    const agent = t.anonymous()
    await agent.get('/sign-in')
    const wrong = await agent.post('/sign-in', { email: user.email, password: 'not the password at all' })
    assert.equal(wrong.status, 400)
  })

  it('oversight user create refuses the same passwords, with the same reasons', async () => {
    const lines: string[] = []
    const ctx: CommandContext = {
      config: t.config,
      database: async () => t.database,
      out: (line = '') => lines.push(line),
      err: (line = '') => lines.push(line),
    }
    const person = { email: 'sam.jones@alpha.test', name: 'Sam Jones', org: 'alpha', role: 'viewer' }
    const refused: Array<[string, RegExp]> = [
      ['password12', /^--password: Password must be 12 characters or more$/],
      ['password1234', /^--password: Password is too common and easy to guess/],
      ['I am Sam Jones, hello', /^--password: Password must not contain your name or email address$/],
    ]
    for (const [password, message] of refused)
      await assert.rejects(userCreate.run(ctx, { ...person, password }), (err: unknown) => {
        assert.ok(err instanceof UsageError)
        assert.match(err.message, message)
        return true
      })
    const users = await t.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', person.email)
      .execute()
    assert.deepEqual(users, [], 'nothing is created')
    await userCreate.run(ctx, { ...person, password: 'kettle meadow lighthouse' })
    assert.match(lines.join('\n'), /Created sam\.jones@alpha\.test \(Sam Jones\) in alpha as Viewer/)
  })

  it('the test session helper gives a working session without the password', async () => {
    const agent = await sessionFor(t, t.orgs.b.users.administrator)
    const page = await agent.get('/account')
    assert.equal(page.status, 200)
    assert.match(page.text, new RegExp(t.orgs.b.users.administrator.email))
  })
})
