import { Counter, Gauge, Histogram, type Instrument } from './prometheus.ts'

/**
 * The process's instruments, one home for each signal (issue 14). They belong to the process, as
 * Prometheus expects of a scrape target: each instance counts its own requests, job runs and imports, and
 * Prometheus adds the instances up. What is read from the database when scraped (the pool, the outbox)
 * is gathered by `metrics.plugin.ts`.
 */

/** Request latency: from a few milliseconds (a cached page) to the 60 s request timeout. */
const REQUEST_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
/** Jobs and imports: from a second to an hour (a year of ledger is minutes). */
const LONG_BOUNDS = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600]

export const httpRequests = new Counter(
  'oversight_http_requests_total',
  'Requests answered, by method, route pattern (never the URL itself) and status class.',
  ['method', 'route', 'status_class'],
)

export const httpDuration = new Histogram(
  'oversight_http_request_duration_seconds',
  'Time to answer a request, by method and route pattern.',
  ['method', 'route'],
  REQUEST_BOUNDS,
)

export const requestsShed = new Counter(
  'oversight_http_requests_shed_total',
  'Requests answered 503 because the process was under pressure, by what was over its limit.',
  ['reason'],
)

export const jobRuns = new Counter(
  'oversight_scheduler_job_runs_total',
  'Scheduled jobs this instance ran, by job and outcome (ok or failed).',
  ['job', 'outcome'],
)

export const jobDuration = new Histogram(
  'oversight_scheduler_job_duration_seconds',
  'How long each scheduled job ran on this instance.',
  ['job'],
  LONG_BOUNDS,
)

export const jobLastSuccess = new Gauge(
  'oversight_scheduler_job_last_success_timestamp_seconds',
  'When each job last finished without failing on this instance (Unix time).',
  ['job'],
)

export const importPassDuration = new Histogram(
  'oversight_import_pass_duration_seconds',
  'How long an import pass took, by the kind of import, its phase (validating or committing) and outcome.',
  ['kind', 'phase', 'outcome'],
  LONG_BOUNDS,
)

export const PROCESS_INSTRUMENTS: readonly Instrument[] = [
  httpRequests,
  httpDuration,
  requestsShed,
  jobRuns,
  jobDuration,
  jobLastSuccess,
  importPassDuration,
]
