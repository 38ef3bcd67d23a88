/**
 * How many times each text has come so far: the occurrence number in a payment's key (the nth time a
 * transaction number appears in one file). A Map held every distinct transaction number of the file as a
 * string of its own plus an entry, to the end of the check: in a heap snapshot of a 250,000-row import's
 * check, 12.6 MB of strings and a 7 MB table, and with no counting at all the import peaked 9–18 MB lower
 * (bench/import.ts). Here the characters of the distinct texts lie end to end in one array, found through
 * an open-addressing table of their numbers: for 250,000 transaction numbers of 10 characters, four typed
 * arrays of 12 MB (about 9 MB of it written) instead of 250,000 strings.
 */
export class OccurrenceCounter {
  /** The characters (UTF-16 code units) of every distinct text, one after another. */
  private chars = new Uint16Array(64)
  private used = 0
  /** Where the nth distinct text starts in `chars`; it ends where the next starts (starts[size]). */
  private starts = new Int32Array(8)
  private counts = new Int32Array(8)
  private size = 0
  /** 1 + the number of the text hashed to each slot, 0 for none; a power of two, at most half full. */
  private slots = new Int32Array(16)

  /** Counts one more of `text` and says how many there have been, this one included. */
  next(text: string): number {
    if ((this.size + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2)
    const mask = this.slots.length - 1
    let slot = hashOf(text) & mask
    for (;;) {
      const at = this.slots[slot]!
      if (at === 0) break
      if (this.holds(at - 1, text)) return ++this.counts[at - 1]!
      slot = (slot + 1) & mask
    }
    const n = this.size
    this.reserve(text.length)
    const start = this.used
    for (let i = 0; i < text.length; i++) this.chars[start + i] = text.charCodeAt(i)
    this.used += text.length
    this.starts[n] = start
    this.starts[n + 1] = this.used
    this.counts[n] = 1
    this.slots[slot] = n + 1
    this.size++
    return 1
  }

  private holds(n: number, text: string): boolean {
    const start = this.starts[n]!
    if (this.starts[n + 1]! - start !== text.length) return false
    for (let i = 0; i < text.length; i++) if (this.chars[start + i] !== text.charCodeAt(i)) return false
    return true
  }

  /** Room for one more text of `length` characters (and its start and end). */
  private reserve(length: number): void {
    if (this.used + length > this.chars.length) {
      const chars = new Uint16Array(Math.max(this.chars.length * 2, this.used + length))
      chars.set(this.chars.subarray(0, this.used))
      this.chars = chars
    }
    if (this.size + 2 > this.starts.length) {
      const starts = new Int32Array(this.starts.length * 2)
      starts.set(this.starts)
      this.starts = starts
      const counts = new Int32Array(this.counts.length * 2)
      counts.set(this.counts)
      this.counts = counts
    }
  }

  private rehash(capacity: number): void {
    const slots = new Int32Array(capacity)
    const mask = capacity - 1
    for (let n = 0; n < this.size; n++) {
      let slot = hashOfRange(this.chars, this.starts[n]!, this.starts[n + 1]!) & mask
      while (slots[slot] !== 0) slot = (slot + 1) & mask
      slots[slot] = n + 1
    }
    this.slots = slots
  }
}

// FNV-1a over UTF-16 code units; hashOf and hashOfRange must agree.
function hashOf(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h >>> 0
}

function hashOfRange(chars: Uint16Array, start: number, end: number): number {
  let h = 0x811c9dc5
  for (let i = start; i < end; i++) h = Math.imul(h ^ chars[i]!, 0x01000193)
  return h >>> 0
}
