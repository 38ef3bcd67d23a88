import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startMetricsServer } from '../../src/metrics/metrics-server.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { metricValue } from '../helpers/metrics.ts'

/**
 * Load shedding (issue 14): with a deliberately tiny limit on the event loop's delay, a blocked loop makes
 * the server answer 503 with Retry-After, while the liveness probe and /metrics still answer. No
 * METRICS_TOKEN here: /metrics on the main port does not exist, and METRICS_PORT serves it instead.
 */
const SAMPLE_MS = 200

/** Keeps the event loop busy (as a long synchronous computation would) for `ms`. */
function blockLoop(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end) {
    // busy: nothing else on this thread runs, and the loop's delay grows
  }
}

describe(`load shedding (${dialectName()})`, () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp({
      MAX_EVENT_LOOP_DELAY_MS: '40',
      LOAD_SAMPLE_INTERVAL_MS: String(SAMPLE_MS),
      LOAD_RETRY_AFTER_SECONDS: '7',
    })
    await t.app.ready()
  })
  after(() => t.close())

  /**
   * Blocks the loop until the sampler has seen it (a sample taken just before a block does not), then
   * makes the request at once, before the next sample.
   */
  async function whileBlocked(request: () => Promise<void>): Promise<void> {
    for (let attempt = 0; !t.app.isUnderPressure(); attempt++) {
      assert.ok(attempt < 10, 'the sampler never saw the blocked loop')
      blockLoop(250)
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
    await request()
  }

  it('answers normally when the loop is not blocked', async () => {
    assert.equal((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200)
  })

  it('answers 503 with Retry-After to the API and to pages while the loop is blocked', async () => {
    const token = await t.tokenFor(t.orgs.a.users.viewer)
    await whileBlocked(async () => {
      const res = await t.api(token, 'GET', '/api/v1/programmes')
      assert.equal(res.statusCode, 503)
      assert.equal(res.headers['retry-after'], '7')
      assert.deepEqual(res.json(), {
        error: 'Service Unavailable',
        message: 'The service is busy. Try again in 7 seconds.',
      })
    })
    await whileBlocked(async () => {
      const page = await t.app.inject({ method: 'GET', url: '/sign-in', headers: { accept: 'text/html' } })
      assert.equal(page.statusCode, 503)
      assert.equal(page.headers['retry-after'], '7')
      assert.match(String(page.headers['content-type']), /text\/html/)
    })
    await whileBlocked(async () => {
      const ready = await t.app.inject({ method: 'GET', url: '/health/ready' })
      assert.equal(ready.statusCode, 503, 'a busy instance is not ready for more')
    })
  })

  it('still answers the liveness probe and /metrics while shedding', async () => {
    await whileBlocked(async () => {
      const live = await t.app.inject({ method: 'GET', url: '/health/live' })
      assert.equal(live.statusCode, 200)
      assert.deepEqual(live.json(), { status: 'ok' })
      // No METRICS_TOKEN: on the main port /metrics does not exist (404), busy or not — never 503.
      const metrics = await t.app.inject({ method: 'GET', url: '/metrics' })
      assert.equal(metrics.statusCode, 404)
    })
  })

  it('recovers once the loop is free again', async () => {
    for (let waited = 0; t.app.isUnderPressure(); waited += SAMPLE_MS) {
      assert.ok(waited < 10_000, 'still under pressure after ten seconds')
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS))
    }
    assert.equal((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200)
  })

  it('METRICS_PORT serves /metrics alone, with no token, counting the requests shed', async () => {
    const server = await startMetricsServer(t.app, { port: 0, host: '127.0.0.1' })
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/metrics`)
      assert.equal(res.status, 200)
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
      const text = await res.text()
      const shed = metricValue(text, 'oversight_http_requests_shed_total', { reason: 'eventLoopDelay' })
      assert.ok(shed !== undefined && shed >= 3, `requests shed: ${shed}`)
      assert.ok(
        (metricValue(text, 'oversight_http_requests_total', {
          method: 'GET',
          route: '/api/v1/programmes',
          status_class: '5xx',
        }) ?? 0) >= 1,
        'a shed request is counted as answered 503',
      )
      // Nothing else of the app is reachable through that port.
      assert.equal((await fetch(`http://127.0.0.1:${server.port}/sign-in`)).status, 404)
      assert.equal((await fetch(`http://127.0.0.1:${server.port}/health/live`)).status, 404)
    } finally {
      await server.close()
    }
  })
})
