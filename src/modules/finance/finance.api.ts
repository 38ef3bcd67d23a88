import { financeRecordsApi } from './finance-records.api.ts'
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { BudgetLine, FundingStream } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import {
  ListOf,
  MoneyPence,
  NullableDate,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../web/api-schemas.ts'
import { financialYearOf } from '../../domain/periods.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { financeClaimsApi } from './finance-claims.api.ts'
import { financeCorrectionsApi } from './finance-corrections.api.ts'
import { financeSummaryApi } from './finance-summary.api.ts'
import { CATEGORIES, COST_TYPES, FUNDING_KINDS, PROFILE_METHODS } from './finance.rules.ts'

const lit = (list: ReadonlyArray<{ value: string }>) => Type.Union(list.map((x) => Type.Literal(x.value)))
const FinancialYear = Type.String({
  pattern: '^\\d{4}[/-]\\d{2}$',
  description: 'Financial year, e.g. 2025/26',
})

export const FundingStreamSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    name: Type.String(),
    kind: Type.String(),
    eligibility: Type.String(),
    baseCostsEligible: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'FundingStream' },
)

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

const CreateStream = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: lit(FUNDING_KINDS),
    eligibility: Type.Optional(Type.String({ maxLength: 5000 })),
    baseCostsEligible: Type.Boolean(),
  },
  { additionalProperties: false },
)

const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })
const LineParams = Type.Object({ budgetLineId: Type.Integer({ minimum: 1 }) })

export function streamJson(s: FundingStream): Static<typeof FundingStreamSchema> {
  return {
    id: s.id,
    version: s.version,
    name: s.name,
    kind: s.kind,
    eligibility: s.eligibility,
    baseCostsEligible: s.base_costs_eligible === 1,
    createdAt: s.created_at,
    updatedAt: s.updated_at,
  }
}

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

/**
 * Runs after the policy check and before the body is validated: a project outside the caller's scope
 * answers 404 whatever the body, so another organisation learns nothing about its records.
 */
export function projectIn404(app: FastifyInstance) {
  return async (request: FastifyRequest) => {
    const id = Number((request.params as { projectId?: string }).projectId)
    if (!Number.isSafeInteger(id) || !(await app.services.projects.get(scopeOf(request.actor!), id)))
      throw notFound('Project')
  }
}

export async function financeApi(app: FastifyInstance) {
  const { finance, projects } = app.services
  const tags = ['Finance']

  app.get(
    '/api/v1/funding-streams',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List funding streams',
        response: { 200: ListOf(FundingStreamSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => ({
      items: (await finance.fundingStreams(scopeOf(request.actor!))).map(streamJson),
      next: null,
    }),
  )

  app.post<{ Body: Static<typeof CreateStream> }>(
    '/api/v1/funding-streams',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Add a funding stream',
        body: CreateStream,
        response: { 201: FundingStreamSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const s = await finance.createFundingStream(request.actor!, {
        name: request.body.name,
        kind: request.body.kind,
        eligibility: request.body.eligibility ?? '',
        baseCostsEligible: request.body.baseCostsEligible,
      })
      return reply.status(201).send(streamJson(s))
    },
  )

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

  app.get(
    '/api/v1/finance/flags',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Finance flags for the current financial year, as the governance health check reads them',
        response: {
          200: Type.Object({
            financialYear: Type.String(),
            items: Type.Array(
              Type.Object({
                rule: Type.String(),
                projectId: Type.Integer(),
                projectName: Type.String(),
                detail: Type.String(),
              }),
            ),
          }),
          ...STANDARD_ERRORS,
        },
      },
    },
    async (request) => {
      const today = todayInLondon()
      return {
        financialYear: financialYearOf(today).label,
        items: await finance.flags(scopeOf(request.actor!), today),
      }
    },
  )

  await app.register(financeSummaryApi)
  await app.register(financeClaimsApi)
  await app.register(financeRecordsApi)
  await app.register(financeCorrectionsApi)
}
