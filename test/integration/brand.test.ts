import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type Agent, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { multipartBody } from '../helpers/multipart.ts'
import { pngOf } from '../helpers/png.ts'

const NS = 'xmlns="http://www.w3.org/2000/svg"'

describe(`the council's own look: name, logo, header colour (${dialectName()})`, () => {
  let t: TestApp
  let adminA: Agent
  before(async () => {
    t = await buildTestApp()
    adminA = await t.signIn(t.orgs.a.users.administrator)
  })
  after(() => t.close())

  const version = async (agent: Agent) => {
    const page = await agent.get('/settings/brand')
    assert.equal(page.status, 200)
    return page.document.querySelector('input[name="version"]')!.getAttribute('value')!
  }
  const uploadLogo = async (agent: Agent, fileName: string, content: string | Buffer, v?: string) => {
    const { payload, contentType } = multipartBody(
      [
        ['_csrf', agent.csrf],
        ['version', v ?? (await version(agent))],
      ],
      { name: 'logo', fileName, content, type: fileName.endsWith('.png') ? 'image/png' : 'image/svg+xml' },
    )
    return t.app.inject({
      method: 'POST',
      url: '/settings/brand/logo',
      headers: {
        cookie: (agent as unknown as { cookieHeader(): string }).cookieHeader(),
        'content-type': contentType,
        accept: 'text/html',
      },
      payload,
    })
  }
  const orgA = () =>
    t.database.db
      .selectFrom('organisations')
      .selectAll()
      .where('id', '=', t.orgs.a.id)
      .executeTakeFirstOrThrow()

  it('the default look is neutral: no crown, no GOV.UK wording, no GDS Transport, Oversight’s own footer', async () => {
    const page = await (await t.signIn(t.orgs.b.users.viewer)).get('/')
    assert.equal(page.document.querySelector('meta[name="theme-color"]')!.getAttribute('content'), '#0b0c0c')
    assert.equal(page.document.querySelector('.govuk-header__logotype svg, svg.govuk-header__logotype'), null)
    assert.doesNotMatch(page.body, /GOV\.UK|Crown copyright|Open Government Licence/)
    const footer = page.document.querySelector('footer')!
    assert.match(footer.textContent, /Oversight – open-source programme governance and scrutiny software/)
    assert.ok(footer.querySelector('a[href="/accessibility"]') && footer.querySelector('a[href="/privacy"]'))
    const css = await t.app.inject({ method: 'GET', url: '/assets/oversight.css' })
    assert.doesNotMatch(css.body, /GDS Transport|@font-face/)
    assert.match(
      css.body,
      /\.govuk-body,\.govuk-body-m\{color:#0b0c0c;font-family:-apple-system,"Segoe UI",arial,sans-serif/,
    )
  })

  it('refuses a header colour whose text fails 4.5:1, saying the ratio, and changes nothing', async () => {
    const refused = await adminA.post('/settings/brand', {
      version: await version(adminA),
      displayName: 'Marsh',
      headerColour: '#ffdd00',
      headerText: 'light',
    })
    assert.equal(refused.status, 400)
    const summary = refused.document.querySelector('.govuk-error-summary')!.textContent
    assert.match(
      summary,
      /The header text \(white\) has a contrast ratio of 1\.\d\d:1 against #ffdd00; it must be at least 4\.5:1/,
    )
    assert.equal(
      refused.document.querySelector('#headerColour')!.getAttribute('value'),
      '#ffdd00',
      'what was typed stays',
    )
    const notHex = await adminA.post('/settings/brand', {
      version: await version(adminA),
      displayName: '',
      headerColour: 'red; background:url(x)',
      headerText: 'light',
    })
    assert.equal(notHex.status, 400)
    assert.match(notHex.text, /hex code of 6 digits/)
    const org = await orgA()
    assert.equal(org.header_colour, null)
    assert.equal(org.display_name, null)
  })

  it('saves the name as shown and the colour; the header and every page title show them; audited', async () => {
    const saved = await adminA.post('/settings/brand', {
      version: await version(adminA),
      displayName: 'Marshland District Council',
      headerColour: '#1D4F3A',
      headerText: 'light',
    })
    assert.equal(saved.status, 303)
    const page = await adminA.get('/projects')
    assert.match(page.document.querySelector('title')!.textContent, /– Marshland District Council$/)
    assert.equal(
      page.document.querySelector('.app-header__org')!.textContent.trim(),
      'Marshland District Council',
    )
    assert.equal(page.document.querySelector('meta[name="theme-color"]')!.getAttribute('content'), '#1d4f3a')
    const style = page.document.querySelector('head style')!
    assert.match(style.textContent, /background-color: #1d4f3a/)
    // The style carries the page's CSP nonce, so the policy lets it apply.
    const nonce = style.getAttribute('nonce')!
    assert.ok(String(page.headers['content-security-policy']).includes(`'nonce-${nonce}'`))
    // An error page names the organisation too.
    const missing = await adminA.get('/projects/999999')
    assert.equal(missing.status, 404)
    assert.match(missing.document.querySelector('title')!.textContent, /Marshland District Council/)
    const event = await t.database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('organisation_id', '=', t.orgs.a.id)
      .where('entity_type', '=', 'organisation')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    assert.match(String(event.after_json ?? JSON.stringify(event)), /#1d4f3a/)
    // The other organisation looks as it did.
    const other = await (await t.signIn(t.orgs.b.users.viewer)).get('/projects')
    assert.equal(other.document.querySelector('head style'), null)
    assert.doesNotMatch(other.document.querySelector('title')!.textContent, /Marshland/)
  })

  it('accepts near-black text on a light colour, and the header switches to it', async () => {
    const saved = await adminA.post('/settings/brand', {
      version: await version(adminA),
      displayName: 'Marshland District Council',
      headerColour: '#ffdd00',
      headerText: 'dark',
    })
    assert.equal(saved.status, 303)
    const page = await adminA.get('/')
    assert.match(page.document.querySelector('head style')!.textContent, /color: #0b0c0c/)
  })

  it('a stale version shows the conflict page with both versions', async () => {
    const stale = String(Number(await version(adminA)) - 1)
    const res = await adminA.post('/settings/brand', {
      version: stale,
      displayName: 'Someone else',
      headerColour: '#000000',
      headerText: 'light',
    })
    assert.equal(res.status, 409)
    assert.match(res.text, /This was changed by someone else/)
    assert.match(res.text, /Someone else/)
    assert.equal((await orgA()).display_name, 'Marshland District Council')
  })

  it('stores a sanitised SVG logo and serves it sandboxed, nosniff, with an ETag that answers 304', async () => {
    const res = await uploadLogo(
      adminA,
      'logo.svg',
      `<svg ${NS} viewBox="0 0 10 10" onload="alert(1)"><script>alert(2)</script><rect width="10" height="10" fill="#1d4f3a"/></svg>`,
    )
    assert.equal(res.statusCode, 303, res.body)
    // The flash tells the administrator what the sanitiser left out.
    assert.match(
      decodeURIComponent(String(res.headers['set-cookie'])),
      /Left out of it as unsafe or not needed: onload attribute, <script>/,
    )
    const src = (await adminA.get('/')).document.querySelector('.app-header__logo')!.getAttribute('src')!
    assert.match(src, new RegExp(`^/brand/${t.orgs.a.slug}/logo\\?v=[0-9a-f]{16}$`))
    const logo = await t.app.inject({ method: 'GET', url: src })
    assert.equal(logo.statusCode, 200)
    assert.equal(logo.headers['content-type'], 'image/svg+xml')
    assert.equal(
      logo.headers['content-security-policy'],
      "sandbox; default-src 'none'; style-src 'unsafe-inline'",
    )
    assert.equal(logo.headers['x-content-type-options'], 'nosniff')
    assert.doesNotMatch(logo.body, /alert|onload|script/)
    assert.match(logo.body, /<rect width="10" height="10" fill="#1d4f3a">/)
    const etag = String(logo.headers.etag)
    assert.match(etag, /^"[0-9a-f]{64}"$/)
    const again = await t.app.inject({ method: 'GET', url: src, headers: { 'if-none-match': etag } })
    assert.equal(again.statusCode, 304)
    assert.equal(again.body, '')
  })

  it('stores a PNG checked from its bytes; refuses a fake PNG, an oversized image and hostile SVG, keeping the old logo', async () => {
    const before = (await orgA()).logo_sha256
    const fake = await uploadLogo(
      adminA,
      'logo.png',
      Buffer.concat([Buffer.from([0x89]), Buffer.from('PNG not really')]),
    )
    assert.equal(fake.statusCode, 400)
    assert.match(fake.body, /PNG or SVG/)
    const huge = await uploadLogo(adminA, 'logo.png', pngOf(5000, 10))
    assert.equal(huge.statusCode, 400)
    assert.match(huge.body, /5000 × 10 pixels/)
    const entity = await uploadLogo(
      adminA,
      'logo.svg',
      `<!DOCTYPE svg [<!ENTITY x "y">]><svg ${NS}>&x;</svg>`,
    )
    assert.equal(entity.statusCode, 400)
    assert.match(entity.body, /DOCTYPE/)
    const tooBig = await uploadLogo(adminA, 'logo.svg', `<svg ${NS}>${' '.repeat(300 * 1024)}</svg>`)
    assert.equal(tooBig.statusCode, 413)
    assert.match(tooBig.body, /smaller than 200 KB/)
    assert.equal((await orgA()).logo_sha256, before, 'nothing changed')

    const png = pngOf(120, 40)
    assert.equal((await uploadLogo(adminA, 'crest.png', png)).statusCode, 303)
    const src = (await adminA.get('/')).document.querySelector('.app-header__logo')!.getAttribute('src')!
    const served = await t.app.inject({ method: 'GET', url: src })
    assert.equal(served.headers['content-type'], 'image/png')
    assert.deepEqual(served.rawPayload, png)
  })

  it('removes the logo', async () => {
    const res = await adminA.post('/settings/brand/logo', { version: await version(adminA), remove: 'yes' })
    assert.equal(res.status, 303)
    assert.equal((await adminA.get('/')).document.querySelector('.app-header__logo'), null)
    assert.equal((await t.app.inject({ method: 'GET', url: `/brand/${t.orgs.a.slug}/logo` })).statusCode, 404)
    assert.equal(
      await t.database.db.selectFrom('organisation_logos').select('organisation_id').executeTakeFirst(),
      undefined,
    )
  })

  it('only an administrator sees or changes the look, and only their own organisation’s', async () => {
    for (const role of ['viewer', 'programme_manager', 'finance_officer'] as const) {
      const agent = await t.signIn(t.orgs.a.users[role])
      assert.equal((await agent.get('/settings/brand')).status, 403, role)
      const res = await agent.post('/settings/brand', {
        version: '1',
        displayName: 'X',
        headerColour: '',
        headerText: 'light',
      })
      assert.equal(res.status, 403, role)
    }
    // Another organisation's administrator sees and changes only their own.
    const adminB = await t.signIn(t.orgs.b.users.administrator)
    const pageB = await adminB.get('/settings/brand')
    assert.doesNotMatch(pageB.text, /Marshland/)
    const savedB = await adminB.post('/settings/brand', {
      version: await version(adminB),
      displayName: 'Other place',
      headerColour: '',
      headerText: 'light',
    })
    assert.equal(savedB.status, 303)
    assert.equal((await orgA()).display_name, 'Marshland District Council')
  })

  it('the API reads the look and changes it with the same checks, against the version, audited', async () => {
    interface Look {
      version: number
      name: string
      displayName: string | null
      headerColour: string | null
      headerText: string
      logoUrl: string | null
    }
    const viewer = await t.api(await t.tokenFor(t.orgs.a.users.viewer), 'GET', '/api/v1/organisation/brand')
    assert.equal(viewer.statusCode, 200, viewer.body)
    const look = viewer.json<Look>()
    assert.equal(look.name, 'Marshland District Council')
    assert.equal(look.version, (await orgA()).version)
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const before = await orgA()
    const dim = await t.api(admin, 'PATCH', '/api/v1/organisation/brand', {
      version: look.version,
      headerColour: '#ffdd00',
      headerText: 'light',
    })
    assert.equal(dim.statusCode, 400, dim.body)
    assert.match(dim.json<{ fields: Record<string, string> }>().fields.headerColour!, /4\.5:1/)
    assert.deepEqual(await orgA(), before)
    const stale = await t.api(admin, 'PATCH', '/api/v1/organisation/brand', {
      version: look.version - 1,
      displayName: 'Stale name',
    })
    assert.equal(stale.statusCode, 409)
    const saved = await t.api(admin, 'PATCH', '/api/v1/organisation/brand', {
      version: look.version,
      displayName: 'Marshland Council',
      headerColour: '#1d4f3a',
      headerText: 'light',
    })
    assert.equal(saved.statusCode, 200, saved.body)
    assert.deepEqual(saved.json<Look>(), {
      ...look,
      version: look.version + 1,
      name: 'Marshland Council',
      displayName: 'Marshland Council',
      headerColour: '#1d4f3a',
      headerText: 'light',
    })
    const event = await t.database.db
      .selectFrom('audit_events')
      .select('after_json')
      .where('entity_type', '=', 'organisation')
      .where('organisation_id', '=', t.orgs.a.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    assert.match(String(event.after_json), /Marshland Council/)
    // Only what is sent changes: the colour stays when only the name does.
    const renamed = await t.api(admin, 'PATCH', '/api/v1/organisation/brand', {
      version: look.version + 1,
      displayName: 'Marshland District Council',
    })
    assert.equal(renamed.json<Look>().headerColour, '#1d4f3a')
    const restored = await t.api(admin, 'PATCH', '/api/v1/organisation/brand', {
      version: look.version + 2,
      headerColour: look.headerColour ?? '',
      headerText: look.headerText,
    })
    assert.equal(restored.statusCode, 200, restored.body)
    const refused = await t.api(
      await t.tokenFor(t.orgs.a.users.programme_manager),
      'PATCH',
      '/api/v1/organisation/brand',
      {
        version: look.version + 3,
        displayName: 'Not mine to change',
      },
    )
    assert.equal(refused.statusCode, 403)
    const other = await t.api(
      await t.tokenFor(t.orgs.b.users.administrator),
      'GET',
      '/api/v1/organisation/brand',
    )
    assert.doesNotMatch(other.body, /Marshland/)
  })

  it('the public site shows the organisation’s name as shown, colour and logo', async () => {
    const settings = await adminA.get('/settings/publication')
    const v = settings.document.querySelector('input[name="version"]')!.getAttribute('value')!
    assert.equal(
      (await adminA.post('/settings/publication', { version: v, types: ['programmes'], threshold: '500' }))
        .status,
      303,
    )
    assert.equal((await uploadLogo(adminA, 'crest.png', pngOf(40, 40))).statusCode, 303)
    const site = await t.anonymous().get(`/public/${t.orgs.a.slug}/`)
    assert.equal(site.status, 200)
    assert.match(site.document.querySelector('title')!.textContent, /Marshland District Council/)
    assert.match(
      site.document.querySelector('.app-header__product')!.textContent,
      /Marshland District Council/,
    )
    assert.match(site.document.querySelector('head style')!.textContent, /#ffdd00/)
    assert.ok(site.document.querySelector('.app-header__logo'))
  })
})
