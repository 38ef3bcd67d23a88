import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../../auth/actor.ts'
import { notFound } from '../../../errors.ts'
import {
  exactPence,
  INEXACT_ERRORS,
  MoneyPence,
  Nullable,
  PenceTotal,
  STANDARD_ERRORS,
  WRITE_ERRORS,
} from '../../../web/api-schemas.ts'
import { yearFrom } from '../shared/finance.view-model.ts'
import { projectIn404 } from '../shared/finance.api-helpers.ts'

const YearQuery = Type.Object({
  year: Type.Optional(
    Type.String({ maxLength: 10, description: 'Financial year, e.g. 2025-26; default the current one' }),
  ),
})
const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })
const ProgrammeParams = Type.Object({ programmeId: Type.Integer({ minimum: 1 }) })
const P = PenceTotal()
const NP = Nullable(PenceTotal())

const ProjectFinanceSchema = Type.Object(
  {
    projectId: Type.Integer(),
    financialYear: Type.String(),
    budgetPence: P,
    actualsPence: P,
    commitmentsPence: P,
    forecastPence: NP,
    variancePence: Nullable(PenceTotal('forecast − budget')),
    profiledToDatePence: P,
    actualsToDatePence: P,
    byFundingStream: Type.Array(Type.Object({ name: Type.String(), budgetPence: P })),
    byYear: Type.Array(Type.Object({ financialYear: Type.String(), budgetPence: P, actualsPence: P })),
    periods: Type.Array(
      Type.Object({ period: Type.String(), number: Type.Integer(), profiledPence: P, actualPence: NP }),
    ),
    monitoring: Type.Array(
      Type.Object({
        period: Type.String(),
        financeSignedOffAt: Nullable(Type.String()),
        projectManagerSignedOffAt: Nullable(Type.String()),
        forecastConfirmed: Type.Boolean(),
        varianceExplanation: Type.String(),
      }),
    ),
  },
  { $id: 'ProjectFinance' },
)

const ProgrammeFinanceSchema = Type.Object(
  {
    programmeId: Type.Integer(),
    financialYear: Type.String(),
    projects: Type.Array(
      Type.Object({
        projectId: Type.Integer(),
        reference: Type.String(),
        name: Type.String(),
        byCostTypePence: Type.Record(Type.String(), P),
        budgetPence: P,
        actualsPence: P,
        commitmentsPence: P,
        forecastPence: NP,
        variancePence: NP,
      }),
    ),
    totals: Type.Object({
      budgetPence: P,
      actualsPence: P,
      commitmentsPence: P,
      forecastPence: NP,
      variancePence: NP,
    }),
    partners: Type.Array(
      Type.Object({
        name: Type.String(),
        baseContract: Type.String(),
        baseTotalPence: P,
        nonBaseTotalPence: P,
        ledgerActualPence: P,
        differencePence: PenceTotal('ledger − recharges; 0 when reconciled'),
      }),
    ),
    fundingStreams: Type.Array(
      Type.Object({
        id: Type.Integer(),
        name: Type.String(),
        baseCostsEligible: Type.Boolean(),
        budgetPence: P,
        eligiblePence: P,
        claimedPence: P,
        receivedPence: P,
      }),
    ),
    claims: Type.Object({ eligiblePence: P, claimedPence: P, receivedPence: P, outstandingPence: P }),
  },
  { $id: 'ProgrammeFinance' },
)

const ForecastBody = Type.Object(
  {
    financialYear: Type.String({ maxLength: 10 }),
    period: Type.String({ pattern: '^\\d{4}-\\d{2}$' }),
    forecastOutturnPence: MoneyPence({ minimum: 0 }),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
)
const SignOffBody = Type.Object(
  {
    period: Type.String({ pattern: '^\\d{4}-\\d{2}$' }),
    as: Type.Union([Type.Literal('finance'), Type.Literal('project')]),
    forecastConfirmed: Type.Boolean(),
    varianceExplanation: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
)
const Saved = Type.Object({ id: Type.Integer(), version: Type.Integer() })

export async function financeSummaryApi(app: FastifyInstance) {
  const { finance } = app.services
  const tags = ['Finance']

  app.get<{ Params: Static<typeof ProjectParams>; Querystring: Static<typeof YearQuery> }>(
    '/api/v1/projects/:projectId/finance',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: "A project's budget, actuals, commitments, forecast and variance for a financial year",
        params: ProjectParams,
        querystring: YearQuery,
        response: { 200: ProjectFinanceSchema, ...STANDARD_ERRORS, ...INEXACT_ERRORS },
      },
    },
    async (request) => {
      const f = await finance.projectFinance(
        scopeOf(request.actor!),
        request.params.projectId,
        yearFrom(request.query.year),
      )
      if (!f) throw notFound('Project')
      return exactPence({
        projectId: f.project.id,
        financialYear: f.financialYear,
        budgetPence: f.totals.budget,
        actualsPence: f.totals.actuals,
        commitmentsPence: f.totals.commitments,
        forecastPence: f.totals.forecast,
        variancePence: f.totals.variance,
        profiledToDatePence: f.totals.profiledToDate,
        actualsToDatePence: f.totals.actualsToDate,
        byFundingStream: f.byStream.map((s) => ({ name: s.name, budgetPence: s.budget })),
        byYear: f.byYear.map((y) => ({
          financialYear: y.financialYear,
          budgetPence: y.budget,
          actualsPence: y.actuals,
        })),
        periods: f.periods.map((p) => ({
          period: p.period,
          number: p.number,
          profiledPence: p.profiled,
          actualPence: p.actual,
        })),
        monitoring: f.monitoring.map((m) => ({
          period: m.period,
          financeSignedOffAt: m.finance_signed_off_at,
          projectManagerSignedOffAt: m.pm_signed_off_at,
          forecastConfirmed: m.forecast_confirmed === 1,
          varianceExplanation: m.variance_explanation,
        })),
      })
    },
  )

  app.get<{ Params: Static<typeof ProgrammeParams>; Querystring: Static<typeof YearQuery> }>(
    '/api/v1/programmes/:programmeId/finance',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary:
          "The programme's finance summary (Appendix A): by project and cost type, partner costs, funding streams, claims",
        params: ProgrammeParams,
        querystring: YearQuery,
        response: { 200: ProgrammeFinanceSchema, ...STANDARD_ERRORS, ...INEXACT_ERRORS },
      },
    },
    async (request) => {
      const s = await finance.programmeSummary(
        scopeOf(request.actor!),
        request.params.programmeId,
        yearFrom(request.query.year),
      )
      if (!s) throw notFound('Programme')
      return exactPence({
        programmeId: s.programme.id,
        financialYear: s.financialYear,
        projects: s.projects.map((p) => ({
          projectId: p.id,
          reference: p.reference,
          name: p.name,
          byCostTypePence: p.byCostType,
          budgetPence: p.budget,
          actualsPence: p.actuals,
          commitmentsPence: p.commitments,
          forecastPence: p.forecast,
          variancePence: p.variance,
        })),
        totals: {
          budgetPence: s.totals.budget,
          actualsPence: s.totals.actuals,
          commitmentsPence: s.totals.commitments,
          forecastPence: s.totals.forecast,
          variancePence: s.totals.variance,
        },
        partners: s.partners.map((p) => ({
          name: p.name,
          baseContract: p.baseContract,
          baseTotalPence: p.baseTotal,
          nonBaseTotalPence: p.nonBaseTotal,
          ledgerActualPence: p.ledgerActual,
          differencePence: p.difference,
        })),
        fundingStreams: s.fundingStreams.map((f) => ({
          id: f.id,
          name: f.name,
          baseCostsEligible: f.baseCostsEligible,
          budgetPence: f.budget,
          eligiblePence: f.eligible,
          claimedPence: f.claimed,
          receivedPence: f.received,
        })),
        claims: {
          eligiblePence: s.claimsTotals.eligible,
          claimedPence: s.claimsTotals.claimed,
          receivedPence: s.claimsTotals.received,
          outstandingPence: s.claimsTotals.outstanding,
        },
      })
    },
  )

  app.post<{ Params: Static<typeof ProjectParams>; Body: Static<typeof ForecastBody> }>(
    '/api/v1/projects/:projectId/forecasts',
    {
      config: { policy: 'finance.monitor' },
      preValidation: projectIn404(app),
      schema: {
        tags,
        summary: "Record the month's forecast outturn for the year (replaces that month's, if any)",
        params: ProjectParams,
        body: ForecastBody,
        response: { 201: Saved, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const b = request.body
      const f = await finance.recordForecast(request.actor!, request.params.projectId, {
        financialYear: b.financialYear,
        period: b.period,
        forecastPence: b.forecastOutturnPence,
        note: b.note ?? '',
      })
      return reply.status(201).send({ id: f.id, version: f.version })
    },
  )

  app.post<{ Params: Static<typeof ProjectParams>; Body: Static<typeof SignOffBody> }>(
    '/api/v1/projects/:projectId/monitoring-sign-offs',
    {
      config: { policy: 'finance.monitor' },
      preValidation: projectIn404(app),
      schema: {
        tags,
        summary: "Sign off the month's budget monitoring, as finance or as the project manager",
        params: ProjectParams,
        body: SignOffBody,
        response: { 201: Saved, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const b = request.body
      const m = await finance.signOff(request.actor!, request.params.projectId, {
        period: b.period,
        as: b.as,
        forecastConfirmed: b.forecastConfirmed,
        varianceExplanation: b.varianceExplanation ?? '',
      })
      return reply.status(201).send({ id: m.id, version: m.version })
    },
  )
}
