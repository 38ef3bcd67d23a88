import { Type, type Static, type TOptional, type TSchema } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import { FREQUENCIES, ROLLUPS } from '../../../domain/reporting-periods.ts'
import { notFound } from '../../../errors.ts'
import {
  IdParams,
  ListOf,
  Nullable,
  Paging,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../../web/api-schemas.ts'
import { apiList } from '../../../web/pagination.ts'
import {
  INDICATOR_STATUSES,
  POLARITIES,
  UNITS,
  decimalInUnit,
  type IndicatorInput,
} from './indicators.rules.ts'
import type { SeriesPoint } from './indicators.series.ts'
import type { IndicatorView } from './indicators.service.ts'

// Performance indicators through the API (issue 11): definitions with what they measure, targets and values.
// Figures go in and come out as exact decimal text in the indicator's unit (pounds for money), with `stored`,
// the integer the database holds (value × 10^scale; pence for money).

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
const IndicatorCreate = Type.Object(
  { name, unit, polarity, frequency, ...optional(rest) },
  { additionalProperties: false },
)
const IndicatorPatch = Type.Object(
  { version: Type.Integer({ minimum: 1 }), ...optional(Fields) },
  { additionalProperties: false },
)

const Point = Type.Object({
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

const IndicatorSchema = Type.Object(
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

const ValueBody = Type.Object(
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
const TargetBody = Type.Object(
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

const indicatorJson = (v: IndicatorView): Static<typeof IndicatorSchema> => {
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

function inputFrom(b: Body, current?: IndicatorView): IndicatorInput {
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

function ownerFrom(b: Body, current?: IndicatorView) {
  if (b.owner !== undefined && b.ownerPersonId === undefined) return { personId: null, name: b.owner }
  if (b.ownerPersonId !== undefined) return { personId: b.ownerPersonId, name: '' }
  return { personId: current?.indicator.owner_person_id ?? null, name: '' }
}

export async function indicatorsApi(app: FastifyInstance) {
  const service = app.services.indicators
  const tags = ['Indicators']

  async function one(actor: Actor, id: number) {
    const v = await service.view(scopeOf(actor), id)
    if (!v) throw notFound('Indicator')
    return v
  }

  app.get<{ Querystring: Static<typeof Query> }>(
    '/api/v1/indicators',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List performance indicators with what they measure and their latest value',
        querystring: Query,
        response: { 200: ListOf(IndicatorSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request.actor!)
      const page = await apiList(
        request.query,
        (w) => service.list(scope, w),
        (r) => r,
      )
      return { items: (await service.views(scope, page.items)).map(indicatorJson), next: page.next }
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/indicators/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read a performance indicator',
        params: IdParams,
        response: { 200: IndicatorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => indicatorJson(await one(request.actor!, request.params.id)),
  )

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof Query> }>(
    '/api/v1/indicators/:id/periods',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: "An indicator's periods, oldest first: value, target, warning threshold and status",
        params: IdParams,
        querystring: Query,
        response: { 200: ListOf(Point), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const v = await one(request.actor!, request.params.id)
      return apiList(
        request.query,
        (w) => Promise.resolve(v.series.slice(w.offset, w.offset + w.limit)),
        (p) => pointJson(v.indicator, p),
      )
    },
  )

  // One value or target by its id (as its history names it): the period it is for, with its version.
  for (const part of ['values', 'targets'] as const)
    app.get<{ Params: Static<typeof PartParams> }>(
      `/api/v1/indicators/:id/${part}/:partId`,
      {
        config: { policy: 'portfolio.read' },
        schema: {
          tags,
          summary: part === 'values' ? 'Read one value of an indicator' : 'Read one target of an indicator',
          params: PartParams,
          response: { 200: Point, ...STANDARD_ERRORS },
        },
      },
      async (request) => {
        const actor = request.actor!
        const v = await one(actor, request.params.id)
        const row = await service.part(
          scopeOf(actor),
          part === 'values' ? 'indicator_values' : 'indicator_targets',
          request.params.partId,
        )
        const point =
          row && row.indicator_id === v.indicator.id && v.series.find((p) => p.period === row.period)
        if (!point) throw notFound(part === 'values' ? 'Value' : 'Target')
        return pointJson(v.indicator, point)
      },
    )

  app.post<{ Body: Static<typeof IndicatorCreate> }>(
    '/api/v1/indicators',
    {
      config: { policy: 'programme.write' },
      schema: {
        tags,
        summary: 'Define a performance indicator and what it measures',
        body: IndicatorCreate,
        response: { 201: IndicatorSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const created = await service.create(actor, inputFrom(request.body), ownerFrom(request.body))
      return reply
        .status(201)
        .header('location', `/api/v1/indicators/${created.id}`)
        .send(indicatorJson(await one(actor, created.id)))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof IndicatorPatch> }>(
    '/api/v1/indicators/:id',
    {
      config: { policy: 'programme.write' },
      schema: {
        tags,
        summary: 'Change a definition; a list of ids replaces what it measures of that kind',
        params: IdParams,
        body: IndicatorPatch,
        response: { 200: IndicatorSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const current = await one(actor, request.params.id)
      const { version, ...body } = request.body
      await service.update(
        actor,
        current.indicator.id,
        version,
        inputFrom(body, current),
        ownerFrom(body, current),
      )
      return indicatorJson(await one(actor, current.indicator.id))
    },
  )

  const figure = (f: string | number | null | undefined) => (f === null || f === undefined ? '' : String(f))

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof TargetBody> }>(
    '/api/v1/indicators/:id/targets',
    {
      config: { policy: 'programme.write' },
      schema: {
        tags,
        summary: "Set one period's target and warning threshold (with `version` to change one held)",
        params: IdParams,
        body: TargetBody,
        response: { 200: Point, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const b = request.body
      const saved = await service.setTarget(actor, request.params.id, {
        period: b.period,
        target: figure(b.target),
        warning: figure(b.warning),
        version: b.version ?? null,
      })
      const v = await one(actor, request.params.id)
      return pointJson(
        v.indicator,
        v.series.find((p) => p.period === saved.period)!,
      )
    },
  )

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof ValueBody> }>(
    '/api/v1/indicators/:id/values',
    {
      config: { policy: 'indicator.enter' },
      schema: {
        tags,
        summary: "Enter one period's value and note (with `version` to correct one held)",
        params: IdParams,
        body: ValueBody,
        response: { 200: Point, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const b = request.body
      const saved = await service.setValue(actor, request.params.id, {
        period: b.period,
        value: figure(b.value),
        note: b.note ?? '',
        version: b.version ?? null,
      })
      const v = await one(actor, request.params.id)
      return pointJson(
        v.indicator,
        v.series.find((p) => p.period === saved.period)!,
      )
    },
  )
}

const Query = Type.Object(Paging)
const PartParams = Type.Object({ id: Type.Integer({ minimum: 1 }), partId: Type.Integer({ minimum: 1 }) })
