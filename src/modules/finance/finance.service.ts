import { createFinanceCommitments } from './finance-commitments.service.ts'
import type { Kysely, Transaction } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import type { BudgetLine, BudgetMonitoring, DB, Forecast, FundingStream } from '../../db/schema.ts'
import { profileAmounts } from '../../domain/money.ts'
import { financialYearPeriods, parseFinancialYear } from '../../domain/periods.ts'
import { ConflictError, notFound, ValidationError } from '../../errors.ts'
import { auditBy, insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import { createFinanceFigures } from './finance-figures.ts'
import { createFinanceSummary } from './finance-summary.ts'
import { createFinanceRecords } from './finance-records.service.ts'
import { createFinanceCorrections } from './finance-corrections.service.ts'
import { createFinanceRepository, scopedProjects } from './finance.repository.ts'
import {
  validateBudgetLine,
  validateForecast,
  validateFundingStream,
  validateSignOff,
  type BudgetLineInput,
  type ForecastInput,
  type FundingStreamInput,
  type SignOffInput,
} from './finance.rules.ts'

const check = (errors: Record<string, string>) => {
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
}

/** The twelve monthly amounts of a budget line, April first, summing exactly to the line. */
export function budgetLineProfile(input: BudgetLineInput): Array<{ period: string; amount: number }> {
  const fy = parseFinancialYear(input.financialYear)!
  const periods = financialYearPeriods(fy)
  const amounts =
    input.profileMethod === 'manual'
      ? input.manualProfile.map((v) => v ?? 0)
      : profileAmounts(input.amountPence ?? 0, periods.length, input.profileMethod as 'flat')
  return periods.map((period, i) => ({ period, amount: amounts[i] ?? 0 }))
}

export function createFinanceService(db: Kysely<DB>) {
  const repo = createFinanceRepository(db)
  const figures = createFinanceFigures(db, repo)
  const summary = createFinanceSummary(db, repo)
  const records = createFinanceRecords(db)
  const commitments = createFinanceCommitments(db)
  const corrections = createFinanceCorrections(db, repo, records)

  async function projectInScope(trx: Transaction<DB>, scope: Scope, projectId: number) {
    const p = await scopedProjects(trx, scope)
      .selectAll('projects')
      .where('projects.id', '=', projectId)
      .executeTakeFirst()
    if (!p) throw notFound('Project')
    return p
  }

  async function writeProfile(trx: Transaction<DB>, actor: Actor, line: BudgetLine, input: BudgetLineInput) {
    await trx.deleteFrom('budget_line_periods').where('budget_line_id', '=', line.id).execute()
    await trx
      .insertInto('budget_line_periods')
      .values(
        budgetLineProfile(input).map((p) => ({
          organisation_id: actor.organisationId,
          budget_line_id: line.id,
          period: p.period,
          amount_pence: p.amount,
        })),
      )
      .execute()
  }

  function toRow(input: BudgetLineInput) {
    return {
      financial_year: parseFinancialYear(input.financialYear)!.label,
      category: input.category,
      funding_stream_id: input.fundingStreamId!,
      cost_type: input.costType,
      description: input.description.trim(),
      amount_pence: input.amountPence!,
      profile_method: input.profileMethod,
      approved_by: input.approvedBy.trim(),
      approved_on: input.approvedOn,
      approval_reference: input.approvalReference.trim(),
    }
  }

  return {
    ...figures,
    ...summary,
    ...records,
    ...commitments,
    ...corrections,
    fundingStreams: (scope: Scope) => repo.fundingStreams(scope),
    fundingStream: (scope: Scope, id: number) => repo.fundingStream(scope, id),
    partners: (scope: Scope) => repo.partners(scope),
    claims: (scope: Scope) => repo.claims(scope),

    async budgetLine(scope: Scope, id: number) {
      const line = await db
        .selectFrom('budget_lines')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('id', '=', id)
        .executeTakeFirst()
      if (!line) return undefined
      const visible = await scopedProjects(db, scope)
        .select('projects.id')
        .where('projects.id', '=', line.project_id)
        .executeTakeFirst()
      if (!visible) return undefined
      const periods = await db
        .selectFrom('budget_line_periods')
        .select(['period', 'amount_pence'])
        .where('budget_line_id', '=', id)
        .orderBy('period')
        .execute()
      return { ...line, periods }
    },

    /** A project's budget lines with their monthly profiles, all years; the caller has checked the project. */
    async projectBudgetLines(scope: Scope, projectId: number) {
      const lines = await db
        .selectFrom('budget_lines')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('project_id', '=', projectId)
        .orderBy('financial_year')
        .orderBy('id')
        .execute()
      const periods = lines.length
        ? await db
            .selectFrom('budget_line_periods')
            .select(['budget_line_id', 'period', 'amount_pence'])
            .where(
              'budget_line_id',
              'in',
              lines.map((l) => l.id),
            )
            .orderBy('period')
            .execute()
        : []
      return lines.map((l) => ({ ...l, periods: periods.filter((p) => p.budget_line_id === l.id) }))
    },

    async createFundingStream(actor: Actor, input: FundingStreamInput): Promise<FundingStream> {
      check(validateFundingStream(input))
      return db.transaction().execute(async (trx) => {
        const taken = await trx
          .selectFrom('funding_streams')
          .select('id')
          .where('organisation_id', '=', actor.organisationId)
          .where('name', '=', input.name.trim())
          .executeTakeFirst()
        if (taken) throw new ValidationError({ name: 'A funding stream with this name already exists' })
        return insertAudited(trx, {
          table: 'funding_streams',
          entityType: 'funding_stream',
          actor,
          values: {
            name: input.name.trim(),
            kind: input.kind,
            eligibility: input.eligibility.trim(),
            base_costs_eligible: input.baseCostsEligible ? 1 : 0,
          },
        })
      })
    },

    /** Adds a budget line and its monthly profile together, so the profile always sums to the line. */
    async createBudgetLine(actor: Actor, projectId: number, input: BudgetLineInput): Promise<BudgetLine> {
      check(validateBudgetLine(input))
      return db.transaction().execute(async (trx) => {
        await projectInScope(trx, scopeOf(actor), projectId)
        if (!(await repo.fundingStream(scopeOf(actor), input.fundingStreamId!, trx)))
          throw new ValidationError({ fundingStreamId: 'Select the funding stream' })
        const line = await insertAudited(trx, {
          table: 'budget_lines',
          entityType: 'budget_line',
          actor,
          values: { ...toRow(input), project_id: projectId, approved_by_user_id: null },
        })
        await writeProfile(trx, actor, line, input)
        return line
      })
    },

    async updateBudgetLine(
      actor: Actor,
      id: number,
      version: number,
      input: BudgetLineInput,
    ): Promise<BudgetLine> {
      check(validateBudgetLine(input))
      return db.transaction().execute(async (trx) => {
        const current = await trx
          .selectFrom('budget_lines')
          .selectAll()
          .where('organisation_id', '=', actor.organisationId)
          .where('id', '=', id)
          .executeTakeFirst()
        if (!current) throw notFound('Budget line')
        await projectInScope(trx, scopeOf(actor), current.project_id)
        if (current.version !== version) throw new ConflictError(current)
        if (!(await repo.fundingStream(scopeOf(actor), input.fundingStreamId!, trx)))
          throw new ValidationError({ fundingStreamId: 'Select the funding stream' })
        const updated = await updateVersioned(trx, {
          table: 'budget_lines',
          entityType: 'budget_line',
          actor,
          current,
          version,
          changes: toRow(input),
        })
        await writeProfile(trx, actor, updated, input)
        return updated
      })
    },

    /** The month's forecast outturn for the year: one per project, year and month, replaced if re-entered. */
    async recordForecast(actor: Actor, projectId: number, input: ForecastInput): Promise<Forecast> {
      check(validateForecast(input))
      const fy = parseFinancialYear(input.financialYear)!.label
      return db.transaction().execute(async (trx) => {
        await projectInScope(trx, scopeOf(actor), projectId)
        const current = await trx
          .selectFrom('forecasts')
          .selectAll()
          .where('project_id', '=', projectId)
          .where('financial_year', '=', fy)
          .where('period', '=', input.period)
          .executeTakeFirst()
        const at = new Date().toISOString()
        const values = {
          forecast_outturn_pence: input.forecastPence!,
          note: input.note.trim(),
          entered_by: actor.userId,
          entered_by_name: actor.name,
          updated_at: at,
        }
        const saved = current
          ? await trx
              .updateTable('forecasts')
              .set({ ...values, version: current.version + 1 })
              .where('id', '=', current.id)
              .returningAll()
              .executeTakeFirstOrThrow()
          : await trx
              .insertInto('forecasts')
              .values({
                ...values,
                organisation_id: actor.organisationId,
                project_id: projectId,
                financial_year: fy,
                period: input.period,
                created_at: at,
              })
              .returningAll()
              .executeTakeFirstOrThrow()
        await auditBy(trx, actor, {
          action: current ? 'update' : 'create',
          entityType: 'forecast',
          entityId: saved.id,
          before: current ?? null,
          after: saved,
        })
        return saved
      })
    },

    /**
     * The monthly budget monitoring sign-off. Finance and the project manager each sign for the month;
     * the month counts as monitored only when both have, with the forecast confirmed and any variance
     * between forecast and budget explained — the process the panel found had not been in place.
     */
    async signOff(actor: Actor, projectId: number, input: SignOffInput): Promise<BudgetMonitoring> {
      const errors = validateSignOff(input)
      const financeRoles = ['administrator', 'finance_officer']
      const projectRoles = ['administrator', 'programme_manager', 'project_manager']
      if (input.as === 'finance' && !financeRoles.includes(actor.role))
        errors.as = 'Only a finance officer can sign off for finance'
      if (input.as === 'project' && !projectRoles.includes(actor.role))
        errors.as = 'Only the project or programme manager can sign off for the project'
      check(errors)
      return db.transaction().execute(async (trx) => {
        const scope = scopeOf(actor)
        await projectInScope(trx, scope, projectId)
        const current = await trx
          .selectFrom('budget_monitoring')
          .selectAll()
          .where('project_id', '=', projectId)
          .where('period', '=', input.period)
          .executeTakeFirst()
        // The explanation is for the month: the second signatory can rely on the first's.
        const variance = await figures.varianceFor(trx, scope, projectId, input.period)
        const explained =
          input.varianceExplanation.trim() !== '' || (current?.variance_explanation ?? '') !== ''
        if (variance !== null && variance !== 0 && !explained)
          throw new ValidationError({
            varianceExplanation: 'Explain the variance between the forecast and the budget',
          })
        const at = new Date().toISOString()
        const signature: Partial<
          Pick<
            BudgetMonitoring,
            | 'finance_signed_off_by'
            | 'finance_signed_off_by_name'
            | 'finance_signed_off_at'
            | 'pm_signed_off_by'
            | 'pm_signed_off_by_name'
            | 'pm_signed_off_at'
          >
        > =
          input.as === 'finance'
            ? {
                finance_signed_off_by: actor.userId,
                finance_signed_off_by_name: actor.name,
                finance_signed_off_at: at,
              }
            : { pm_signed_off_by: actor.userId, pm_signed_off_by_name: actor.name, pm_signed_off_at: at }
        const common = {
          ...signature,
          forecast_confirmed: 1,
          variance_explanation: input.varianceExplanation.trim() || (current?.variance_explanation ?? ''),
          updated_at: at,
        }
        const saved = current
          ? await trx
              .updateTable('budget_monitoring')
              .set({ ...common, version: current.version + 1 })
              .where('id', '=', current.id)
              .returningAll()
              .executeTakeFirstOrThrow()
          : await trx
              .insertInto('budget_monitoring')
              .values({
                finance_signed_off_by_name: '',
                pm_signed_off_by_name: '',
                ...common,
                organisation_id: actor.organisationId,
                project_id: projectId,
                period: input.period,
                created_at: at,
              })
              .returningAll()
              .executeTakeFirstOrThrow()
        await auditBy(trx, actor, {
          action: 'sign_off',
          entityType: 'budget_monitoring',
          entityId: saved.id,
          before: current ?? null,
          after: saved,
        })
        return saved
      })
    },
  }
}

export type FinanceService = ReturnType<typeof createFinanceService>
