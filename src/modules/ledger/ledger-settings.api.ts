import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { ColumnMapping, CostMappingRule } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import { ListOf, STANDARD_ERRORS, WRITE_ERRORS } from '../../web/api-schemas.ts'
import { LEDGER_FIELDS } from './ledger.formats.ts'

/**
 * The ledger's saved settings over the API: column mappings for a council's ledger layout, and the cost
 * mapping rules that tie spend to projects. Registered by `ledgerApi`.
 */
const ColumnsSchema = Type.Object(
  Object.fromEntries(
    LEDGER_FIELDS.map((f) => [f.key, Type.Optional(Type.String({ maxLength: 200, description: f.label }))]),
  ),
  { additionalProperties: false, description: 'Ledger field → the column heading in the file' },
)

export const ColumnMappingSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    name: Type.String(),
    columns: Type.Record(Type.String(), Type.String()),
    dateFormat: Type.String(),
    delimiter: Type.String(),
    encoding: Type.String(),
    skipLines: Type.Integer(),
  },
  { $id: 'ColumnMapping' },
)

export const CostRuleSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    matchField: Type.String({ description: 'cost_centre, account_code, service_area or expense_type' }),
    matchType: Type.String({ description: 'exact or prefix' }),
    matchValue: Type.String(),
    projectId: Type.Integer(),
    priority: Type.Integer({ description: 'Lower runs first; the first matching rule wins' }),
  },
  { $id: 'CostRule' },
)

const MappingBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    columns: ColumnsSchema,
    dateFormat: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('dmy'), Type.Literal('ymd')])),
    delimiter: Type.Optional(Type.String({ maxLength: 4 })),
    encoding: Type.Optional(Type.String({ maxLength: 20 })),
    skipLines: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  },
  { additionalProperties: false },
)

const RuleBody = Type.Object(
  {
    matchField: Type.String(),
    matchType: Type.String(),
    matchValue: Type.String({ minLength: 1, maxLength: 100 }),
    projectId: Type.Integer({ minimum: 1 }),
    priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 9999 })),
  },
  { additionalProperties: false },
)

const MappingParams = Type.Object({ mappingId: Type.Integer({ minimum: 1 }) })
const RuleParams = Type.Object({ ruleId: Type.Integer({ minimum: 1 }) })

function mappingJson(m: ColumnMapping): Static<typeof ColumnMappingSchema> {
  return {
    id: m.id,
    version: m.version,
    name: m.name,
    columns: JSON.parse(m.columns_json) as Record<string, string>,
    dateFormat: m.date_format,
    delimiter: m.delimiter,
    encoding: m.encoding,
    skipLines: m.skip_lines,
  }
}

function ruleJson(r: CostMappingRule): Static<typeof CostRuleSchema> {
  return {
    id: r.id,
    version: r.version,
    matchField: r.match_field,
    matchType: r.match_type,
    matchValue: r.match_value,
    projectId: r.project_id,
    priority: r.priority,
  }
}

export function ledgerSettingsApi(app: FastifyInstance, tags: string[]): void {
  const { ledger } = app.services

  app.get(
    '/api/v1/ledger/mappings',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Saved column mappings',
        response: { 200: ListOf(ColumnMappingSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => ({
      items: (await ledger.mappings(scopeOf(request.actor!))).map(mappingJson),
      next: null,
    }),
  )

  app.post<{ Body: Static<typeof MappingBody> }>(
    '/api/v1/ledger/mappings',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Save a column mapping for a ledger layout',
        body: MappingBody,
        response: { 201: ColumnMappingSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const b = request.body
      const m = await ledger.createMapping(request.actor!, {
        name: b.name,
        columns: b.columns,
        dateFormat: b.dateFormat ?? 'auto',
        delimiter: b.delimiter ?? 'auto',
        encoding: b.encoding ?? 'auto',
        skipLines: b.skipLines ?? 0,
      })
      return reply.status(201).header('location', `/api/v1/ledger/mappings/${m.id}`).send(mappingJson(m))
    },
  )

  app.get<{ Params: Static<typeof MappingParams> }>(
    '/api/v1/ledger/mappings/:mappingId',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Read a column mapping',
        params: MappingParams,
        response: { 200: ColumnMappingSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const m = await ledger.mapping(scopeOf(request.actor!), request.params.mappingId)
      if (!m) throw notFound('Mapping')
      return mappingJson(m)
    },
  )

  app.delete<{ Params: Static<typeof MappingParams> }>(
    '/api/v1/ledger/mappings/:mappingId',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Delete a column mapping',
        params: MappingParams,
        response: { 204: Type.Null(), ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      await ledger.deleteMapping(request.actor!, request.params.mappingId)
      return reply.status(204).send()
    },
  )

  app.get(
    '/api/v1/ledger/rules',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Cost mapping rules, in the order they run',
        response: { 200: ListOf(CostRuleSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => ({ items: (await ledger.rules(scopeOf(request.actor!))).map(ruleJson), next: null }),
  )

  app.post<{ Body: Static<typeof RuleBody> }>(
    '/api/v1/ledger/rules',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Add a rule tying a cost centre or account code to a project',
        body: RuleBody,
        response: { 201: CostRuleSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const b = request.body
      const r = await ledger.createRule(request.actor!, { ...b, priority: b.priority ?? null })
      return reply.status(201).header('location', `/api/v1/ledger/rules/${r.id}`).send(ruleJson(r))
    },
  )

  app.get<{ Params: Static<typeof RuleParams> }>(
    '/api/v1/ledger/rules/:ruleId',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Read a cost mapping rule',
        params: RuleParams,
        response: { 200: CostRuleSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const r = await ledger.rule(scopeOf(request.actor!), request.params.ruleId)
      if (!r) throw notFound('Rule')
      return ruleJson(r)
    },
  )

  app.delete<{ Params: Static<typeof RuleParams> }>(
    '/api/v1/ledger/rules/:ruleId',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Delete a cost mapping rule',
        params: RuleParams,
        response: { 204: Type.Null(), ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      await ledger.deleteRule(request.actor!, request.params.ruleId)
      return reply.status(204).send()
    },
  )

  app.post(
    '/api/v1/ledger/rules/apply',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Run the rules over the suspense list',
        response: {
          200: Type.Object({ moved: Type.Integer({ description: 'Payments moved to a project' }) }),
          ...WRITE_ERRORS,
        },
      },
    },
    async (request) => ({ moved: await ledger.applyRulesToSuspense(request.actor!) }),
  )
}
