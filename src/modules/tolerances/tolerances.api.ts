import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Scope } from '../../auth/actor.ts'
import { notFound, ValidationError } from '../../errors.ts'
import {
  IdParams,
  ListOf,
  MoneyPence,
  Nullable,
  NullableDate,
  Paging,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../web/api-schemas.ts'
import { apiListOrExport, ExportFormatQuery } from '../../web/exports.ts'
import { exceptionsExport } from './exceptions.export.ts'
import type { ExceptionRow } from './tolerances.repository.ts'
import { EXCEPTION_OUTCOMES, EXCEPTION_STATUSES, MANUAL_KINDS } from './tolerances.rules.ts'
import { parseFacts, toToleranceInput } from './tolerances.service.ts'

const Fact = Type.Object({ label: Type.String(), value: Type.String() })
const NullableInt = Nullable(Type.Integer())

export const ExceptionSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    projectId: Type.Integer(),
    projectReference: Type.String(),
    programmeId: Type.Integer(),
    kind: Type.String({ description: 'time, cost, scope, benefits or risk' }),
    source: Type.String({ description: 'forecast (measured) or manual (raised by hand)' }),
    status: Type.String({ description: 'raised (report due), reported (awaiting board), decided' }),
    summary: Type.String(),
    facts: Type.Array(Fact, { description: 'The facts that breached, as they were when it was raised' }),
    raisedAt: Timestamp,
    raisedBy: Type.String(),
    reportDue: Type.String({ format: 'date' }),
    escalatedAt: Nullable(Timestamp),
    clearedAt: Nullable(Timestamp),
    cause: Type.String(),
    impact: Type.String(),
    options: Type.String(),
    recommendation: Type.String(),
    reportedAt: Nullable(Timestamp),
    outcome: Nullable(Type.String()),
    outcomeReasons: Type.String(),
    decisionId: NullableInt,
    decidedOn: NullableDate,
  },
  { $id: 'ToleranceException' },
)

function exceptionJson(e: ExceptionRow): Static<typeof ExceptionSchema> {
  return {
    id: e.id,
    version: e.version,
    projectId: e.project_id,
    projectReference: e.project_reference,
    programmeId: e.programme_id,
    kind: e.kind,
    source: e.source,
    status: e.status,
    summary: e.summary,
    facts: parseFacts(e.facts_json),
    raisedAt: e.raised_at,
    raisedBy: e.raised_by,
    reportDue: e.report_due,
    escalatedAt: e.escalated_at,
    clearedAt: e.cleared_at,
    cause: e.cause,
    impact: e.impact,
    options: e.options,
    recommendation: e.recommendation,
    reportedAt: e.reported_at,
    outcome: e.outcome,
    outcomeReasons: e.outcome_reasons,
    decisionId: e.decision_id,
    decidedOn: e.decided_at,
  }
}

const ToleranceFields = {
  timeDays: NullableInt,
  costPercent: NullableInt,
  costPence: Nullable(MoneyPence({ minimum: 0, description: 'Cost tolerance' })),
  scopeNote: Type.String({ maxLength: 2000 }),
  benefitsNote: Type.String({ maxLength: 2000 }),
  riskScore: NullableInt,
  reportWorkingDays: NullableInt,
}

const TolerancesSchema = Type.Object(
  { version: NullableInt, ...ToleranceFields },
  { $id: 'Tolerances', description: 'Null figures are not set (on a project: follow the programme)' },
)
const TolerancesBody = Type.Object(
  {
    version: Type.Optional(
      Nullable(Type.Integer({ description: 'The version you read; null for the first save' })),
    ),
    ...Object.fromEntries(Object.entries(ToleranceFields).map(([k, v]) => [k, Type.Optional(v)])),
  },
  { additionalProperties: false },
)
type TolerancesBodyT = { version?: number | null } & Partial<ReturnType<typeof toToleranceInput>>

const ListQuery = Type.Object({
  ...Paging,
  status: Type.Optional(Type.Union(EXCEPTION_STATUSES.map((s) => Type.Literal(s.value)))),
  projectId: Type.Optional(Type.Integer({ minimum: 1 })),
  programmeId: Type.Optional(Type.Integer({ minimum: 1 })),
  format: ExportFormatQuery,
})

const RaiseBody = Type.Object(
  {
    projectId: Type.Integer({ minimum: 1 }),
    kind: Type.String({ description: `Raised by hand: ${MANUAL_KINDS.join(' or ')}` }),
    summary: Type.String({ maxLength: 2000 }),
  },
  { additionalProperties: false },
)

const ReportBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    cause: Type.String({ maxLength: 10000 }),
    impact: Type.String({ maxLength: 10000 }),
    options: Type.String({ maxLength: 10000 }),
    recommendation: Type.String({ maxLength: 10000 }),
  },
  { additionalProperties: false },
)

// Checked by the service, after the exception is found, so another organisation's id answers 404.
const DecisionBody = Type.Object(
  {
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    outcome: Type.Optional(Type.String({ description: EXCEPTION_OUTCOMES.map((o) => o.value).join(', ') })),
    reasons: Type.Optional(Type.String({ maxLength: 10000 })),
    decidedOn: Type.Optional(NullableDate),
  },
  { additionalProperties: false },
)

const ProgrammeParams = Type.Object({ programmeId: Type.Integer({ minimum: 1 }) })
const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })

export async function tolerancesApi(app: FastifyInstance) {
  const { tolerances, programmes, projects } = app.services
  const tags = ['Tolerances and exceptions']

  const settingsJson = (s: Parameters<typeof toToleranceInput>[0]) => ({
    version: s?.version ?? null,
    ...toToleranceInput(s),
  })
  const merged = (current: Parameters<typeof toToleranceInput>[0], b: TolerancesBodyT) => ({
    ...toToleranceInput(current),
    ...b,
  })

  async function programmeOf(scope: Scope, id: number) {
    const p = await programmes.get(scope, id)
    if (!p) throw notFound('Programme')
    return p
  }

  app.get<{ Params: { programmeId: number } }>(
    '/api/v1/programmes/:programmeId/tolerances',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: "A programme's tolerances",
        params: ProgrammeParams,
        response: { 200: TolerancesSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request.actor!)
      const p = await programmeOf(scope, request.params.programmeId)
      return settingsJson((await tolerances.programmeSettings(scope, p.id)).programme)
    },
  )

  app.put<{ Params: { programmeId: number }; Body: Static<typeof TolerancesBody> }>(
    '/api/v1/programmes/:programmeId/tolerances',
    {
      config: { policy: 'governance.configure' },
      schema: {
        tags,
        summary: "Set a programme's tolerances",
        params: ProgrammeParams,
        body: TolerancesBody,
        response: { 200: TolerancesSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const p = await programmeOf(scopeOf(actor), request.params.programmeId)
      const { version, ...body } = request.body as TolerancesBodyT
      const current = (await tolerances.programmeSettings(scopeOf(actor), p.id)).programme
      return settingsJson(
        await tolerances.saveProgrammeTolerances(actor, p.id, version ?? null, merged(current, body)),
      )
    },
  )

  app.get<{ Params: { projectId: number } }>(
    '/api/v1/projects/:projectId/tolerances',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: "A project's own tolerances (nulls follow the programme)",
        params: ProjectParams,
        response: { 200: TolerancesSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request.actor!)
      const project = await projects.get(scope, request.params.projectId)
      if (!project) throw notFound('Project')
      return settingsJson((await tolerances.projectTolerances(scope, project)).own)
    },
  )

  app.put<{ Params: { projectId: number }; Body: Static<typeof TolerancesBody> }>(
    '/api/v1/projects/:projectId/tolerances',
    {
      config: { policy: 'governance.configure' },
      schema: {
        tags,
        summary: "Set a project's own tolerances",
        params: ProjectParams,
        body: TolerancesBody,
        response: { 200: TolerancesSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const project = await projects.get(scopeOf(actor), request.params.projectId)
      if (!project) throw notFound('Project')
      const { version, ...body } = request.body as TolerancesBodyT
      const current = (await tolerances.projectTolerances(scopeOf(actor), project)).own
      return settingsJson(
        await tolerances.saveProjectTolerances(actor, project, version ?? null, merged(current, body)),
      )
    },
  )

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/exceptions',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List tolerance exceptions',
        querystring: ListQuery,
        response: { 200: ListOf(ExceptionSchema), ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      return apiListOrExport(
        reply,
        request.query,
        (window) =>
          tolerances.listExceptions(scopeOf(request.actor!), {
            status: request.query.status,
            projectId: request.query.projectId,
            programmeId: request.query.programmeId,
            ...window,
          }),
        exceptionJson,
        exceptionsExport,
      )
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/exceptions/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read an exception',
        params: IdParams,
        response: { 200: ExceptionSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const e = await tolerances.getException(scopeOf(request.actor!), request.params.id)
      if (!e) throw notFound('Exception')
      return exceptionJson(e)
    },
  )

  app.post<{ Body: Static<typeof RaiseBody> }>(
    '/api/v1/exceptions',
    {
      config: { policy: 'governance.write' },
      schema: {
        tags,
        summary: 'Raise a scope or benefits exception by hand',
        body: RaiseBody,
        response: { 201: ExceptionSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const project = await projects.get(scopeOf(actor), request.body.projectId)
      if (!project) throw notFound('Project')
      if (!MANUAL_KINDS.includes(request.body.kind as never))
        throw new ValidationError({
          kind: 'Only scope and benefits exceptions are raised by hand; time, cost and risk are measured',
        })
      const id = await tolerances.raiseManual(actor, project, request.body)
      const e = (await tolerances.getException(scopeOf(actor), id))!
      return reply.status(201).header('location', `/api/v1/exceptions/${id}`).send(exceptionJson(e))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof ReportBody> }>(
    '/api/v1/exceptions/:id',
    {
      config: { policy: 'governance.write' },
      schema: {
        tags,
        summary: 'Write or change the exception report',
        params: IdParams,
        body: ReportBody,
        response: { 200: ExceptionSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const { version, ...report } = request.body
      return exceptionJson(await tolerances.writeReport(request.actor!, request.params.id, version, report))
    },
  )

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof DecisionBody> }>(
    '/api/v1/exceptions/:id/decision',
    {
      config: { policy: 'decision.record' },
      schema: {
        tags,
        summary: "Record the board's decision on the exception report",
        params: IdParams,
        body: DecisionBody,
        response: { 200: ExceptionSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const e = await tolerances.getException(scopeOf(actor), request.params.id)
      if (!e) throw notFound('Exception')
      const b = request.body
      if (b.version === undefined) throw new ValidationError({ version: 'is required' })
      return exceptionJson(
        await tolerances.decide(actor, e.id, b.version, {
          outcome: b.outcome ?? '',
          reasons: b.reasons ?? '',
          decidedOn: b.decidedOn ?? null,
        }),
      )
    },
  )
}
