/**
 * The worker thread that turns an uploaded file's bytes into rows (see bounded-parser.ts). It runs with
 * a heap limit of its own, so a file built to exhaust memory ends this thread, not the server; and it
 * refuses a file that unpacks to too many bytes, or has too many rows, columns or characters in a cell.
 * Bytes come from the main thread on request, rows go back in batches, at most two not yet acknowledged,
 * so neither side ever holds more than two batches.
 */
import { Readable } from 'node:stream'
import { parentPort, workerData } from 'node:worker_threads'
import { readRowBatches, SourceError, type SourceShape } from './file-reader.ts'
import type { ParseLimits, ToMain, ToWorker } from './bounded-parser.ts'

const port = parentPort!
const { shape, limits } = workerData as { shape: SourceShape; limits: ParseLimits }

let onBytes: ((m: ToWorker) => void) | null = null
let onAck: (() => void) | null = null
let unacked = 0
port.on('message', (m: ToWorker) => {
  if (m.t === 'ack') {
    unacked--
    const a = onAck
    onAck = null
    a?.()
  } else {
    const b = onBytes
    onBytes = null
    b?.(m)
  }
})
const send = (m: ToMain) => port.postMessage(m)

class LimitError extends Error {}

const SEND_ROWS = 1000

const input = new Readable({
  read() {
    // A view on the bytes sent, not a copy of them.
    onBytes = (m) =>
      this.push(m.t === 'bytes' ? Buffer.from(m.b.buffer, m.b.byteOffset, m.b.byteLength) : null)
    send({ t: 'need' })
  },
})

let unpacked = 0
let refused = false
function watchUnpacked(entry: Readable) {
  // Counted as the unzipper pushes each block, not with a 'data' listener: a listener would set the entry
  // flowing before ExcelJS reads it, and an entry it reads later (a worksheet stored before the shared
  // strings, as ExcelJS itself writes them) would lose its bytes and the read would wait for ever.
  const push = entry.push.bind(entry)
  entry.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (chunk !== null && chunk !== undefined) unpacked += (chunk as { length: number }).length
    if (unpacked > limits.maxUnpackedBytes && !refused) {
      // Said at once, from the unzip stream itself, wherever ExcelJS has got to; the main thread then
      // ends this thread.
      refused = true
      send({
        t: 'refused',
        message: `The workbook unpacks to more than ${Math.round(limits.maxUnpackedBytes / 1024 / 1024)} MB, more than a ledger can be`,
      })
      return false
    }
    return push(chunk, encoding)
  }
}

function check(cells: string[], line: number, rowsSoFar: number) {
  if (rowsSoFar > limits.maxRows)
    throw new LimitError(`The file has more than ${limits.maxRows.toLocaleString('en-GB')} rows`)
  if (cells.length > limits.maxColumns)
    throw new LimitError(`Row ${line} has more than ${limits.maxColumns} columns`)
  for (const c of cells)
    if (c.length > limits.maxCellChars)
      throw new LimitError(`A cell in row ${line} holds more than ${limits.maxCellChars} characters`)
}

async function run() {
  let rows = 0
  try {
    for await (const batch of readRowBatches(input, shape, undefined, watchUnpacked)) {
      for (const r of batch) check(r.cells, r.line, ++rows)
      // One batch ahead: this thread parses the next while the main thread works on the last, and
      // neither side ever holds more than two. Batches of at most SEND_ROWS: fewer rows alive at once
      // on the main thread, so fewer outlive a young-generation collection and fill the old one.
      for (let i = 0; i < batch.length; i += SEND_ROWS) {
        if (unacked >= 2) await new Promise<void>((resolve) => (onAck = resolve))
        unacked++
        send({ t: 'rows', rows: batch.length <= SEND_ROWS ? batch : batch.slice(i, i + SEND_ROWS) })
      }
    }
    send({ t: 'done' })
  } catch (err) {
    if (err instanceof LimitError) send({ t: 'refused', message: err.message })
    else if (err instanceof SourceError) send({ t: 'source-error', message: err.message, line: err.line })
    else throw err
  }
}

await run()
port.close()
