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
