import assert from 'node:assert/strict'
import net from 'node:net'
import { after, before, describe, it } from 'node:test'
import { drainConnections } from '../../src/drain.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'

// What a stopping instance does with its connections (src/drain.ts; the rolling restart through nginx is
// test/integration/deployment.test.ts): refuses new ones, serves requests on open ones and then closes them,
// and leaves an idle one open for the client to close or use.

/** A kept-alive connection driven by hand: each request's answer (status line and headers), and whether it ended. */
class Connection {
  private readonly socket: net.Socket
  private buffer = ''
  private waiting: (() => void) | null = null
  ended = false
  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1')
    this.socket.setEncoding('utf8')
    this.socket.on('data', (d: string) => {
      this.buffer += d
      this.waiting?.()
    })
    this.socket.on('end', () => {
      this.ended = true
      this.waiting?.()
    })
  }

  async get(path: string): Promise<{ status: number; headers: string }> {
    this.buffer = ''
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: oversight.test\r\n\r\n`)
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n')
      const length = /\r\ncontent-length: (\d+)/i.exec(this.buffer)?.[1]
      if (end >= 0 && length !== undefined && this.buffer.length >= end + 4 + Number(length)) {
        const head = this.buffer.slice(0, end)
        return { status: Number(head.split(' ')[1]), headers: head.toLowerCase() }
      }
      if (this.ended) throw new Error(`the connection ended before the answer: ${this.buffer}`)
      await new Promise<void>((resolve) => (this.waiting = resolve))
    }
  }

  async closedByServer(): Promise<void> {
    while (!this.ended) await new Promise<void>((resolve) => (this.waiting = resolve))
  }

  destroy(): void {
    this.socket.destroy()
  }
}

function refused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.on('connect', () => {
      socket.destroy()
      resolve('accepted')
    })
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
  })
}

describe('stopping: draining the connections', () => {
  let t: TestApp
  let port = 0
  before(async () => {
    t = await buildTestApp()
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    const address = t.app.server.address()
    port = typeof address === 'object' && address ? address.port : 0
  })
  after(() => t.close())

  it('refuses new connections, serves requests on open ones with Connection: close, leaves idle ones open', async () => {
    const busy = new Connection(port)
    const idle = new Connection(port)
    try {
      for (const c of [busy, idle]) {
        const first = await c.get('/health/live')
        assert.equal(first.status, 200)
        assert.match(first.headers, /\r\nconnection: keep-alive/)
      }
      let drained = false
      const draining = drainConnections(t.app.server).then(() => (drained = true))

      assert.equal(await refused(port), 'ECONNREFUSED', 'a new connection is refused')
      const served = await busy.get('/health/live')
      assert.equal(served.status, 200, 'a request on an open connection is served, not answered 503')
      assert.match(served.headers, /\r\nconnection: close/)
      await busy.closedByServer()

      await new Promise((r) => setTimeout(r, 300))
      assert.equal(idle.ended, false, 'the idle connection is left open')
      assert.equal(drained, false, 'draining waits for it')
      const late = await idle.get('/health/live')
      assert.equal(late.status, 200, 'a request sent down it is served')
      assert.match(late.headers, /\r\nconnection: close/)
      await idle.closedByServer()
      await draining
      assert.equal(drained, true, 'drained once the last connection ended')
    } finally {
      busy.destroy()
      idle.destroy()
    }
  })
})
