import { sql, type Kysely } from 'kysely'
import type { Scope } from '../../../auth/actor.ts'
import type { DB } from '../../../db/schema.ts'
import { todayInLondon, type IsoDate } from '../../../domain/dates.ts'
import { sumPence } from '../../../domain/money.ts'
import { periodOf } from '../../../domain/periods.ts'
import { asItStood, type AsAt } from '../../audit/as-it-stood.ts'
import { yearWindow } from './figures.service.ts'
import { num, scopedProjects, type FinanceRepository } from '../shared/finance.repository.ts'
import { COST_TYPES, claimStatusLabel, costTypeLabel } from '../shared/finance.rules.ts'

type CostTotals = Record<string, number>

const emptyCosts = (): CostTotals => Object.fromEntries(COST_TYPES.map((c) => [c.value, 0]))

/**
 * The programme's money in the shape of the panel's Appendix A: each project's budget by cost type
 * against actuals and forecast; the partner's base contract and the non-base costs recharged on top of
 * it, reconciled with what the ledger shows was paid; funding stream totals; and the claims position.
 */
export function createFinanceSummary(db: Kysely<DB>, repo: FinanceRepository) {
  return {
    async programmeSummary(
      scope: Scope,
      programmeId: number,
      financialYear: string,
      today: IsoDate = todayInLondon(),
      /**
       * A paper's date: the money as it stood then. The ledger, recharges and forecasts up to its month,
       * commitments raised and claims submitted by then, and budget lines, each as it stood.
       */
      asAt?: AsAt,
    ) {
      const programme = await db
        .selectFrom('programmes')
        .select(['id', 'reference', 'name'])
        .where('organisation_id', '=', scope.organisationId)
        .where('id', '=', programmeId)
        .executeTakeFirst()
      if (!programme) return undefined
      const win = yearWindow(financialYear, today)
      if (!win) return undefined
      const projects = await scopedProjects(db, scope)
        .select(['projects.id', 'projects.reference', 'projects.name'])
        .where('projects.programme_id', '=', programmeId)
        .orderBy('projects.reference')
        .execute()
      // A partner officer sees a programme only through the projects shared with the partner.
      if (scope.partnerOnly && projects.length === 0) return undefined
      const ids = projects.map((p) => p.id)
      const until = asAt && periodOf(asAt.date) < win.last ? periodOf(asAt.date) : win.last
      const current = await repo.budgetLines(scope, ids, win.label)
      const lines = asAt ? await asItStood(db, scope.organisationId, 'budget_line', current, asAt) : current
      const actualRows = await repo.actualsByPeriod(scope, ids, win.first, until)
      const commitments = asAt
        ? (
            await asItStood(
              db,
              scope.organisationId,
              'commitment',
              await repo.commitmentsRaisedBy(scope, ids, asAt.date),
              asAt,
            )
          ).filter((c) => c.status === 'open')
        : await repo.openCommitments(scope, ids)
      const forecastRows = (await repo.forecasts(scope, ids, win.label)).filter((f) => f.period <= until)
      const latest = new Map<number, number>()
      for (const f of forecastRows)
        if (!latest.has(f.project_id)) latest.set(f.project_id, num(f.forecast_outturn_pence))

      const rows = projects.map((p) => {
        const byCostType = emptyCosts()
        for (const l of lines.filter((x) => x.project_id === p.id))
          byCostType[l.cost_type] = (byCostType[l.cost_type] ?? 0) + num(l.amount_pence)
        const budget = sumPence(Object.values(byCostType))
        const actuals = sumPence(actualRows.filter((a) => a.project_id === p.id).map((a) => a.amount))
        const committed = sumPence(
          commitments.filter((c) => c.project_id === p.id).map((c) => num(c.amount_pence)),
        )
        const forecast = latest.get(p.id) ?? null
        return {
          ...p,
          byCostType,
          budget,
          actuals,
          commitments: committed,
          forecast,
          variance: forecast === null ? null : forecast - budget,
        }
      })
      const totalCosts = emptyCosts()
      for (const r of rows) for (const c of COST_TYPES) totalCosts[c.value]! += r.byCostType[c.value] ?? 0
      const forecastKnown = rows.filter((r) => r.forecast !== null)
      const totals = {
        byCostType: totalCosts,
        budget: sumPence(rows.map((r) => r.budget)),
        actuals: sumPence(rows.map((r) => r.actuals)),
        commitments: sumPence(rows.map((r) => r.commitments)),
        forecast: forecastKnown.length ? sumPence(forecastKnown.map((r) => r.forecast!)) : null,
        variance: forecastKnown.length ? sumPence(forecastKnown.map((r) => r.variance!)) : null,
      }

      const recharges = await repo.recharges(scope, ids, win.first, until)
      const bySupplier = await repo.actualsBySupplier(scope, ids, win.first, until)
      const projectOf = new Map(projects.map((p) => [p.id, p]))
      const partners = (await repo.partners(scope))
        .map((partner) => {
          const mine = recharges.filter((r) => r.partner_id === partner.id)
          const recharged = sumPence(mine.map((r) => num(r.amount_pence)))
          const projectIds = new Set(mine.map((r) => r.project_id))
          const ledger = sumPence(
            bySupplier
              .filter((s) => s.supplier === partner.name.toLowerCase() && projectIds.has(s.project_id))
              .map((s) => s.amount),
          )
          return {
            id: partner.id,
            name: partner.name,
            baseContract: partner.base_contract,
            annualBaseContract: num(partner.annual_base_contract_pence),
            recharges: mine.map((r) => ({
              id: r.id,
              projectReference: projectOf.get(r.project_id)?.reference ?? '',
              projectName: projectOf.get(r.project_id)?.name ?? '',
              description: r.description,
              period: r.period,
              costBasis: r.cost_basis,
              amount: num(r.amount_pence),
            })),
            baseTotal: sumPence(mine.filter((r) => r.cost_basis === 'base').map((r) => num(r.amount_pence))),
            nonBaseTotal: sumPence(
              mine.filter((r) => r.cost_basis !== 'base').map((r) => num(r.amount_pence)),
            ),
            recharged,
            ledgerActual: ledger,
            difference: ledger - recharged,
          }
        })
        .filter((p) => p.recharges.length > 0)

      const streamIds = [...new Set(lines.map((l) => l.funding_stream_id))]
      const allClaims = await repo.claims(scope, { projectIds: ids, streamIds })
      const claims = asAt
        ? await asItStood(
            db,
            scope.organisationId,
            'claim',
            allClaims.filter((c) => c.submitted_on !== null && c.submitted_on <= asAt.date),
            asAt,
          )
        : allClaims
      const items = await repo.claimItems(
        scope,
        claims.map((c) => c.id),
      )
      const claimRows = claims.map((c) => ({
        id: c.id,
        title: c.title,
        fundingStreamId: c.funding_stream_id,
        streamName: c.stream_name,
        projectName: c.project_name,
        status: c.status,
        statusLabel: claimStatusLabel(c.status),
        eligible: num(c.eligible_pence),
        claimed: num(c.claimed_pence),
        received: num(c.received_pence),
        submittedOn: c.submitted_on,
        receivedOn: c.received_on,
        ineligibleItems: items
          .filter((i) => i.claim_id === c.id && !i.eligible)
          .map((i) => ({
            description: i.description,
            amount: num(i.amount_pence),
            reason: i.ineligible_reason,
          })),
      }))
      const streams = await repo.fundingStreams(scope)
      const fundingStreams = streams
        .filter((s) => streamIds.includes(s.id) || claimRows.some((c) => c.fundingStreamId === s.id))
        .map((s) => {
          const sc = claimRows.filter((c) => c.fundingStreamId === s.id)
          return {
            id: s.id,
            name: s.name,
            kind: s.kind,
            baseCostsEligible: s.base_costs_eligible === 1,
            budget: sumPence(
              lines.filter((l) => l.funding_stream_id === s.id).map((l) => num(l.amount_pence)),
            ),
            eligible: sumPence(sc.map((c) => c.eligible)),
            claimed: sumPence(sc.map((c) => c.claimed)),
            received: sumPence(sc.map((c) => c.received)),
          }
        })
      const claimsTotals = {
        eligible: sumPence(claimRows.map((c) => c.eligible)),
        claimed: sumPence(claimRows.map((c) => c.claimed)),
        received: sumPence(claimRows.map((c) => c.received)),
        outstanding: sumPence(
          claimRows.filter((c) => c.status !== 'rejected').map((c) => c.claimed - c.received),
        ),
      }
      const years = await db
        .selectFrom('budget_lines')
        .select(sql<string>`distinct financial_year`.as('fy'))
        .where('organisation_id', '=', scope.organisationId)
        .where('project_id', 'in', ids.length ? ids : [0])
        .execute()
      return {
        programme,
        financialYear: win.label,
        years: [...new Set([...years.map((y) => y.fy), win.label])].sort(),
        costTypes: COST_TYPES.map((c) => ({ value: c.value, text: costTypeLabel(c.value) })),
        projects: rows,
        totals,
        partners,
        fundingStreams,
        claims: claimRows,
        claimsTotals,
      }
    },
  }
}

export type ProgrammeFinanceSummary = NonNullable<
  Awaited<ReturnType<ReturnType<typeof createFinanceSummary>['programmeSummary']>>
>
