import { Type, type Static, type TOptional, type TSchema } from '@sinclair/typebox'
import { FREQUENCIES, ROLLUPS } from '../../../domain/reporting-periods.ts'
import { Nullable, Timestamp } from '../../../web/api-schemas.ts'
import {
  INDICATOR_STATUSES,
  POLARITIES,
  UNITS,
  decimalInUnit,
  type IndicatorInput,
} from './indicators.rules.ts'
import type { SeriesPoint } from './indicators.series.ts'
import type { IndicatorView } from './indicators.service.ts'

// The API's shapes of performance indicators (issue 11). Figures go in and come out as exact decimal text in the
// indicator's unit (pounds for money), with `stored`, the integer the database holds (value × 10^scale; pence
// for money).

const literals = (list: ReadonlyArray<{ value: string } | string>) =>
  Type.Union(list.map((x) => Type.Literal(typeof x === 'string' ? x : x.value)))

const Ids = Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 200 })
const Figure = Type.Union([Type.String({ maxLength: 40 }), Type.Number()], {
  description: 'In the indicator\'s unit, as text or a number: "1234", "45.5", "1250.00" (pounds)',
})
const PeriodText = Type.String({
  minLength: 1,
  maxLength: 40,
  description: 'A month ("2025-04", "April 2025"), quarter ("2025/26-Q1", "Q1 2025/26") or year ("2025/26")',
})

const Fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 2000 }),
  unit: literals(UNITS),
  scale: Type.Integer({ minimum: 0, maximum: 4, description: 'Decimal places kept; 0 for money (pence)' }),
  polarity: literals(POLARITIES),
  frequency: literals(FREQUENCIES),
  rollup: literals(ROLLUPS),
  groupName: Type.String({ maxLength: 100 }),
  dataSource: Type.String({ maxLength: 500 }),
  status: literals(INDICATOR_STATUSES),
  ownerPersonId: Nullable(Type.Integer({ minimum: 1 })),
  owner: Type.String({
    maxLength: 200,
    description: 'A name instead of ownerPersonId: found in or added to the register',
  }),
  ambitionIds: Ids,
  programmeIds: Ids,
  projectIds: Ids,
}

const optional = <T extends Record<string, TSchema>>(f: T) =>
  Object.fromEntries(Object.entries(f).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof T]: TOptional<T[K]>
  }

const { name, unit, polarity, frequency, ...rest } = Fields
export const IndicatorCreate = Type.Object(
  { name, unit, polarity, frequency, ...optional(rest) },
  { additionalProperties: false },
)
export const IndicatorPatch = Type.Object(
  { version: Type.Integer({ minimum: 1 }), ...optional(Fields) },
  { additionalProperties: false },
)

export const Point = Type.Object({
  period: Type.String(),
  value: Nullable(Type.String()),
  stored: Nullable(Type.Integer()),
  target: Nullable(Type.String()),
  warning: Nullable(Type.String()),
  status: Nullable(
    Type.String({ description: 'on-target, warning, off-target, no-target, missing; null when not yet due' }),
  ),
  note: Type.String(),
  enteredBy: Type.String(),
  enteredAt: Nullable(Timestamp),
  version: Nullable(Type.Integer({ description: "The value's version, to correct it" })),
  targetVersion: Nullable(Type.Integer()),
})

const Link = Type.Object({ id: Type.Integer(), title: Type.String() })

export const IndicatorSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    name: Type.String(),
    description: Type.String(),
    unit: Type.String(),
    scale: Type.Integer(),
    polarity: Type.String(),
    frequency: Type.String(),
    rollup: Type.String(),
    groupName: Type.String(),
    dataSource: Type.String(),
    status: Type.String(),
    ownerPersonId: Nullable(Type.Integer()),
    owner: Type.String(),
    ambitions: Type.Array(Link),
    programmes: Type.Array(Link),
    projects: Type.Array(Link),
    latest: Nullable(Point),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Indicator' },
)

export const ValueBody = Type.Object(
  {
    period: PeriodText,
    value: Figure,
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    version: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Required to correct a value already held' }),
    ),
  },
  { additionalProperties: false },
)
export const TargetBody = Type.Object(
  {
    period: PeriodText,
    target: Figure,
    warning: Type.Optional(
      Type.Union([Type.String({ maxLength: 40 }), Type.Number(), Type.Null()], {
        description: 'The warning threshold, or null (or "") for none',
      }),
    ),
    version: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Required to change a target already held' }),
    ),
  },
  { additionalProperties: false },
)

export function pointJson(i: { unit: string; scale: number }, p: SeriesPoint): Static<typeof Point> {
  const text = (n: number | null) => (n === null ? null : decimalInUnit(i.unit, i.scale, n))
  return {
    period: p.period,
    value: text(p.value),
    stored: p.value,
    target: text(p.target),
    warning: text(p.warning),
    status: p.status,
    note: p.note,
    enteredBy: p.enteredBy,
    enteredAt: p.enteredAt,
    version: p.valueVersion,
    targetVersion: p.targetVersion,
  }
}

export const indicatorJson = (v: IndicatorView): Static<typeof IndicatorSchema> => {
  const i = v.indicator
  const of = (kind: string) =>
    v.links.filter((l) => l.kind === kind).map((l) => ({ id: l.id, title: l.title }))
  return {
    id: i.id,
    version: i.version,
    name: i.name,
    description: i.description,
    unit: i.unit,
    scale: i.scale,
    polarity: i.polarity,
    frequency: i.frequency,
    rollup: i.rollup,
    groupName: i.group_name,
    dataSource: i.data_source,
    status: i.status,
    ownerPersonId: i.owner_person_id,
    owner: i.owner,
    ambitions: of('ambition'),
    programmes: of('programme'),
    projects: of('project'),
    latest: v.latest && pointJson(i, v.latest),
    createdAt: i.created_at,
    updatedAt: i.updated_at,
  }
}

type Body = Partial<Static<typeof IndicatorPatch>>

export function inputFrom(b: Body, current?: IndicatorView): IndicatorInput {
  const i = current?.indicator
  const ids = (kind: string) => current?.links.filter((l) => l.kind === kind).map((l) => l.id) ?? []
  return {
    name: b.name ?? i?.name ?? '',
    description: b.description ?? i?.description ?? '',
    unit: b.unit ?? i?.unit ?? '',
    scale: b.scale ?? i?.scale ?? 0,
    polarity: b.polarity ?? i?.polarity ?? '',
    frequency: b.frequency ?? i?.frequency ?? '',
    rollup: b.rollup ?? i?.rollup ?? 'sum',
    groupName: b.groupName ?? i?.group_name ?? '',
    dataSource: b.dataSource ?? i?.data_source ?? '',
    status: b.status ?? i?.status ?? 'active',
    ambitionIds: b.ambitionIds ?? ids('ambition'),
    programmeIds: b.programmeIds ?? ids('programme'),
    projectIds: b.projectIds ?? ids('project'),
  }
}

export function ownerFrom(b: Body, current?: IndicatorView) {
  if (b.owner !== undefined && b.ownerPersonId === undefined) return { personId: null, name: b.owner }
  if (b.ownerPersonId !== undefined) return { personId: b.ownerPersonId, name: '' }
  return { personId: current?.indicator.owner_person_id ?? null, name: '' }
}
