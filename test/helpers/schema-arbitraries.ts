import fc from 'fast-check'

/** The parts of JSON Schema (as the OpenAPI document gives them) that the API's request bodies use. */
export interface JsonSchema {
  $ref?: string
  type?: string | string[]
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  enum?: unknown[]
  const?: unknown
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
}

export interface ArbitraryOptions {
  /** Resolves `$ref` (`#/components/schemas/...`). */
  resolve(ref: string): JsonSchema
  /** Ids to use for a field or parameter named `...Id` (by its name): ours, another council's and none. */
  ids(name: string): fc.Arbitrary<number>
}

/** What an attacker or a broken client sends in place of a value. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\u001b[2J\u001b]0;owned\u0007',
    '<script>alert(1)</script>',
    "'; drop table projects; --",
    '=HYPERLINK("http://x.test")',
    '../../etc/passwd',
    '__proto__',
    'x'.repeat(20_001),
    '2024-02-30',
    '9999-99-99',
    '0000-01-01',
    '-1',
    '1e309',
    2 ** 31 - 1,
    2 ** 31,
    2 ** 53,
    -(2 ** 53),
    9.999e307,
    -1,
    0,
    0.5,
    true,
    false,
    [],
    {},
    [null],
    { __proto__: { admin: true } },
  ),
  fc.anything({ maxDepth: 2 }),
)

const isoDate = fc
  .record({
    y: fc.integer({ min: 1990, max: 2040 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
  })
  .map(({ y, m, d }) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`)

function validString(s: JsonSchema): fc.Arbitrary<string> {
  if (s.format === 'date') return isoDate
  if (s.format === 'date-time') return isoDate.map((d) => `${d}T10:00:00.000Z`)
  if (s.pattern)
    return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length <= (s.maxLength ?? 1e9))
  const max = Math.min(s.maxLength ?? 60, 60)
  const min = Math.min(s.minLength ?? 0, max)
  const plausible = ['Website', 'ICT-2019', 'Roads and bridges', '£1,250.00', 'yes', 'Café in Llanelli']
    .map((v) => v.slice(0, max))
    .filter((v) => v.length >= min)
  return fc.oneof(
    ...(plausible.length > 0 ? [{ arbitrary: fc.constantFrom(...plausible), weight: 4 }] : []),
    { arbitrary: fc.string({ minLength: min, maxLength: max }), weight: 1 },
    { arbitrary: fc.string({ minLength: Math.max(min, 1), maxLength: max, unit: 'grapheme' }), weight: 1 },
  )
}

function validInteger(s: JsonSchema, name: string, o: ArbitraryOptions): fc.Arbitrary<number> {
  if (/Id$/.test(name) || name === 'id') return o.ids(name)
  // Records start at version 1 and few are edited more than twice here: a small version is often current.
  if (name === 'version') return fc.integer({ min: 1, max: 3 })
  const min = s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : (s.minimum ?? -1000)
  const max = s.maximum ?? Math.max(min + 100_000_000, 100)
  return fc.oneof(fc.integer({ min, max: Math.min(max, min + 100) }), fc.integer({ min, max }))
}

/**
 * A request body: half the time one the schema accepts, otherwise the same with one thing wrong (a field
 * replaced by a hostile value, a required one dropped, an unknown one added) or a hostile body altogether.
 * One fault at a time gets past validation into the rules and the database, where faults hide.
 */
export function bodyFor(schema: JsonSchema, o: ArbitraryOptions): fc.Arbitrary<unknown> {
  const s = schema.$ref ? o.resolve(schema.$ref) : schema
  const clean = validFor(s, o, '', 0)
  const keys = Object.keys(s.properties ?? {})
  const mutated =
    keys.length === 0
      ? clean
      : fc
          .tuple(clean, fc.constantFrom(...keys), fc.constantFrom('replace', 'drop', 'add'), hostileValue)
          .map(([body, key, how, value]) => {
            if (body === null || typeof body !== 'object' || Array.isArray(body)) return body
            const out = { ...(body as Record<string, unknown>) }
            if (how === 'replace') out[key] = value
            else if (how === 'drop') delete out[key]
            else out.organisationId = value
            return out
          })
  return fc.oneof(
    { arbitrary: clean, weight: 10 },
    { arbitrary: mutated, weight: 8 },
    { arbitrary: validFor(s, o, '', 0.12), weight: 1 },
    { arbitrary: hostileValue, weight: 1 },
  )
}

/** Values the schema accepts (mostly), with a hostile value now and then. */
export function arbitraryFor(
  schema: JsonSchema,
  o: ArbitraryOptions,
  name = '',
  hostility = 0.12,
): fc.Arbitrary<unknown> {
  const valid = validFor(schema, o, name, hostility)
  const hostileWeight = Math.round(hostility * 100)
  return hostileWeight === 0
    ? valid
    : fc.oneof(
        { arbitrary: valid, weight: 100 - hostileWeight },
        { arbitrary: hostileValue, weight: hostileWeight },
      )
}

function validFor(
  schema: JsonSchema,
  o: ArbitraryOptions,
  name: string,
  hostility: number,
): fc.Arbitrary<unknown> {
  const s = schema.$ref ? o.resolve(schema.$ref) : schema
  if (s.enum) return fc.constantFrom(...s.enum)
  if (s.const !== undefined) return fc.constant(s.const)
  const alternatives = s.anyOf ?? s.oneOf
  if (alternatives) return fc.oneof(...alternatives.map((a) => validFor(a, o, name, hostility)))
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : ['object']
  return fc.oneof(
    ...types.map((type): fc.Arbitrary<unknown> => {
      switch (type) {
        case 'null':
          return fc.constant(null)
        case 'boolean':
          return fc.boolean()
        case 'string':
          return validString(s)
        case 'integer':
          return validInteger(s, name, o)
        case 'number':
          return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e9, noNaN: true })
        case 'array': {
          const items = s.items ?? {}
          return fc.array(arbitraryFor(items, o, name.replace(/s$/, ''), hostility), {
            minLength: Math.min(s.minItems ?? 0, 6),
            maxLength: Math.max(Math.min(s.maxItems ?? 4, 4), Math.min(s.minItems ?? 0, 6)),
          })
        }
        default:
          return objectFor(s, o, hostility)
      }
    }),
  )
}

function objectFor(
  s: JsonSchema,
  o: ArbitraryOptions,
  hostility: number,
): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries(s.properties ?? {})
  if (props.length === 0)
    return fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 2 })
  const required = new Set(s.required ?? [])
  const parts = props.map(([key, sub]) =>
    fc.record({
      // A required field is left out now and then: the answer must be a 400 naming it.
      present: required.has(key)
        ? fc.oneof({ arbitrary: fc.constant(true), weight: 19 }, { arbitrary: fc.constant(false), weight: 1 })
        : fc.boolean(),
      value: arbitraryFor(sub, o, key, hostility),
    }),
  )
  return fc
    .tuple(
      fc.tuple(...parts),
      // An unknown field now and then (never in a clean body): the schema refuses it.
      hostility === 0
        ? fc.constant(null)
        : fc.oneof(
            { arbitrary: fc.constant(null), weight: 9 },
            {
              arbitrary: fc.tuple(fc.constantFrom('extra', 'organisationId', 'id', 'version'), hostileValue),
              weight: 1,
            },
          ),
    )
    .map(([values, extra]) => {
      const out: Record<string, unknown> = {}
      values.forEach((v, i) => {
        if (v.present) out[props[i]![0]] = v.value
      })
      if (extra) out[extra[0]] = extra[1]
      return out
    })
}
