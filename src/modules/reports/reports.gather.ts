import { indicatorReportRows } from '../outcomes/indicators/index.ts'
import type { Kysely } from 'kysely'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import type { DB, PanelReport } from '../../db/schema.ts'
import { financialPeriodOfPeriod } from '../../domain/periods.ts'
import { projectSlippage } from '../../domain/slippage.ts'
import { notFound } from '../../errors.ts'
import { asAtEndOf, asItStood, type AsAt } from '../audit/as-it-stood.ts'
import { milestoneView } from '../milestones/milestones.rules.ts'
import { statusReportView } from '../status-reports/status-reports.rules.ts'
import type { ReportData } from './reports.assembler.ts'
import type { ReportsRepository } from './reports.repository.ts'
import type { ReportsDeps } from './reports.service.ts'
import { beforeItHappened, lastDayOf, milestonePlannedBy } from './reports.rules.ts'

/**
 * Reads everything a report is built from, as it stood at the end of its reporting period: a paper shows
 * the facts of its date, however the data has moved on since. Which records belong is decided by their own
 * dates (a status report's month, a milestone's dates, an exception's raising, a recommendation's making,
 * the ledger's periods); what they said then comes from the audit trail (`asItStood`), one rule for every
 * section.
 */
export async function gatherReport(
  db: Kysely<DB>,
  deps: ReportsDeps,
  repo: ReportsRepository,
  actor: Actor,
  report: PanelReport,
  areas: ReportData['areas'],
): Promise<ReportData> {
  const scope = scopeOf(actor)
  const org = actor.organisationId
  const at: AsAt = asAtEndOf(lastDayOf(report.period_to))
  const asOf = at.date
  const programme = await deps.programmes.get(scope, report.programme_id)
  if (!programme) throw notFound('Programme')
  const then = <R extends { id: number }>(entityType: string, rows: readonly R[]) =>
    asItStood(db, org, entityType, rows, at)

  const projects = (await then('project', await deps.projects.forProgramme(scope, programme.id))).map(
    (now) => {
      // A project that ended after the paper's date had not ended then.
      const p = now.actual_end !== null && now.actual_end > asOf ? { ...now, actual_end: null } : now
      return {
        ...p,
        slippage: projectSlippage({
          baselineStart: p.baseline_start,
          forecastStart: p.forecast_start,
          actualStart: p.actual_start,
          baselineEnd: p.baseline_end,
          forecastEnd: p.forecast_end,
          actualEnd: p.actual_end,
        }),
      }
    },
  )
  const read = await Promise.all(
    projects.map(async (project) => ({
      project,
      latest: (await deps.statusReports.listForProject(scope, project.id, actor.ratingScale)).find(
        (r) => r.period <= report.period_to,
      ),
      planned: (await deps.milestones.listForProject(scope, project.id)).filter((m) =>
        milestonePlannedBy(m, asOf, at.instant),
      ),
    })),
  )
  // One look at the audit trail for all the projects' reports, and one for their milestones.
  const statuses = await then(
    'status_report',
    read.flatMap((r) => (r.latest ? [r.latest] : [])),
  )
  const milestones = (
    await then(
      'milestone',
      read.flatMap((r) => r.planned),
    )
  ).map((m) => beforeItHappened(m, asOf))
  const withDetail = read.map(({ project }) => {
    const status = statuses.find((s) => s.project_id === project.id)
    return {
      project,
      status: status ? statusReportView(status, actor.ratingScale) : null,
      // Slippage and lateness are judged on the paper's date, not today.
      milestones: milestones.filter((m) => m.project_id === project.id).map((m) => milestoneView(m, asOf)),
    }
  })
  const meeting =
    report.meeting_id === null ? null : ((await repo.meetings(org, report.meeting_id))[0] ?? null)
  const financialYear = financialPeriodOfPeriod(report.period_to).year.label
  const exceptions = (
    await then(
      'exception',
      await deps.tolerances.listExceptions(scope, { programmeId: programme.id, limit: 1000 }),
    )
  ).filter(
    (e) =>
      // Raised by the end of the period and still open at its start: the panel hears of each once decided.
      e.raised_at.slice(0, 10) <= asOf &&
      (e.decided_at === null || e.decided_at.slice(0, 7) >= report.period_from),
  )
  const risks = (await then('risk', await deps.raid.listRisks(scope, { programmeId: programme.id }))).filter(
    // A risk has no date of its own: the log's record of it is the date it was raised.
    (r) => r.status === 'open' && r.created_at < at.instant,
  )
  const recommendations = (
    await then('recommendation', await repo.recommendationsFor(org, programme.id, asOf))
  ).map((r) =>
    // A response given after the paper's date had not been given then.
    r.respondedOn !== null && r.respondedOn > asOf
      ? { ...r, response: null, respondedOn: null, status: 'awaiting_response' }
      : r,
  )
  return {
    finance: (await deps.finance.programmeSummary(scope, programme.id, financialYear, asOf, at)) ?? null,
    risks,
    exceptions: exceptions.reverse(),
    title: report.title,
    periodFrom: report.period_from,
    periodTo: report.period_to,
    asOf,
    summary: report.summary,
    resourcesNarrative: report.resources_narrative,
    organisationName: actor.organisationName,
    author: actor.name,
    programme,
    meeting,
    scale: actor.ratingScale,
    projects: withDetail,
    recommendations,
    areas,
    indicators: deps.indicators
      ? indicatorReportRows(await deps.indicators.forProgrammeAsAt(scope, programme.id, at))
      : [],
  }
}
