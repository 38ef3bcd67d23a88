// V8 memory settings for the server process, shared by `npm start` and the benchmark so that what is
// measured is what runs. Rendered pages are large short-lived strings; left to its defaults V8 lets the
// heap grow to ~240 MB under load although under 40 MB is live. Capping the old space at 128 MB and the
// young generation's semi-spaces at 4 MB keeps the process under 150 MB at the same throughput
// (BENCHMARKS.md: 8 MB semi-spaces peaked at 153–158 MB under load on W1, 4 MB at 143–145 MB).
// OVERSIGHT_HEAP_MB raises the cap for very large installations.
export function serverNodeFlags(env = process.env) {
  const raw = env.OVERSIGHT_HEAP_MB
  const heapMb = raw === undefined || raw === '' ? 128 : Number(raw)
  if (!Number.isInteger(heapMb) || heapMb < 64) {
    throw new Error(`OVERSIGHT_HEAP_MB must be a whole number of megabytes, 64 or more (got "${raw}")`)
  }
  return [`--max-old-space-size=${heapMb}`, '--max-semi-space-size=4']
}
