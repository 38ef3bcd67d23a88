import { statSync } from 'node:fs'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { httpDuration, httpRequests, PROCESS_INSTRUMENTS } from './metrics.ts'
import { renderGauge } from './prometheus.ts'
import { crossOrganisation } from '../db/tenant-context.ts'

/** A request no route matched: counted under one name, so a scanner's URLs never become series. */
const UNMATCHED = '(unmatched)'
const STATUS_CLASS = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx']
/** The outbox's states still to be delivered or needing someone (sent and kept-in-log mail only grows). */
const OUTBOX_STATES = ['pending', 'sending', 'failed'] as const

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answered even when the process sheds load (the liveness probe, /metrics): see load-shedding.plugin.ts. */
    alwaysAnswer?: boolean
  }
  interface FastifyInstance {
    /** Everything /metrics shows, in Prometheus's text format (also served on METRICS_PORT). */
    renderMetrics(): Promise<string>
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

/** The scrape-time readings of this app's database: its pool (or SQLite's files) and the mail outbox. */
async function databaseLines(app: FastifyInstance, lines: string[]): Promise<void> {
  const { database } = app
  const pool = database.poolStats()
  if (pool) {
    renderGauge(lines, 'oversight_db_pool_connections', 'PostgreSQL pool connections, by state.', [
      { labels: { state: 'total' }, value: pool.total },
      { labels: { state: 'idle' }, value: pool.idle },
      { labels: { state: 'waiting' }, value: pool.waiting },
    ])
  } else if (database.sqlite && database.sqlite.name !== ':memory:') {
    // SQLite has one connection and no pool; what an operator watches is the file and its write-ahead log,
    // which grows when a long reader keeps checkpoints from finishing.
    const file = database.sqlite.name
    renderGauge(
      lines,
      'oversight_db_sqlite_bytes',
      'Size of the SQLite database file and its write-ahead log.',
      [
        { labels: { file: 'database' }, value: fileSize(file) },
        { labels: { file: 'wal' }, value: fileSize(`${file}-wal`) },
      ],
    )
  }
  let outbox: Array<{ status: string; n: number }> | null = null
  try {
    // The whole service's outbox: a named exception to row security (db/tenant-context.ts).
    outbox = await crossOrganisation('operations metrics', () =>
      database.db
        .selectFrom('mail_outbox')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', OUTBOX_STATES)
        .groupBy('status')
        .execute(),
    )
  } catch {
    outbox = null
  }
  renderGauge(lines, 'oversight_db_up', 'Whether the database answered this scrape (1) or not (0).', [
    { value: outbox === null ? 0 : 1 },
  ])
  if (outbox === null) return
  renderGauge(
    lines,
    'oversight_mail_outbox_messages',
    'Mail in the outbox not yet delivered (pending, sending) or given up on (failed), all organisations.',
    OUTBOX_STATES.map((status) => ({
      labels: { status },
      value: Number(outbox.find((r) => r.status === status)?.n ?? 0),
    })),
  )
}

function processLines(app: FastifyInstance, lines: string[]): void {
  const usage = app.memoryUsage()
  const memory = process.memoryUsage()
  renderGauge(
    lines,
    'oversight_event_loop_delay_milliseconds',
    'Mean event-loop delay over the last sample.',
    [{ value: Number.isFinite(usage.eventLoopDelay) ? usage.eventLoopDelay : -1 }],
  )
  renderGauge(lines, 'oversight_event_loop_utilization', 'Share of time the event loop was busy (0 to 1).', [
    { value: usage.eventLoopUtilized },
  ])
  renderGauge(lines, 'oversight_process_heap_used_bytes', 'V8 heap in use.', [{ value: memory.heapUsed }])
  renderGauge(lines, 'oversight_process_resident_memory_bytes', 'Resident set size.', [{ value: memory.rss }])
  renderGauge(lines, 'oversight_process_start_time_seconds', 'When the process started (Unix time).', [
    { value: Math.round(Date.now() / 1000 - process.uptime()) },
  ])
}

/**
 * What /metrics shows (issue 14): request counts and latency by route pattern, the database pool, scheduled
 * jobs, the mail outbox and import durations, in Prometheus's text format. Registered first, so every
 * answer is counted; the route itself is metrics.routes.ts (after the auth plugin, which records its policy).
 */
export default fp(
  async function metrics(app: FastifyInstance) {
    // Counted once answered: the route's pattern, never its URL, so no id or personal data becomes a label.
    // A callback hook: an async one would cost a promise on every request.
    app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      const route = request.routeOptions.url ?? UNMATCHED
      const method = request.method
      httpRequests.inc([method, route, STATUS_CLASS[Math.floor(reply.statusCode / 100)] ?? '5xx'])
      httpDuration.observe([method, route], reply.elapsedTime / 1000)
      done()
    })

    app.decorate('renderMetrics', async () => {
      const lines: string[] = []
      for (const instrument of PROCESS_INSTRUMENTS) instrument.render(lines)
      processLines(app, lines)
      await databaseLines(app, lines)
      lines.push('')
      return lines.join('\n')
    })
  },
  { name: 'metrics' },
)
