import { generateKeyPairSync, sign } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'

/**
 * A real OpenID provider (the `oidc-provider` package) on the loopback address, for the OIDC sign-in tests.
 * Whoever is "signed in at the provider" is chosen by the test (`signInAs`); there is no login page. The
 * provider signs ID tokens with its own key; `tamper` lets a test make the token endpoint hand back a token
 * with claims changed (a wrong audience, an expiry in the past), signed with that same key or not at all.
 */
export interface TestProvider {
  issuer: string
  accounts: Map<string, Record<string, unknown>>
  signInAs(subject: string): void
  tamper: ((claims: Record<string, unknown>) => Record<string, unknown>) | null
  /** When true, the tampered token keeps the original signature (so the signature no longer matches). */
  tamperWithoutSigning: boolean
  close(): Promise<void>
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

export async function startTestProvider(
  clients: Array<{ clientId: string; clientSecret: string; redirectUri: string }>,
): Promise<TestProvider> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' }
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end()
  const server: Server = createServer((req, res) => handler(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const accounts = new Map<string, Record<string, unknown>>()
  let current = ''

  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: [c.redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
    })),
    jwks: { keys: [jwk] },
    cookies: { keys: ['test-provider-cookie-key'] },
    // The ID token carries the scope's claims, as Entra ID and Google send them.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub', 'groups', 'tid', 'xms_edov'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    ttl: { Interaction: 600, Grant: 600, Session: 600, AccessToken: 600, IdToken: 600 },
    findAccount: (_ctx: unknown, id: string) => {
      const claims = accounts.get(id)
      return claims ? { accountId: id, claims: () => ({ sub: id, ...claims }) } : undefined
    },
  })

  const testProvider: TestProvider = {
    issuer,
    accounts,
    signInAs(subject) {
      current = subject
    },
    tamper: null,
    tamperWithoutSigning: false,
    async close() {
      // Keep-alive connections from the app's fetch would hold close() open: they are ended first.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }

  provider.use(async (ctx, next) => {
    if (ctx.path.startsWith('/interaction/')) {
      // The person the test chose is signed in and consents at once.
      const details = await provider.interactionDetails(ctx.req, ctx.res)
      const grant = new provider.Grant({ accountId: current, clientId: String(details.params.client_id) })
      grant.addOIDCScope('openid email profile')
      const grantId = await grant.save()
      const to = await provider.interactionResult(
        ctx.req,
        ctx.res,
        { login: { accountId: current }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      )
      ctx.redirect(to)
      return
    }
    await next()
    const body = ctx.body as { id_token?: string } | undefined
    if (ctx.path === '/token' && testProvider.tamper && body?.id_token) {
      const [header, payload, signature] = body.id_token.split('.') as [string, string, string]
      const claims = testProvider.tamper(
        JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
      )
      const signed = `${header}.${b64url(claims)}`
      const newSignature = testProvider.tamperWithoutSigning
        ? signature
        : sign('sha256', Buffer.from(signed), privateKey).toString('base64url')
      ctx.body = { ...body, id_token: `${signed}.${newSignature}` }
    }
  })
  handler = provider.callback()
  return testProvider
}

/**
 * A browser at the provider: follows the provider's redirects from the authorisation address until it is
 * sent back to Oversight, keeping the provider's cookies as a browser would. Answers the callback path.
 */
export async function throughProvider(authorisationUrl: string, callbackBase: string): Promise<string> {
  const cookies = new Map<string, string>()
  let url = authorisationUrl
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, {
      redirect: 'manual',
      signal: AbortSignal.timeout(5000),
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    })
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';')
      const at = pair.indexOf('=')
      cookies.set(pair.slice(0, at), pair.slice(at + 1))
    }
    const text = await res.text()
    const location = res.headers.get('location')
    if (!location) throw new Error(`The provider answered ${res.status} at ${url}: ${text}`)
    const next = new URL(location, url)
    if (next.href.startsWith(callbackBase)) return `${next.pathname}${next.search}`
    url = next.href
  }
  throw new Error('The provider never sent the browser back')
}
