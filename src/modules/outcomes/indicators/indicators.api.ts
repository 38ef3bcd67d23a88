import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import { notFound } from '../../../errors.ts'
import { IdParams, ListOf, Paging, STANDARD_ERRORS, WRITE_ERRORS } from '../../../web/api-schemas.ts'
import { apiList } from '../../../web/pagination.ts'
import {
  IndicatorCreate,
  IndicatorPatch,
  IndicatorSchema,
  indicatorJson,
  inputFrom,
  ownerFrom,
  Point,
  pointJson,
  TargetBody,
  ValueBody,
} from './indicators.api-schemas.ts'

// Performance indicators through the API (issue 11): definitions with what they measure, targets and values.
// Figures go in and come out as exact decimal text in the indicator's unit (pounds for money), with `stored`,
// the integer the database holds (value × 10^scale; pence for money).

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
