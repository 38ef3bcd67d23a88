import type { Kysely, Transaction } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../../auth/actor.ts'
import type { BudgetLine, DB } from '../../../db/schema.ts'
import { profileAmounts } from '../../../domain/money.ts'
import { financialYearPeriods, parseFinancialYear } from '../../../domain/periods.ts'
import { ConflictError, notFound, ValidationError } from '../../../errors.ts'
import { insertAudited, updateVersioned } from '../../audit/versioned-update.ts'
import { scopedProjects, type FinanceRepository } from '../shared/finance.repository.ts'
import { validateBudgetLine, type BudgetLineInput } from '../shared/finance.rules.ts'
import { check, projectInScope } from '../shared/finance.service-helpers.ts'

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

/** A project's budget lines: each added or changed together with its monthly profile. */
export function createBudgetsService(db: Kysely<DB>, repo: FinanceRepository) {
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
  }
}
