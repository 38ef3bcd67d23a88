import type { Kysely } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import type { DB } from '../../db/schema.ts'
import { createBudgetsService } from './budgets/budgets.service.ts'
import { createFinanceCommitments } from './commitments/commitments.service.ts'
import { createClaimsService } from './funding-claims/claims.service.ts'
import { createFundingStreamsService } from './funding-claims/funding-streams.service.ts'
import { createFinanceCorrections } from './partners-recharges/corrections.service.ts'
import { createPartnersRechargesService } from './partners-recharges/partners-recharges.service.ts'
import { createFinanceRepository } from './shared/finance.repository.ts'
import { createFinanceFigures } from './summary/figures.service.ts'
import { createMonitoringService } from './summary/monitoring.service.ts'
import { createFinanceSummary } from './summary/programme-summary.service.ts'

/** Finance as the rest of the app sees it: one service, built from each finance slice's own. */
export function createFinanceService(db: Kysely<DB>) {
  const repo = createFinanceRepository(db)
  const figures = createFinanceFigures(db, repo)
  const partnersRecharges = createPartnersRechargesService(db)
  return {
    ...figures,
    ...createFinanceSummary(db, repo),
    ...createMonitoringService(db, figures),
    ...createBudgetsService(db, repo),
    ...createFundingStreamsService(db, repo),
    ...createClaimsService(db, partnersRecharges),
    ...partnersRecharges,
    ...createFinanceCommitments(db),
    ...createFinanceCorrections(db, partnersRecharges),
    partners: (scope: Scope) => repo.partners(scope),
    claims: (scope: Scope) => repo.claims(scope),
  }
}

export type FinanceService = ReturnType<typeof createFinanceService>
