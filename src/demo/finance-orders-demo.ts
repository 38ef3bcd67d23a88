import { financialYearOf, financialYearPeriods, periodOf } from '../domain/periods.ts'
import { recordAudit } from '../modules/audit/audit.service.ts'
import { DEMO_ACTOR } from './demo-loader.ts'
import type { DemoExtension } from './extensions.ts'

const missing = (ref: string): never => {
  throw new Error(`Demo purchase orders: no project ${ref}`)
}

/** Marshland's open purchase orders this year, against the budgets the finance demo set. */
export const financeOrdersDemo: DemoExtension = async (ctx) => {
  const { trx, organisationId: org } = ctx
  const at = ctx.now.toISOString()
  const projects = new Map(
    (
      await trx
        .selectFrom('projects')
        .select(['id', 'reference'])
        .where('organisation_id', '=', org)
        .execute()
    ).map((p) => [p.reference, p.id]),
  )
  const nowPeriod = periodOf(ctx.today)
  const elapsed = financialYearPeriods(financialYearOf(ctx.today)).filter((p) => p <= nowPeriod)
  // Orders raised but not yet invoiced: they count against what is left of the budget before any
  // money leaves the ledger, which is what the panel could not see.
  const orders: Array<[string, string, string, string, number, string]> = [
    ['ICT-01', 'PSPS', 'PO 4501187', 'Web developer, next quarter (non-base)', 6000, `${nowPeriod}-03`],
    [
      'ICT-05',
      'Northgate Public Services',
      'PO 4501142',
      'Interface licence renewal for the online forms integration',
      1800,
      `${elapsed.at(-2) ?? nowPeriod}-14`,
    ],
    [
      'ICT-06',
      'Socitm Advisory',
      'PO 4501190',
      'Digital leadership course for the digital officer',
      950,
      `${nowPeriod}-10`,
    ],
  ]
  for (const [ref, supplier, reference, description, pounds, raisedOn] of orders) {
    const c = await trx
      .insertInto('commitments')
      .values({
        organisation_id: org,
        project_id: projects.get(ref) ?? missing(ref),
        supplier_name: supplier,
        reference,
        description,
        amount_pence: pounds * 100,
        raised_on: raisedOn <= ctx.today ? raisedOn : ctx.today,
        status: 'open',
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, {
      organisationId: org,
      actor: DEMO_ACTOR,
      action: 'create',
      entityType: 'commitment',
      entityId: c.id,
      after: c,
    })
  }
}
