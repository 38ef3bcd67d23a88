/**
 * Reads an uploaded file's rows in a worker thread, within limits: a heap of its own (a workbook whose
 * shared strings unpack to hundreds of megabytes ends the worker, not the server), a time limit on each
 * step of work, and caps on unpacked bytes, rows, columns and cell length. The main thread only moves
 * bytes in and batches of rows out, so it keeps answering (/health, every other organisation's pages)
 * while a file is read. Every import reads its files through here.
 */
import type { Readable } from 'node:stream'
import { Worker, type WorkerOptions } from 'node:worker_threads'
import { SourceError, type SourceRow, type SourceShape } from './file-reader.ts'

export interface ParseLimits {
  maxUnpackedBytes: number
  maxRows: number
  maxColumns: number
  /** Excel's own limit on a cell. */
  maxCellChars: number
}

interface ParseOptions {
  limits?: Partial<ParseLimits>
  /** Longest the worker may work without handing back rows or asking for bytes. */
  stepTimeoutMs?: number
  heapMb?: number
  onBytes?: (n: number) => void
}

const DEFAULT_LIMITS: ParseLimits = {
  maxUnpackedBytes: 1024 * 1024 * 1024,
  maxRows: 2_000_000,
  maxColumns: 500,
  maxCellChars: 32_767,
}

export type ToWorker = { t: 'bytes'; b: Uint8Array } | { t: 'end' } | { t: 'ack' }
export type ToMain =
  | { t: 'need' }
  | { t: 'rows'; rows: SourceRow[] }
  | { t: 'done' }
  | { t: 'refused'; message: string }
  | { t: 'source-error'; message: string; line: number }

/** The file was refused by a limit: nothing from it is used. The message is for the person importing. */
export class FileRefusedError extends Error {}

// Built, this module and the worker are .js files. Under tsx (tests, `npm run dev`, `npm run cli`) both
// are .ts, and a worker thread does not inherit tsx's loader (nor, on Node 20, its --import flag): the
// thread first registers tsx, then loads the worker.
const TYPESCRIPT = import.meta.url.endsWith('.ts')
const WORKER_URL = new URL(TYPESCRIPT ? './parse-worker.ts' : './parse-worker.js', import.meta.url)

function startWorker(options: WorkerOptions): Worker {
  if (!TYPESCRIPT) return new Worker(WORKER_URL, options)
  const tsx = import.meta.resolve('tsx/esm/api')
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}) })`
  return new Worker(boot, { ...options, eval: true })
}

type Event = ToMain | { t: 'crash'; err: Error } | { t: 'exit'; code: number } | { t: 'timeout' }

/**
 * The file's rows in batches, read in a bounded worker thread. Throws FileRefusedError or SourceError.
 * Takes the chunks `source` gives: one that is the whole of its memory is moved to the thread, and is
 * empty afterwards (a stream's chunks are its reader's to keep).
 */
export async function* parseRows(
  source: Readable,
  shape: SourceShape,
  opts: ParseOptions = {},
): AsyncGenerator<SourceRow[]> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits }
  const stepMs = opts.stepTimeoutMs ?? 30_000
  const heapMb = opts.heapMb ?? 96
  const worker = startWorker({
    workerData: { shape, limits },
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 16 },
    stdout: false,
    stderr: false,
  })
  const bytes = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  const queue: Event[] = []
  let wake: (() => void) | null = null
  const push = (e: Event) => {
    queue.push(e)
    const w = wake
    wake = null
    w?.()
  }
  let timer: NodeJS.Timeout | null = null
  const startClock = () => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => push({ t: 'timeout' }), stepMs)
  }
  const stopClock = () => {
    if (timer) clearTimeout(timer)
    timer = null
  }
  const give = (m: ToWorker, transfer: ArrayBuffer[] = []) => {
    startClock()
    worker.postMessage(m, transfer)
  }
  worker.on('message', (m: ToMain) => {
    stopClock()
    if (m.t !== 'need') return push(m)
    bytes.next().then(
      (r) => {
        if (r.done) return give({ t: 'end' })
        const chunk = r.value
        opts.onBytes?.(chunk.length)
        // A chunk that is the whole of its memory (each of the file store's is) is handed to the thread,
        // not copied: a file's bytes are never held twice. A slice of shared memory is copied.
        const memory = chunk.buffer
        const whole =
          memory instanceof ArrayBuffer && chunk.byteOffset === 0 && chunk.byteLength === memory.byteLength
        give({ t: 'bytes', b: chunk }, whole ? [memory] : [])
      },
      (err: unknown) => push({ t: 'crash', err: err instanceof Error ? err : new Error(String(err)) }),
    )
  })
  worker.on('error', (err) => push({ t: 'crash', err }))
  worker.on('exit', (code) => push({ t: 'exit', code }))
  // From when the thread runs: starting it (loading the parser) is not the file's doing.
  worker.once('online', startClock)
  try {
    for (;;) {
      const e = queue.shift()
      if (!e) {
        await new Promise<void>((resolve) => (wake = resolve))
        continue
      }
      switch (e.t) {
        case 'rows':
          yield e.rows
          give({ t: 'ack' })
          break
        case 'done':
          return
        case 'refused':
          throw new FileRefusedError(e.message)
        case 'source-error':
          throw new SourceError(e.message, e.line)
        case 'timeout':
          throw new FileRefusedError(
            `Reading the file took longer than ${Math.round(stepMs / 1000)} seconds without getting anywhere, so it was stopped`,
          )
        case 'crash':
          if ((e.err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY')
            throw new FileRefusedError('The file needs more memory to read than an import may use')
          throw e.err
        case 'exit':
          throw new Error(`The file reader stopped unexpectedly (exit code ${e.code})`)
        case 'need':
          break
      }
    }
  } finally {
    stopClock()
    await worker.terminate()
    source.destroy()
  }
}
