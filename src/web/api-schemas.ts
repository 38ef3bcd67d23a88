import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { hasInexactPence, MAX_PENCE, MIN_PENCE } from '../domain/money.ts'
import { HttpError } from '../errors.ts'

export const ErrorResponse = Type.Object(
  {
    error: Type.String(),
    message: Type.String(),
    fields: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  {
    $id: 'ErrorResponse',
    description: 'Every error: a title, a message in plain words, and field errors for a 400',
  },
)

export const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' })
/**
 * `T or null` as one JSON Schema type array (OpenAPI 3.1), not `anyOf`: fast-json-stringify resolves an
 * `anyOf` by running Ajv on every value it writes, which on a 100-row list was a measurable share of the
 * response time (bench/run.ts). Validation and the OpenAPI document read the same either way.
 */
export function Nullable<T extends TSchema>(schema: T) {
  const type = (schema as { type?: unknown }).type
  if (typeof type !== 'string') throw new Error('Nullable() takes a schema with a single type')
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'] })
}

export const NullableDate = Nullable(IsoDate)

/** One of a fixed list of values (the rules' lists of kinds and statuses) as a schema. */
export const OneOf = (list: ReadonlyArray<{ value: string }>) =>
  Type.Union(list.map((x) => Type.Literal(x.value)))
export const Timestamp = Type.String({ format: 'date-time' })

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })

export const Paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ description: 'The `next` value of the previous page' })),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
}

export function ListOf<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    next: Nullable(Type.String({ description: 'Cursor for the next page, or null on the last' })),
  })
}

/** The error responses every authenticated endpoint can give. */
export const STANDARD_ERRORS = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
} as const

export const WRITE_ERRORS = { ...STANDARD_ERRORS, 409: ErrorResponse } as const

/**
 * An amount of money in whole pence, within ±(10^13 − 1) (just under £100 billion; ADR 0004): the one schema
 * for every amount an API body carries or a record holds. `minimum` narrows it (0 for an amount that
 * cannot be a credit).
 */
export function MoneyPence(options: { description?: string; minimum?: number } = {}) {
  return Type.Integer({
    description: `${options.description ?? 'An amount'}, in pence (at most ±${MAX_PENCE})`,
    minimum: Math.max(MIN_PENCE, options.minimum ?? MIN_PENCE),
    maximum: MAX_PENCE,
  })
}

/**
 * A total of amounts, in pence: exact, so within ±(2^53 − 1) — an answer whose totals would not be is refused
 * by exactPence rather than given rounded.
 */
export function PenceTotal(description = 'A total') {
  return Type.Integer({
    description: `${description}, in pence`,
    minimum: -Number.MAX_SAFE_INTEGER,
    maximum: Number.MAX_SAFE_INTEGER,
  })
}

/** The 422 a report answers when its totals are past exact pence (only from amounts written round the bound). */
export const INEXACT_ERRORS = { 422: ErrorResponse } as const

/** Gives `body` if every amount in it is exact pence; otherwise refuses with 422 and says what to do. */
export function exactPence<T>(body: T): T {
  if (hasInexactPence(body))
    throw new HttpError(
      422,
      'Some amounts are too large to give exactly in pence. Correct the amounts shown as “about” on the finance pages: ' +
        'an amount must be less than £100,000,000,000.',
    )
  return body
}
