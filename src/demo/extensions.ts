import type { Transaction } from 'kysely'
import type { Role } from '../auth/roles.ts'
import type { IsoDate } from '../domain/dates.ts'
import type { DB } from '../db/schema.ts'
import type { DemoPerson } from './demo-loader.ts'
import { governanceControlDemo } from './governance-control-demo.ts'
import { governanceDemo } from './governance-demo.ts'
import { financeDemo } from './finance-demo.ts'
import { financeOrdersDemo } from './finance-orders-demo.ts'
import { ledgerDemo } from './ledger-demo.ts'
import { scrutinyDemo } from './scrutiny-demo.ts'
import { attendanceDemo } from './attendance-demo.ts'
import { papersDemo } from './papers-demo.ts'
import { scrutinyLoopDemo } from './scrutiny-loop-demo.ts'
import { resourcingDemo } from './resourcing-demo.ts'
import { responsibilitiesDemo } from './responsibilities-demo.ts'
import { capacityDemo } from './capacity-demo.ts'
import { resourcingLinksDemo } from './resourcing-links-demo.ts'
import { ownersDemo } from './owners-demo.ts'
import { outcomesAmbitionsDemo } from './outcomes-ambitions.ts'
import { outcomesBenefitsDemo } from './outcomes-benefits.ts'
import { outcomesIndicatorsDemo } from './outcomes-indicators.ts'
import { publicationDemo } from './publication-demo.ts'
import { forwardPlanDemo } from './forward-plan-demo.ts'
import { documentsDemo } from './documents-demo.ts'
import { brandDemo } from './brand-demo.ts'

/** What an area's demo data needs from the core scenario: Marshland, its people, and the clock. */
export interface DemoContext {
  trx: Transaction<DB>
  organisationId: number
  people: Partial<Record<Role, DemoPerson>>
  today: IsoDate
  now: Date
}

/**
 * Each area (finance, governance, scrutiny) adds its part of the story after the programme and its
 * projects exist, inside the same transaction; projects are found by their reference (e.g. "ICT-WEB").
 */
export type DemoExtension = (ctx: DemoContext) => Promise<void>

// Finance first (governance reads budgets); gates, decisions and RAID before the control demo, which links its exceptions to the board's decisions; scrutiny before the papers that cite its recommendations.
export const DEMO_EXTENSIONS: DemoExtension[] = [
  financeDemo,
  financeOrdersDemo,
  ledgerDemo,
  governanceDemo,
  governanceControlDemo,
  scrutinyDemo,
  attendanceDemo,
  papersDemo,
  scrutinyLoopDemo,
  resourcingDemo,
  responsibilitiesDemo,
  capacityDemo,
  outcomesAmbitionsDemo,
  outcomesIndicatorsDemo,
  // After the ambitions and indicators it names.
  outcomesBenefitsDemo,
  forwardPlanDemo,
  resourcingLinksDemo,
  publicationDemo,
  // After the meetings and projects it attaches papers to.
  documentsDemo,
  brandDemo,
  // Last: every area's owners, matched to the register the resourcing demo filled.
  ownersDemo,
]
