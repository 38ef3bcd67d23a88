import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../../auth/actor.ts'
import type { BudgetLine } from '../../../db/schema.ts'
import { notFound } from '../../../errors.ts'
import {
  ListOf,
  MoneyPence,
  NullableDate,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../../web/api-schemas.ts'
import { lit, projectIn404 } from '../shared/finance.api-helpers.ts'
import { CATEGORIES, COST_TYPES, PROFILE_METHODS } from '../shared/finance.rules.ts'

const FinancialYear = Type.String({
  pattern: '^\\d{4}[/-]\\d{2}$',
  description: 'Financial year, e.g. 2025/26',
})

export const BudgetLineSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    projectId: Type.Integer(),
    financialYear: Type.String(),
    category: Type.String(),
    fundingStreamId: Type.Integer(),
    costType: Type.String(),
    description: Type.String(),
    amountPence: MoneyPence({ description: 'The budget' }),
    profileMethod: Type.String(),
    profile: Type.Array(Type.Object({ period: Type.String(), amountPence: MoneyPence() })),
    approvedBy: Type.String(),
    approvedOn: NullableDate,
    approvalReference: Type.String(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'BudgetLine' },
)

const BudgetLineFields = {
  financialYear: FinancialYear,
  category: lit(CATEGORIES),
  fundingStreamId: Type.Integer({ minimum: 1 }),
  costType: lit(COST_TYPES),
  description: Type.String({ maxLength: 500 }),
  amountPence: MoneyPence({ minimum: 0 }),
  profileMethod: lit(PROFILE_METHODS),
  manualProfilePence: Type.Array(MoneyPence({ minimum: 0 }), {
    minItems: 12,
    maxItems: 12,
    description: 'For profileMethod manual: April to March, summing to amountPence',
  }),
  approvedBy: Type.String({ maxLength: 200 }),
  approvedOn: NullableDate,
  approvalReference: Type.String({ maxLength: 200 }),
}

const CreateBudgetLine = Type.Object(
  {
    financialYear: BudgetLineFields.financialYear,
    category: BudgetLineFields.category,
    fundingStreamId: BudgetLineFields.fundingStreamId,
    costType: BudgetLineFields.costType,
    amountPence: BudgetLineFields.amountPence,
    profileMethod: BudgetLineFields.profileMethod,
    description: Type.Optional(BudgetLineFields.description),
    manualProfilePence: Type.Optional(BudgetLineFields.manualProfilePence),
    approvedBy: Type.Optional(BudgetLineFields.approvedBy),
    approvedOn: Type.Optional(BudgetLineFields.approvedOn),
    approvalReference: Type.Optional(BudgetLineFields.approvalReference),
  },
  { additionalProperties: false },
)

const UpdateBudgetLine = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'The version you read; a stale one answers 409' }),
    ...Object.fromEntries(Object.entries(BudgetLineFields).map(([k, v]) => [k, Type.Optional(v)])),
  },
  { additionalProperties: false },
)

const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })
const LineParams = Type.Object({ budgetLineId: Type.Integer({ minimum: 1 }) })

function lineJson(
  l: BudgetLine,
  periods: Array<{ period: string; amount_pence: number }>,
): Static<typeof BudgetLineSchema> {
  return {
    id: l.id,
    version: l.version,
    projectId: l.project_id,
    financialYear: l.financial_year,
    category: l.category,
    fundingStreamId: l.funding_stream_id,
    costType: l.cost_type,
    description: l.description,
    amountPence: Number(l.amount_pence),
    profileMethod: l.profile_method,
    profile: periods.map((p) => ({ period: p.period, amountPence: Number(p.amount_pence) })),
    approvedBy: l.approved_by,
    approvedOn: l.approved_on,
    approvalReference: l.approval_reference,
    createdAt: l.created_at,
    updatedAt: l.updated_at,
  }
}

type LineBody = Partial<Static<typeof CreateBudgetLine>>

function toInput(b: LineBody, current?: BudgetLine) {
  return {
    financialYear: b.financialYear ?? current?.financial_year ?? '',
    category: b.category ?? current?.category ?? '',
    fundingStreamId: b.fundingStreamId ?? current?.funding_stream_id ?? null,
    costType: b.costType ?? current?.cost_type ?? '',
    description: b.description ?? current?.description ?? '',
    amountPence: b.amountPence ?? (current ? Number(current.amount_pence) : null),
    profileMethod: b.profileMethod ?? current?.profile_method ?? '',
    manualProfile: b.manualProfilePence ?? [],
    approvedBy: b.approvedBy ?? current?.approved_by ?? '',
    approvedOn: b.approvedOn === undefined ? (current?.approved_on ?? null) : b.approvedOn,
    approvalReference: b.approvalReference ?? current?.approval_reference ?? '',
  }
}

/** Budget lines over the API: read, add and change, each with its monthly profile. */
export async function budgetsApi(app: FastifyInstance) {
  const { finance, projects } = app.services
  const tags = ['Finance']

  app.get<{ Params: Static<typeof ProjectParams>; Querystring: { year?: string } }>(
    '/api/v1/projects/:projectId/budget-lines',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: "A project's budget lines, with their monthly profile",
        params: ProjectParams,
        querystring: Type.Object({ year: Type.Optional(FinancialYear) }),
        response: { 200: ListOf(BudgetLineSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request.actor!)
      if (!(await projects.get(scope, request.params.projectId))) throw notFound('Project')
      const year = request.query.year?.replace('-', '/')
      const lines = (await finance.projectBudgetLines(scope, request.params.projectId)).filter(
        (l) => !year || l.financial_year === year,
      )
      return { items: lines.map((l) => lineJson(l, l.periods)), next: null }
    },
  )

  app.post<{ Params: Static<typeof ProjectParams>; Body: Static<typeof CreateBudgetLine> }>(
    '/api/v1/projects/:projectId/budget-lines',
    {
      config: { policy: 'finance.write' },
      preValidation: projectIn404(app),
      schema: {
        tags,
        summary: 'Add a budget line; flat and front-loaded profiles are apportioned to the penny',
        params: ProjectParams,
        body: CreateBudgetLine,
        response: { 201: BudgetLineSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const line = await finance.createBudgetLine(
        request.actor!,
        request.params.projectId,
        toInput(request.body),
      )
      const full = await finance.budgetLine(scopeOf(request.actor!), line.id)
      return reply
        .status(201)
        .header('location', `/api/v1/budget-lines/${line.id}`)
        .send(lineJson(line, full?.periods ?? []))
    },
  )

  app.get<{ Params: Static<typeof LineParams> }>(
    '/api/v1/budget-lines/:budgetLineId',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read a budget line',
        params: LineParams,
        response: { 200: BudgetLineSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const l = await finance.budgetLine(scopeOf(request.actor!), request.params.budgetLineId)
      if (!l) throw notFound('Budget line')
      return lineJson(l, l.periods)
    },
  )

  app.patch<{ Params: Static<typeof LineParams>; Body: Static<typeof UpdateBudgetLine> }>(
    '/api/v1/budget-lines/:budgetLineId',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Change a budget line (its profile is recalculated)',
        params: LineParams,
        body: UpdateBudgetLine,
        response: { 200: BudgetLineSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request.actor!)
      const current = await finance.budgetLine(scope, request.params.budgetLineId)
      if (!current) throw notFound('Budget line')
      const { version, ...rest } = request.body
      // The update body is built from the same fields as the create body, each optional.
      const patch: LineBody = rest
      const input = toInput(patch, current)
      if (input.profileMethod === 'manual' && !patch.manualProfilePence)
        input.manualProfile = current.periods.map((p) => Number(p.amount_pence))
      const updated = await finance.updateBudgetLine(request.actor!, current.id, version, input)
      const full = await finance.budgetLine(scope, updated.id)
      return lineJson(updated, full?.periods ?? [])
    },
  )
}
