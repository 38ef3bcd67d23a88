import type { Kysely } from 'kysely'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import type { BudgetMonitoring, DB, Forecast } from '../../../db/schema.ts'
import { parseFinancialYear } from '../../../domain/periods.ts'
import { ValidationError } from '../../../errors.ts'
import { insertAudited, updateVersioned } from '../../audit/versioned-update.ts'
import {
  validateForecast,
  validateSignOff,
  type ForecastInput,
  type SignOffInput,
} from '../shared/finance.rules.ts'
import { check, projectInScope } from '../shared/finance.service-helpers.ts'
import type { createFinanceFigures } from './figures.service.ts'

/** The monthly round: the forecast outturn, and the joint sign-off by finance and the project manager. */
export function createMonitoringService(db: Kysely<DB>, figures: ReturnType<typeof createFinanceFigures>) {
  return {
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
        const values = {
          forecast_outturn_pence: input.forecastPence!,
          note: input.note.trim(),
          entered_by: actor.userId,
          entered_by_name: actor.name,
        }
        // Re-entered: a versioned update against the row as read, so a change committed meanwhile is refused.
        const saved = current
          ? await updateVersioned(trx, {
              table: 'forecasts',
              entityType: 'forecast',
              actor,
              current,
              version: current.version,
              changes: values,
            })
          : await insertAudited(trx, {
              table: 'forecasts',
              entityType: 'forecast',
              actor,
              values: { ...values, project_id: projectId, financial_year: fy, period: input.period },
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
        }
        // The second signatory signs the month as read: a change committed meanwhile is refused, not lost.
        const saved = current
          ? await updateVersioned(trx, {
              table: 'budget_monitoring',
              entityType: 'budget_monitoring',
              action: 'sign_off',
              actor,
              current,
              version: current.version,
              changes: common,
            })
          : await insertAudited(trx, {
              table: 'budget_monitoring',
              entityType: 'budget_monitoring',
              action: 'sign_off',
              actor,
              values: {
                finance_signed_off_by_name: '',
                pm_signed_off_by_name: '',
                ...common,
                project_id: projectId,
                period: input.period,
              },
            })
        return saved
      })
    },
  }
}
