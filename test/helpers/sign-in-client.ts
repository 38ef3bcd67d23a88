import type { FastifyInstance } from 'fastify'

/** A browser at one network address (and, behind a proxy, the X-Forwarded-For it arrives with). */
export class Client {
  private readonly jar = new Map<string, string>()
  private cookie = ''
  private csrf = ''
  constructor(
    private readonly app: FastifyInstance,
    private readonly remoteAddress: string,
    private readonly forwardedFor?: string,
  ) {}

  private headers(): Record<string, string> {
    return {
      accept: 'text/html',
      ...(this.cookie ? { cookie: this.cookie } : {}),
      ...(this.forwardedFor ? { 'x-forwarded-for': this.forwardedFor } : {}),
    }
  }

  async open(): Promise<this> {
    const res = await this.app.inject({
      method: 'GET',
      url: '/sign-in',
      remoteAddress: this.remoteAddress,
      headers: this.headers(),
    })
    this.remember(res.cookies)
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? ''
    return this
  }

  /** Keeps the CSRF and known-device cookies, never the session: each sign-in starts signed out. */
  private remember(cookies: Array<{ name: string; value: string }>): void {
    for (const c of cookies) if (c.name !== 'oversight_session') this.jar.set(c.name, c.value)
    this.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  async signIn(email: string, password: string) {
    const res = await this.app.inject({
      method: 'POST',
      url: '/sign-in',
      remoteAddress: this.remoteAddress,
      headers: { ...this.headers(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: this.csrf, email, password }).toString(),
    })
    this.remember(res.cookies)
    return res
  }

  /** The same browser, now on another network (a laptop taken home). */
  movedTo(remoteAddress: string): Client {
    const moved = new Client(this.app, remoteAddress)
    for (const [k, v] of this.jar) moved.jar.set(k, v)
    moved.cookie = this.cookie
    moved.csrf = this.csrf
    return moved
  }
}
