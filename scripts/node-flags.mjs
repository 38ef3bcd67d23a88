// V8 memory settings for the server process, shared by `npm start`, the local deployment and the benchmarks
// so that what is measured is what runs. `env` is the server's own environment: its DATABASE_URL decides.
//
// Rendered pages are large short-lived strings; left to its defaults V8 lets the heap grow to ~240 MB under
// load although under 40 MB is live. The old space is capped at 128 MB (OVERSIGHT_HEAP_MB raises it for very
// large installations).
//
// The young generation depends on the database:
// - SQLite: a request runs from its first statement to its answer without waiting, so its objects are dead
//   by the next scavenge. 4 MB semi-spaces keep the process under 150 MB at the same throughput (BENCHMARKS.md:
//   8 MB semi-spaces peaked at 153–158 MB under load on W1, 4 MB at 143–145 MB).
// - PostgreSQL: a request's objects wait on the database (tens of milliseconds under load), outlive a 4 MB
//   young generation and are promoted; V8 then pretenures the sites that made them, so later ones start in the
//   old space. Old-space collection took a quarter of the server's CPU on the computed project list. 8 MB
//   semi-spaces without allocation-site pretenuring let them die young: the computed list went from about
//   420 to 640 requests a second on W1, peak RSS 136–139 MB to 142–144 MB (BENCHMARKS.md, 6 December 2026).
export function serverNodeFlags(env = process.env) {
  const raw = env.OVERSIGHT_HEAP_MB
  const heapMb = raw === undefined || raw === '' ? 128 : Number(raw)
  if (!Number.isInteger(heapMb) || heapMb < 64) {
    throw new Error(`OVERSIGHT_HEAP_MB must be a whole number of megabytes, 64 or more (got "${raw}")`)
  }
  const postgres = /^postgres(ql)?:\/\//.test(env.DATABASE_URL ?? '')
  return postgres
    ? [`--max-old-space-size=${heapMb}`, '--max-semi-space-size=8', '--no-allocation-site-pretenuring']
    : [`--max-old-space-size=${heapMb}`, '--max-semi-space-size=4']
}
