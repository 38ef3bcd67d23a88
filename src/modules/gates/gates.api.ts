import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { notFound } from '../../errors.ts'
import { MoneyPence, Nullable, NullableDate, STANDARD_ERRORS, WRITE_ERRORS } from '../../web/api-schemas.ts'
import { DecisionBody, decisionFromBody } from '../decisions/decisions.api-schemas.ts'
import { FIVE_CASES, toBusinessCaseInput, emptyBusinessCase, type BusinessCaseInput } from './gates.rules.ts'
import { recordFirst } from '../decisions/record-first.ts'

const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })
const State = Type.Union([Type.Literal('not_started'), Type.Literal('in_progress'), Type.Literal('complete')])
const CasePart = Type.Object({ text: Type.String({ maxLength: 20000 }), state: State })
const CaseOut = Type.Object({ question: Type.String(), text: Type.String(), state: Type.String() })
const Resource = Type.Object({
  role: Type.String({ minLength: 1, maxLength: 200 }),
  fte: Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: 'Full-time equivalents, like 0.5' }),
  months: Type.Integer({ minimum: 1, maximum: 240 }),
})
const cases = <T extends typeof CasePart | typeof CaseOut>(part: T) =>
  Type.Object(
    Object.fromEntries(FIVE_CASES.map((c) => [c.key, part])) as Record<(typeof FIVE_CASES)[number]['key'], T>,
  )

export const BusinessCaseSchema = Type.Object(
  {
    id: Nullable(Type.Integer({ description: 'Null until the business case is first saved' })),
    version: Nullable(Type.Integer()),
    projectId: Type.Integer(),
    cases: cases(CaseOut),
    scopeIn: Type.String(),
    scopeOut: Type.String(),
    optionsAppraised: Type.String(),
    budgetRequestedPence: Nullable(MoneyPence({ description: 'The budget requested' })),
    resources: Type.Array(Resource),
  },
  { $id: 'BusinessCase' },
)

const BusinessCaseBody = Type.Object(
  {
    version: Nullable(
      Type.Integer({ description: 'The version you read; null to create the business case' }),
    ),
    cases: cases(CasePart),
    scopeIn: Type.String({ maxLength: 10000 }),
    scopeOut: Type.String({ maxLength: 10000 }),
    optionsAppraised: Type.String({ maxLength: 10000 }),
    budgetRequestedPence: Nullable(MoneyPence({ minimum: 0, description: 'The budget requested' })),
    resources: Type.Array(Resource, { maxItems: 30 }),
  },
  { additionalProperties: false },
)

const Condition = Type.Object({
  key: Type.String(),
  label: Type.String(),
  met: Type.Boolean(),
  problem: Type.String(),
})
export const ProjectGateSchema = Type.Object(
  {
    gateId: Type.Integer(),
    code: Type.String(),
    name: Type.String(),
    requiredForStage: Nullable(Type.String()),
    status: Type.String({ description: 'passed, overridden, before_oversight or not_passed' }),
    decisionId: Nullable(Type.Integer()),
    passedOn: NullableDate,
    conditions: Type.Array(Condition),
  },
  { $id: 'ProjectGate' },
)

const ApproveBody = Type.Object(
  {
    gateId: Type.Integer({ minimum: 1 }),
    override: Type.Optional(
      Type.Boolean({ description: 'Pass although conditions are unmet; the decision must give its reasons' }),
    ),
    decision: DecisionBody,
  },
  { additionalProperties: false },
)

function businessCaseJson(
  projectId: number,
  id: number | null,
  version: number | null,
  v: BusinessCaseInput,
) {
  return {
    id,
    version,
    projectId,
    cases: Object.fromEntries(
      FIVE_CASES.map((c) => [
        c.key,
        { question: c.question, text: v.cases[c.key].text, state: v.cases[c.key].state },
      ]),
    ) as Static<typeof BusinessCaseSchema>['cases'],
    scopeIn: v.scopeIn,
    scopeOut: v.scopeOut,
    optionsAppraised: v.optionsAppraised,
    budgetRequestedPence: v.budgetRequestedPence,
    resources: v.resources.map((r) => ({ role: r.role, fte: r.fteHundredths / 100, months: r.months })),
  }
}

export async function gatesApi(app: FastifyInstance) {
  const { gates } = app.services
  const tags = ['Gates and business cases']

  app.get<{ Params: Static<typeof ProjectParams> }>(
    '/api/v1/projects/:projectId/business-case',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: "Read a project's business case (Five Case Model)",
        params: ProjectParams,
        response: { 200: BusinessCaseSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const found = await gates.businessCase(scopeOf(request.actor!), request.params.projectId)
      if (!found) throw notFound('Project')
      const bc = found.businessCase
      return businessCaseJson(
        found.project.id,
        bc?.id ?? null,
        bc?.version ?? null,
        bc ? toBusinessCaseInput(bc, found.resources) : emptyBusinessCase(),
      )
    },
  )

  app.put<{ Params: Static<typeof ProjectParams>; Body: Static<typeof BusinessCaseBody> }>(
    '/api/v1/projects/:projectId/business-case',
    {
      config: { policy: 'governance.write' },
      schema: {
        tags,
        summary: "Save a project's business case",
        params: ProjectParams,
        body: BusinessCaseBody,
        response: { 200: BusinessCaseSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const b = request.body
      const input: BusinessCaseInput = {
        cases: b.cases,
        scopeIn: b.scopeIn,
        scopeOut: b.scopeOut,
        optionsAppraised: b.optionsAppraised,
        budgetRequestedPence: b.budgetRequestedPence,
        resources: b.resources.map((r) => ({
          role: r.role,
          fteHundredths: Math.round(r.fte * 100),
          months: r.months,
        })),
      }
      const saved = await gates.saveBusinessCase(request.actor!, request.params.projectId, b.version, input)
      return businessCaseJson(saved.project_id, saved.id, saved.version, input)
    },
  )

  app.get<{ Params: Static<typeof ProjectParams> }>(
    '/api/v1/projects/:projectId/gates',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: "A project's lifecycle gates and what each still needs",
        params: ProjectParams,
        response: {
          200: Type.Object({ items: Type.Array(ProjectGateSchema), next: Nullable(Type.String()) }),
          ...STANDARD_ERRORS,
        },
      },
    },
    async (request) => {
      const views = await gates.projectGates(scopeOf(request.actor!), request.params.projectId)
      if (!views) throw notFound('Project')
      return {
        items: views.map((v) => ({
          gateId: v.gate.id,
          code: v.gate.code,
          name: v.gate.name,
          requiredForStage: v.gate.required_for_stage,
          status: v.record?.status ?? 'not_passed',
          decisionId: v.record?.decision_id ?? null,
          passedOn: v.record?.passed_on ?? null,
          conditions: v.conditions,
        })),
        next: null,
      }
    },
  )

  app.post<{ Params: Static<typeof ProjectParams>; Body: Static<typeof ApproveBody> }>(
    '/api/v1/projects/:projectId/gates',
    {
      config: { policy: 'decision.record' },
      preValidation: recordFirst('Project', 'projectId', (scope, id) => gates.businessCase(scope, id)),
      schema: {
        tags,
        summary: 'Approve a gate by recording its decision (409 naming each unmet condition)',
        params: ProjectParams,
        body: ApproveBody,
        response: { 201: ProjectGateSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const { projectId } = request.params
      const passed = await gates.approveGate(
        actor,
        projectId,
        request.body.gateId,
        decisionFromBody(request.body.decision),
        request.body.override ?? false,
      )
      const views = (await gates.projectGates(scopeOf(actor), projectId)) ?? []
      const v = views.find((x) => x.gate.id === passed.gate_id)!
      return reply.status(201).send({
        gateId: v.gate.id,
        code: v.gate.code,
        name: v.gate.name,
        requiredForStage: v.gate.required_for_stage,
        status: passed.status,
        decisionId: passed.decision_id,
        passedOn: passed.passed_on,
        conditions: v.conditions,
      })
    },
  )
}
