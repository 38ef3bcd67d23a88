import { sql, type Kysely, type Transaction } from 'kysely'
import type { DB } from '../../../db/schema.ts'
import { num } from './finance.repository.ts'

/**
 * The forecast outturn that counts for each project in a financial year: the one entered for the latest
 * month of that year, as on the project's finance page. Read for a whole organisation at once (the health
 * check, the tolerance sweep), or for some projects only. Values are pence.
 */
export async function latestForecastOutturns(
  db: Kysely<DB> | Transaction<DB>,
  organisationId: number,
  financialYear: string,
  projectIds?: readonly number[],
): Promise<Map<number, number>> {
  let q = db
    .selectFrom('forecasts as f')
    .select(['f.project_id', 'f.forecast_outturn_pence'])
    .where('f.organisation_id', '=', organisationId)
    .where('f.financial_year', '=', financialYear)
    .where((eb) =>
      eb(
        'f.period',
        '=',
        eb
          .selectFrom('forecasts as g')
          .select(sql<string>`max(g.period)`.as('p'))
          .whereRef('g.project_id', '=', 'f.project_id')
          .where('g.financial_year', '=', financialYear),
      ),
    )
  if (projectIds) q = q.where('f.project_id', 'in', projectIds.length > 0 ? [...projectIds] : [0])
  return new Map((await q.execute()).map((f) => [f.project_id, num(f.forecast_outturn_pence)]))
}
