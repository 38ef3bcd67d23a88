import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { userBreakGlass } from '../../src/cli/break-glass.command.ts'
import type { CommandContext } from '../../src/cli/cli-support.ts'
import { createSsoSettingsService } from '../../src/modules/sso/sso-settings.service.ts'
import { createSsoRepository } from '../../src/modules/sso/sso.repository.ts'
import { ValidationError } from '../../src/errors.ts'
import { TEST_PASSWORD, buildTestApp, type Agent, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { startTestProvider, throughProvider, type TestProvider } from '../helpers/oidc-provider.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

const SECRET_A = 'alpha-client-secret-9f8e7d'
const SECRET_B = 'beta-client-secret-1a2b3c'
const KEY = 'ab'.repeat(32)

// Issue 13, OpenID Connect sign-in, end to end against a real provider on loopback: the settings page, the
// authorisation code flow with PKCE, state and nonce, the ID token checks, linking, and passwords turned off.
describe(`sign-in through an OpenID provider (${dialectName()})`, () => {
  let t: TestApp
  let idp: TestProvider
  let callbackBase: string

  before(async () => {
    t = await buildTestApp({ OVERSIGHT_SECRET_KEY: KEY })
    callbackBase = `${t.config.baseUrl}/sign-in/sso/callback`
    idp = await startTestProvider([
      { clientId: 'oversight-alpha', clientSecret: SECRET_A, redirectUri: callbackBase },
      { clientId: 'oversight-beta', clientSecret: SECRET_B, redirectUri: callbackBase },
    ])
    const { a, b } = t.orgs
    idp.accounts.set('sub-alpha-viewer', { email: a.users.viewer.email, email_verified: true })
    idp.accounts.set('sub-alpha-pm', {
      email: a.users.project_manager.email,
      email_verified: true,
      groups: ['g-programme'],
    })
    idp.accounts.set('sub-unverified', { email: a.users.finance_officer.email, email_verified: false })
    idp.accounts.set('sub-stranger', { email: 'nobody@alpha.test', email_verified: true })
    idp.accounts.set('sub-entra', { email: a.users.service_manager.email, tid: 'tenant-alpha' })
    idp.accounts.set('sub-beta-viewer', { email: b.users.viewer.email, email_verified: true })
  })
  after(async () => {
    await idp?.close()
    await t?.close()
  })

  async function configure(agent: Agent, values: Record<string, string>) {
    const form = await agent.get('/settings/sign-in')
    assert.equal(form.status, 200)
    const version = form.document.querySelector('input[name="version"]')!.getAttribute('value')!
    return agent.post('/settings/sign-in', {
      version,
      enabled: 'yes',
      localPasswordsAllowed: 'yes',
      ...values,
    })
  }

  /** Starts at Oversight, goes through the provider as `subject`, and comes back: the page Oversight answers. */
  async function signInAs(slug: string, subject: string, agent = t.anonymous()) {
    idp.signInAs(subject)
    const start = await agent.get(`/sign-in/sso/${slug}?returnTo=/programmes`)
    assert.equal(start.status, 303, start.text)
    const callback = await throughProvider(start.location!, callbackBase)
    const page = await agent.get(callback)
    return { agent, callback, page }
  }

  const count = async (table: 'sessions' | 'oidc_links') =>
    Number(
      (
        await t.database.db
          .selectFrom(table)
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  it('an administrator sets the sign-in; the secret is kept sealed and never shown or audited', async () => {
    const admin = await t.signIn(t.orgs.a.users.administrator)
    const missing = await configure(admin, { providerName: 'Alpha Login', issuer: 'http://idp.example.com' })
    assert.equal(missing.status, 400)
    assert.match(missing.text, /Enter an issuer URL that starts with https/)
    assert.match(missing.text, /Enter the client ID/)
    assert.match(missing.text, /Enter the client secret/)
    const saved = await configure(admin, {
      providerName: 'Alpha Login',
      issuer: idp.issuer,
      clientId: 'oversight-alpha',
      clientSecret: SECRET_A,
      allowedDomains: 'alpha.test',
      tenantId: 'tenant-alpha',
      groupsClaim: 'groups',
      groupRoles: 'g-programme = programme manager',
    })
    assert.equal(saved.status, 303, saved.text)
    const page = await admin.get('/settings/sign-in')
    assert.match(page.text, /A secret is stored/)
    assert.ok(!page.body.includes(SECRET_A))
    const row = await t.database.db.selectFrom('oidc_configurations').selectAll().executeTakeFirstOrThrow()
    assert.ok(!row.client_secret_sealed.includes(SECRET_A))
    const events = await t.database.db
      .selectFrom('audit_events')
      .select(['before_json', 'after_json'])
      .where('entity_type', '=', 'oidc_configuration')
      .execute()
    assert.equal(events.length, 1)
    assert.ok(events.every((e) => !`${e.before_json}${e.after_json}`.includes(row.client_secret_sealed)))
    assert.ok(events.every((e) => !`${e.before_json}${e.after_json}`.includes(SECRET_A)))

    // A stale form gets the conflict page, which does not carry the secret.
    const stale = await admin.post('/settings/sign-in', {
      version: '0',
      enabled: 'yes',
      localPasswordsAllowed: 'yes',
      providerName: 'Changed',
      issuer: idp.issuer,
      clientId: 'oversight-alpha',
      clientSecret: 'typed-again-secret',
      allowedDomains: 'alpha.test',
    })
    assert.equal(stale.status, 409)
    assert.ok(!stale.body.includes('typed-again-secret'))

    const beta = await t.signIn(t.orgs.b.users.administrator)
    assert.equal(
      (
        await configure(beta, {
          providerName: 'Beta Login',
          issuer: idp.issuer,
          clientId: 'oversight-beta',
          clientSecret: SECRET_B,
          allowedDomains: 'beta.test',
        })
      ).status,
      303,
    )
  })

  it('without OVERSIGHT_SECRET_KEY a secret is refused with a clear message', async () => {
    const noKey = createSsoSettingsService(t.database.db, createSsoRepository(t.database.db), {
      secretKey: null,
      fromEnv: null,
    })
    const actor = (await inOrganisation(t.orgs.a.id, () =>
      t.app.services.auth.actorFor(t.orgs.a.users.administrator.id, t.orgs.a.id, 'session', null),
    ))!
    await assert.rejects(
      noKey.save(
        actor,
        {
          providerName: 'X',
          issuer: idp.issuer,
          clientId: 'x',
          clientSecret: 's',
          allowedDomains: 'alpha.test',
          tenantId: '',
          groupsClaim: '',
          groupRoles: '',
          enabled: true,
          localPasswordsAllowed: true,
        },
        2,
      ),
      (err: unknown) =>
        err instanceof ValidationError && /OVERSIGHT_SECRET_KEY/.test(err.fields!.clientSecret!),
    )
  })

  it('a sign-in set in the environment wins, cannot be changed on the page, and can turn passwords off', async () => {
    const fromEnv = createSsoSettingsService(t.database.db, createSsoRepository(t.database.db), {
      secretKey: null,
      fromEnv: {
        organisationSlug: 'beta',
        clientSecret: 'env-secret',
        settings: {
          providerName: 'Beta Entra',
          issuer: idp.issuer,
          clientId: 'oversight-beta',
          allowedDomains: ['beta.test'],
          tenantId: null,
          groupsClaim: null,
          groupRoles: {},
          enabled: true,
          localPasswordsAllowed: false,
        },
      },
    })
    const view = await fromEnv.view(t.orgs.b.id)
    assert.equal(view.source, 'environment')
    assert.equal(view.settings?.providerName, 'Beta Entra')
    assert.equal((await fromEnv.effective(t.orgs.b.id))?.clientSecret(), 'env-secret')
    const betaAdmin = (await inOrganisation(t.orgs.b.id, () =>
      t.app.services.auth.actorFor(t.orgs.b.users.administrator.id, t.orgs.b.id, 'session', null),
    ))!
    await assert.rejects(
      fromEnv.save(
        betaAdmin,
        {
          providerName: 'X',
          issuer: idp.issuer,
          clientId: 'x',
          clientSecret: '',
          allowedDomains: 'beta.test',
          tenantId: '',
          groupsClaim: '',
          groupRoles: '',
          enabled: true,
          localPasswordsAllowed: true,
        },
        1,
      ),
      (err: unknown) => err instanceof ValidationError && /environment/.test(err.fields!.providerName!),
    )
    assert.equal(await fromEnv.passwordSignInAllowed(t.orgs.b.users.viewer.id), false)
    assert.equal(await fromEnv.passwordSignInAllowed(t.orgs.a.users.viewer.id), true)
  })

  it('the sign-in page offers the providers; a member signs in, linked by a verified email', async () => {
    const visitor = t.anonymous()
    const signInPage = await visitor.get('/sign-in')
    assert.match(signInPage.text, /Sign in with your organisation’s account/)
    const byDomain = await visitor.post('/sign-in/sso', { ssoEmail: 'someone@beta.test', returnTo: '/' })
    assert.equal(byDomain.status, 303, byDomain.text)
    assert.match(byDomain.location!, /^\/sign-in\/sso\/beta/)

    const { agent, page } = await signInAs('alpha', 'sub-alpha-viewer')
    assert.equal(page.status, 303, `${page.text} ${t.logLines.join('\n')}`)
    assert.equal(page.location, '/programmes')
    const account = await agent.get('/account')
    assert.equal(account.status, 200)
    assert.match(account.text, /Alpha District Council/)
    const link = await t.database.db
      .selectFrom('oidc_links')
      .selectAll()
      .where('subject', '=', 'sub-alpha-viewer')
      .executeTakeFirstOrThrow()
    assert.equal(link.user_id, t.orgs.a.users.viewer.id)
    assert.equal(link.issuer, idp.issuer)
  })

  it('a state is used once, and only in the browser that started the sign-in', async () => {
    const { agent, callback, page } = await signInAs('alpha', 'sub-alpha-viewer')
    assert.equal(page.status, 303)
    const sessions = await count('sessions')
    const replay = await agent.get(callback)
    assert.equal(replay.status, 400)
    assert.match(replay.text, /already been used or has expired/)
    // Another browser given a fresh answer (a login CSRF) is refused too, and the answer is spent.
    idp.signInAs('sub-alpha-viewer')
    const start = await t.anonymous().get('/sign-in/sso/alpha')
    const forwarded = await t.anonymous().get(await throughProvider(start.location!, callbackBase))
    assert.equal(forwarded.status, 400)
    assert.equal(await count('sessions'), sessions)
  })

  it('an ID token for another audience, expired, or not signed by the provider is refused', async () => {
    const sessions = await count('sessions')
    try {
      idp.tamper = (c) => ({ ...c, aud: 'someone-else' })
      const wrongAudience = await signInAs('alpha', 'sub-alpha-viewer')
      assert.equal(wrongAudience.page.status, 400)
      assert.match(wrongAudience.page.text, /could not check Alpha Login’s answer/)
      const now = Math.floor(Date.now() / 1000)
      idp.tamper = (c) => ({ ...c, iat: now - 7200, exp: now - 3600 })
      const expired = await signInAs('alpha', 'sub-alpha-viewer')
      assert.equal(expired.page.status, 400)
      assert.match(expired.page.text, /had expired/)
      idp.tamper = (c) => ({ ...c, sub: 'sub-alpha-pm' })
      idp.tamperWithoutSigning = true
      const forged = await signInAs('alpha', 'sub-alpha-viewer')
      assert.equal(forged.page.status, 400)
    } finally {
      idp.tamper = null
      idp.tamperWithoutSigning = false
    }
    assert.equal(await count('sessions'), sessions)
    // The log says which check failed, for whoever runs the service.
    for (const why of [/aud\\" \(audience\)/, /expiration is past/, /signature verification failed/])
      assert.ok(
        t.logLines.some((l) => why.test(l)),
        `${String(why)} in ${t.logLines.join('\n')}`,
      )
    assert.ok(t.logLines.every((l) => !l.includes(SECRET_A) && !l.includes('eyJ')))
  })

  it('an unverified email, or a person with no account here, is refused and nothing is linked', async () => {
    const links = await count('oidc_links')
    const unverified = await signInAs('alpha', 'sub-unverified')
    assert.equal(unverified.page.status, 403)
    assert.match(unverified.page.text, /has not confirmed your email address/)
    const stranger = await signInAs('alpha', 'sub-stranger')
    assert.equal(stranger.page.status, 403)
    assert.match(stranger.page.text, /You do not have an account in this organisation/)
    assert.equal(await count('oidc_links'), links)
  })

  it('Entra ID without email_verified is trusted from the configured tenant', async () => {
    const entra = await signInAs('alpha', 'sub-entra')
    assert.equal(entra.page.status, 303, entra.page.text)
  })

  it('after linking only the subject counts: a changed email neither moves nor steals an account', async () => {
    // The viewer's address at the provider becomes the finance officer's: they still sign in as the viewer.
    idp.accounts.set('sub-alpha-viewer', {
      email: t.orgs.a.users.finance_officer.email,
      email_verified: true,
    })
    const moved = await signInAs('alpha', 'sub-alpha-viewer')
    assert.equal(moved.page.status, 303)
    assert.match((await moved.agent.get('/account')).text, new RegExp(t.orgs.a.users.viewer.name))
    // A new identity claiming the (linked) viewer's address is refused.
    idp.accounts.set('sub-impostor', { email: t.orgs.a.users.viewer.email, email_verified: true })
    const impostor = await signInAs('alpha', 'sub-impostor')
    assert.equal(impostor.page.status, 403)
    assert.match(impostor.page.text, /already linked to a different Alpha Login account/)
  })

  it('the groups claim sets the role at sign-in, audited', async () => {
    const pm = t.orgs.a.users.project_manager
    const { page } = await signInAs('alpha', 'sub-alpha-pm')
    assert.equal(page.status, 303, page.text)
    const member = await t.database.db
      .selectFrom('memberships')
      .select(['id', 'role'])
      .where('user_id', '=', pm.id)
      .where('organisation_id', '=', t.orgs.a.id)
      .executeTakeFirstOrThrow()
    assert.equal(member.role, 'programme_manager')
    const event = await t.database.db
      .selectFrom('audit_events')
      .select(['actor_label', 'after_json'])
      .where('entity_type', '=', 'membership')
      .where('entity_id', '=', String(member.id))
      .executeTakeFirstOrThrow()
    assert.equal(event.actor_label, 'Groups at Alpha Login')
    assert.match(String(event.after_json), /programme_manager/)
  })

  it('another organisation’s sign-in cannot be used to enter this one', async () => {
    // Alpha's viewer (linked above) goes through Beta's configuration: no session anywhere.
    const sessions = await count('sessions')
    const cross = await signInAs('beta', 'sub-alpha-viewer')
    assert.equal(cross.page.status, 403)
    assert.match(cross.page.text, /You do not have an account in this organisation/)
    assert.equal(await count('sessions'), sessions)
    const own = await signInAs('beta', 'sub-beta-viewer')
    assert.equal(own.page.status, 303)
    assert.match((await own.agent.get('/account')).text, /Beta Borough Council/)
  })

  it('a session keeps to how it signed in: switching organisation needs that organisation’s own sign-in', async () => {
    // Beta's service manager also belongs to Alpha: both sign in through the same issuer, each with its client.
    const person = t.orgs.b.users.service_manager
    idp.accounts.set('sub-beta-sm', { email: person.email, email_verified: true })
    const at = new Date().toISOString()
    await t.database.db
      .insertInto('memberships')
      .values({ organisation_id: t.orgs.a.id, user_id: person.id, role: 'viewer', created_at: at })
      .execute()
    const sessionOrg = async (agent: Agent) =>
      (await agent.get('/account')).document.querySelector('.govuk-summary-list')!.textContent

    // Through Beta's provider: Alpha has not been asked, so the switch is refused and the session stays put.
    const viaBeta = await signInAs('beta', 'sub-beta-sm')
    assert.equal(viaBeta.page.status, 303, viaBeta.page.text)
    const refused = await viaBeta.agent.post('/account/organisation', { organisationId: String(t.orgs.a.id) })
    assert.equal(refused.status, 403)
    assert.match(refused.text, /There is a problem/)
    assert.match(refused.text, /sign in through Alpha Login to work in Alpha District Council/)
    assert.ok(refused.document.querySelector('a[href="/sign-in/sso/alpha?returnTo=%2F"]'))
    assert.match(await sessionOrg(viaBeta.agent), /Beta Borough Council/)

    // Through Alpha's own provider the same person works in Alpha, and that session cannot wander into Beta.
    // The browser's Beta session, which it can no longer reach, ends.
    const betaSessions = () =>
      t.database.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', person.id)
        .where('organisation_id', '=', t.orgs.b.id)
        .execute()
    assert.equal((await betaSessions()).length, 1)
    const viaAlpha = await signInAs('alpha', 'sub-beta-sm', viaBeta.agent)
    assert.equal(viaAlpha.page.status, 303, viaAlpha.page.text)
    assert.equal((await betaSessions()).length, 0)
    assert.match(await sessionOrg(viaAlpha.agent), /Alpha District Council/)
    const back = await viaAlpha.agent.post('/account/organisation', { organisationId: String(t.orgs.b.id) })
    assert.equal(back.status, 403)
    assert.match(back.text, /sign in through Beta Login to work in Beta Borough Council/)

    // A password session moves between organisations that both take passwords.
    const withPassword = await t.signIn(person)
    const moved = await withPassword.post('/account/organisation', { organisationId: String(t.orgs.a.id) })
    assert.equal(moved.status, 303, moved.text)
    assert.match(await sessionOrg(withPassword), /Alpha District Council/)

    // Beta turns passwords off: the password session can no longer move into Beta.
    const betaAdmin = await t.signIn(t.orgs.b.users.administrator)
    const off = await configure(betaAdmin, {
      providerName: 'Beta Login',
      issuer: idp.issuer,
      clientId: 'oversight-beta',
      allowedDomains: 'beta.test',
      localPasswordsAllowed: 'no',
    })
    assert.equal(off.status, 303, off.text)
    const intoBeta = await withPassword.post('/account/organisation', { organisationId: String(t.orgs.b.id) })
    assert.equal(intoBeta.status, 403)
    assert.match(intoBeta.text, /Beta Borough Council signs in only through Beta Login/)
    assert.match(await sessionOrg(withPassword), /Alpha District Council/)

    const on = await configure(betaAdmin, {
      providerName: 'Beta Login',
      issuer: idp.issuer,
      clientId: 'oversight-beta',
      allowedDomains: 'beta.test',
    })
    assert.equal(on.status, 303, on.text)
    await t.database.db
      .updateTable('memberships')
      .set({ left_at: at })
      .where('organisation_id', '=', t.orgs.a.id)
      .where('user_id', '=', person.id)
      .execute()
  })

  it('a provider that does not answer gets a clear page, and nothing changes', async () => {
    const beta = await t.signIn(t.orgs.b.users.administrator)
    const saved = await configure(beta, {
      providerName: 'Beta Login',
      issuer: 'http://127.0.0.1:9',
      clientId: 'oversight-beta',
      allowedDomains: 'beta.test',
    })
    assert.equal(saved.status, 303, saved.text)
    const before = [await count('sessions'), await count('oidc_links')]
    const down = await t.anonymous().get('/sign-in/sso/beta')
    assert.equal(down.status, 502)
    assert.match(down.text, /Beta Login is not answering/)
    assert.match(down.text, /Nothing has been changed/)
    assert.deepEqual([await count('sessions'), await count('oidc_links')], before)
    const unknown = await t.anonymous().get('/sign-in/sso/no-such-council')
    assert.equal(unknown.status, 404)
  })

  it('with passwords turned off, a password is refused except for the break-glass administrator', async () => {
    const admin = await t.signIn(t.orgs.a.users.administrator)
    const off = await configure(admin, {
      providerName: 'Alpha Login',
      issuer: idp.issuer,
      clientId: 'oversight-alpha',
      allowedDomains: 'alpha.test',
      tenantId: 'tenant-alpha',
      localPasswordsAllowed: 'no',
    })
    assert.equal(off.status, 303, off.text)
    const viewer = t.anonymous()
    await viewer.get('/sign-in')
    const refused = await viewer.post('/sign-in', {
      email: t.orgs.a.users.viewer.email,
      password: TEST_PASSWORD,
    })
    assert.equal(refused.status, 400)
    assert.match(refused.text, /signs in through its own account, not a password/)
    const adminAgain = t.anonymous()
    await adminAgain.get('/sign-in')
    assert.equal(
      (
        await adminAgain.post('/sign-in', {
          email: t.orgs.a.users.administrator.email,
          password: TEST_PASSWORD,
        })
      ).status,
      400,
    )

    const out: string[] = []
    const ctx: CommandContext = {
      config: t.config,
      database: () => Promise.resolve(t.database),
      out: (line = '') => void out.push(line),
      err: (line = '') => void out.push(line),
    }
    await assert.rejects(
      userBreakGlass.run(ctx, { email: t.orgs.a.users.viewer.email, org: 'alpha' }),
      /not a current administrator/,
    )
    await userBreakGlass.run(ctx, { email: t.orgs.a.users.administrator.email, org: 'alpha' })
    const glass = t.anonymous()
    await glass.get('/sign-in')
    const ok = await glass.post('/sign-in', {
      email: t.orgs.a.users.administrator.email,
      password: TEST_PASSWORD,
    })
    assert.equal(ok.status, 303)
    // Beta, which did not turn passwords off, is unaffected.
    assert.equal((await t.signIn(t.orgs.b.users.viewer)).csrf !== undefined, true)
  })
})
