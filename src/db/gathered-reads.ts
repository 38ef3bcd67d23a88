/** The most keys one gathered read asks for; the rest wait for the next. */
const MOST_KEYS = 200

type Waiter<R> = { resolve: (row: R | undefined) => void; reject: (err: unknown) => void }

/**
 * A read every request makes before anything else (its session or API token, with its organisation's change
 * counter), gathered on PostgreSQL so that the requests arriving while one such read is on its way share the next
 * one: one statement, planned once, for all of them, instead of a round trip and a plan each
 * (bench/pg-vs-sqlite.ts). `read` answers the rows for a set of keys.
 *
 * It never answers from a read that started before the request asked: a caller waits for the read in flight to
 * end and is answered by the next, which starts after it asked, so whatever was committed before a request
 * arrived (a sign-out, a revoked token, a change that moves the counter) is seen by it, as with a read of its
 * own. A read starts at the end of the event loop's turn in which it is due (the first caller asked, or the
 * read before ended with callers waiting), so the requests whose data arrived in that turn share it: a lone
 * request waits for nothing but its own read and that turn. Started at once instead, a read under load answered
 * 4.6–5.1 callers against 5.8–7.6, and PostgreSQL served the remembered project list at 8,994–11,265 req/s
 * against 10,087–14,096 (three alternating pairs, 6 Dec 2026, BENCHMARKS.md).
 * A failed read fails each of its callers, and the next read is tried afresh for the callers after them.
 */
export function gatheredReads<K, R>(
  read: (keys: readonly K[]) => Promise<ReadonlyMap<K, R>>,
): (key: K) => Promise<R | undefined> {
  let waiting = new Map<K, Array<Waiter<R>>>()
  let inFlight = false
  let due = false

  /** Starts a read at the end of this turn of the event loop, unless one is in flight or already due. */
  function startSoon(): void {
    if (inFlight || due) return
    due = true
    setImmediate(() => {
      due = false
      if (!inFlight && waiting.size > 0) start()
    })
  }

  function start(): void {
    let batch = waiting
    if (waiting.size > MOST_KEYS) {
      const keys = [...waiting.keys()]
      batch = new Map(keys.slice(0, MOST_KEYS).map((k) => [k, waiting.get(k)!]))
      waiting = new Map(keys.slice(MOST_KEYS).map((k) => [k, waiting.get(k)!]))
    } else waiting = new Map()
    inFlight = true
    let reading: Promise<ReadonlyMap<K, R>>
    try {
      reading = read([...batch.keys()])
    } catch (err) {
      reading = Promise.reject(err instanceof Error ? err : new Error(String(err)))
    }
    reading.then(
      (found) => {
        finish()
        for (const [key, waiters] of batch) {
          const row = found.get(key)
          for (const w of waiters) w.resolve(row)
        }
      },
      (err: unknown) => {
        finish()
        for (const waiters of batch.values()) for (const w of waiters) w.reject(err)
      },
    )
  }

  function finish(): void {
    inFlight = false
    if (waiting.size > 0) startSoon()
  }

  return (key) =>
    new Promise<R | undefined>((resolve, reject) => {
      const waiters = waiting.get(key)
      if (waiters) waiters.push({ resolve, reject })
      else waiting.set(key, [{ resolve, reject }])
      startSoon()
    })
}
