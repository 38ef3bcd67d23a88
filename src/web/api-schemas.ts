import { Type, type Static, type TSchema } from '@sinclair/typebox'

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
