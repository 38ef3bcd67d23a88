import { HttpError } from '../errors.ts'

/** Opaque list cursors: `next` in an API list, `cursor` to follow it. */
export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url')
}

export function decodeCursor(cursor: string | undefined): number | null {
  if (cursor === undefined || cursor === '') return 0
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown }
    return typeof parsed.o === 'number' && Number.isSafeInteger(parsed.o) && parsed.o >= 0 ? parsed.o : null
  } catch {
    return null
  }
}

/** The offset an API list starts at; a cursor this API did not give is a 400 naming the field. */
export function apiOffset(cursor: string | undefined): number {
  const offset = decodeCursor(cursor)
  if (offset === null)
    throw new HttpError(400, 'The cursor is not valid', { cursor: 'is not a cursor this API gave' })
  return offset
}

/**
 * One page of an API list, from `limit + 1` rows fetched at `offset`: the extra row only says whether a
 * next page exists, so no count query is needed.
 */
export function apiPage<R, J>(rows: R[], offset: number, limit: number, toJson: (row: R) => J) {
  return {
    items: rows.slice(0, limit).map(toJson),
    next: rows.length > limit ? encodeCursor(offset + limit) : null,
  }
}

/**
 * A whole API list answer from the request's `cursor` and `limit` (default 50): fetches `limit + 1`
 * rows at the cursor's offset and turns the page's rows into JSON (which may need a further read, such
 * as a report's areas). A cursor this API did not give is a 400 naming the field.
 */
export async function apiList<R, J>(
  query: { cursor?: string; limit?: number },
  fetch: (window: { offset: number; limit: number }) => Promise<R[]>,
  toJson: (row: R) => J | Promise<J>,
): Promise<{ items: J[]; next: string | null }> {
  const offset = apiOffset(query.cursor)
  const limit = query.limit ?? 50
  const page = apiPage(await fetch({ offset, limit: limit + 1 }), offset, limit, (row) => row)
  return { items: await Promise.all(page.items.map(toJson)), next: page.next }
}
