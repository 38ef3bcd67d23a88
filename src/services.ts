import type { Config } from './config.ts'
import type { Database } from './db/database.ts'
import { createAuthService } from './modules/auth/auth.service.ts'
import { createTokensService } from './modules/tokens/tokens.service.ts'
import { createProgrammesService } from './modules/programmes/programmes.service.ts'
import { createProjectsService } from './modules/projects/projects.service.ts'
import { createMilestonesService } from './modules/milestones/milestones.service.ts'
import { createStatusReportsService } from './modules/status-reports/status-reports.service.ts'
import { formatPeriod } from './domain/periods.ts'
import { formatDate } from './domain/dates.ts'
import { createOrganisationService } from './modules/organisation/organisation.service.ts'
import { createInvitationsService } from './modules/organisation/invitations.service.ts'
import { createWorkingCalendarService } from './modules/organisation/working-calendar.service.ts'
import { createPortfolioService } from './modules/portfolio/portfolio.service.ts'
import type { HistoryTarget } from './modules/audit/history.routes.ts'
import type { ProjectChangeListener } from './modules/projects/projects.service.ts'
import { createMailer } from './mail/mailer.ts'
import { createNotificationsService } from './modules/notifications/notifications.service.ts'
import { createTolerancesService } from './modules/tolerances/tolerances.service.ts'
import { exceptionDecisionRecorder } from './modules/tolerances/exception-decisions.ts'
import { createGovernanceService } from './modules/governance/governance.service.ts'
import { GOVERNANCE_HEALTH_RULES } from './modules/governance/health.rules.ts'
import { FINANCE_HEALTH_RULES } from './modules/finance/finance.health-rules.ts'
import { scrutinyHealthRules } from './modules/scrutiny/scrutiny.health-rules.ts'
import { createDecisionsService } from './modules/decisions/decisions.service.ts'
import { createBoardsService } from './modules/decisions/boards.service.ts'
import { createGatesService } from './modules/gates/gates.service.ts'
import { createLifecycleService } from './modules/gates/lifecycle.service.ts'
import { createRaidService } from './modules/raid/raid.service.ts'
import { createRaidLogService } from './modules/raid/raid-log.service.ts'
import { createScrutinyService } from './modules/scrutiny/scrutiny.service.ts'
import { createCalendarService } from './modules/calendar/calendar.service.ts'
import { createReportsService } from './modules/reports/reports.service.ts'
import { createDefinitionsService } from './modules/definitions/definitions.service.ts'
import { createLedgerService } from './modules/ledger/ledger.service.ts'
import { createLedgerImportService } from './modules/ledger/ledger-import.service.ts'
import { createFinanceService } from './modules/finance/finance.service.ts'
import { rechargeUrl } from './modules/finance/finance-record-forms.ts'
import { createResourcingService } from './modules/resourcing/resourcing.service.ts'
import { resourcingHistoryTargets } from './modules/resourcing/resourcing.history.ts'

/** The composition root for domain services: each area is built here, in dependency order. */
export function createServices(database: Database, config: Config) {
  const db = database.db
  const auth = createAuthService(db)
  const tokens = createTokensService(db)
  const programmes = createProgrammesService(db)
  // Tolerances listen to project, milestone and risk saves; the listener joins once it is built, below.
  const projectListeners: ProjectChangeListener[] = []
  // Decisions and gates come first: a move into delivery is checked against the project's gate.
  const decisions = createDecisionsService(db)
  const boards = createBoardsService(db)
  const gates = createGatesService(db, decisions)
  const lifecycle = createLifecycleService(db)
  const raid = createRaidService(db, projectListeners)
  const raidLog = createRaidLogService(db)
  const projects = createProjectsService(db, programmes, projectListeners, gates)
  const milestones = createMilestonesService(db, projects, projectListeners)
  const statusReports = createStatusReportsService(db, projects)
  const organisation = createOrganisationService(db)
  const workingCalendar = createWorkingCalendarService(db)
  const portfolio = createPortfolioService({
    db,
    programmes,
    projects,
    milestones,
    healthHeadline: (scope) => governance.headline(scope),
  })
  const scrutiny = createScrutinyService(db, workingCalendar)
  const calendar = createCalendarService(db, config.baseUrl)
  const definitions = createDefinitionsService(db, { programmes, projects, milestones, organisation })
  const finance = createFinanceService(db)
  const resourcing = createResourcingService(db)
  const ledger = createLedgerService(db)
  const ledgerImports = createLedgerImportService(db, {
    uploadLimitMb: config.uploadLimitMb,
    leaseSeconds: config.importLeaseSeconds,
    sqlite: database.sqlite,
  })
  const mailer = createMailer(db, config)
  const notifications = createNotificationsService(db, mailer, config.baseUrl)
  const invitations = createInvitationsService(db, { mailer, baseUrl: config.baseUrl, auth })
  const tolerances = createTolerancesService({
    db,
    notifications,
    mailer,
    workingCalendar,
    decisions: exceptionDecisionRecorder(decisions),
  })
  projectListeners.push(tolerances)
  // Reports read finance and governance for the financial summary, Appendix A and risks and exceptions.
  const reports = createReportsService(db, {
    programmes,
    projects,
    milestones,
    statusReports,
    organisation,
    finance,
    raid,
    tolerances,
  })
  // Finance and scrutiny add their rules to the health check alongside governance's own.
  const governance = createGovernanceService(db, [
    ...GOVERNANCE_HEALTH_RULES,
    ...FINANCE_HEALTH_RULES,
    ...scrutinyHealthRules(scrutiny),
  ])
  // Records with a history page; each area adds its own, found within the reader's scope.
  const historyTargets: Record<string, HistoryTarget> = {
    ledger_import: {
      label: 'Ledger import',
      find: async (scope, id) => {
        const i = await ledgerImports.get(scope, id)
        return i && { title: `Import of ${i.file_name}`, url: `/finance/imports/${i.id}` }
      },
    },
    programme: {
      label: 'Programme',
      find: async (scope, id) => {
        const p = await programmes.get(scope, id)
        return p && { title: p.name, url: `/programmes/${p.id}` }
      },
    },
    project: {
      label: 'Project',
      find: async (scope, id) => {
        const p = await projects.get(scope, id)
        return p && { title: p.name, url: `/projects/${p.id}` }
      },
    },
    milestone: {
      label: 'Milestone',
      find: async (scope, id) => {
        const m = await milestones.get(scope, id)
        return m && { title: m.name, url: `/projects/${m.project_id}#milestones` }
      },
    },
    exception: {
      label: 'Tolerance exception',
      find: async (scope, id) => {
        const e = await tolerances.getException(scope, id)
        return e && { title: `${e.project_reference}: ${e.summary}`, url: `/exceptions/${e.id}` }
      },
    },
    status_report: {
      label: 'Status report',
      find: async (scope, id) => {
        const r = await statusReports.get(scope, id)
        return r && { title: `Status report for ${formatPeriod(r.period)}`, url: `/status-reports/${r.id}` }
      },
    },
    committee: {
      label: 'Committee',
      find: async (scope, id) => {
        const c = await scrutiny.getCommittee(scope, id)
        return c && { title: c.name, url: `/committees/${c.id}` }
      },
    },
    meeting: {
      label: 'Meeting',
      find: async (scope, id) => {
        const m = await scrutiny.getMeeting(scope, id)
        return m && { title: `Meeting on ${formatDate(m.meeting_date)}`, url: `/meetings/${m.id}` }
      },
    },
    agenda_item: {
      label: 'Agenda item',
      find: async (scope, id) => {
        const i = await scrutiny.getItem(scope, id)
        return i && { title: `Item ${i.number}: ${i.title}`, url: `/agenda-items/${i.id}` }
      },
    },
    recommendation: {
      label: 'Recommendation',
      find: async (scope, id) => {
        const r = await scrutiny.recommendations.get(scope, id)
        return r && { title: `Recommendation ${r.reference}`, url: `/recommendations/${r.id}` }
      },
    },
    programme_definition: {
      label: 'Programme definition',
      find: async (scope, id) => {
        const d = await definitions.get(scope, id)
        return d && { title: d.title, url: `/programme-definitions/${d.id}` }
      },
    },
    panel_report: {
      label: 'Panel progress report',
      find: async (scope, id) => {
        const r = await reports.get(scope, id)
        return r && { title: r.title, url: `/reports/${r.id}` }
      },
    },
    budget_line: {
      label: 'Budget line',
      find: async (scope, id) => {
        const l = await finance.budgetLine(scope, id)
        return (
          l && {
            title: `Budget line ${l.financial_year}${l.description ? `: ${l.description}` : ''}`,
            url: `/projects/${l.project_id}/finance?year=${l.financial_year.replace('/', '-')}`,
          }
        )
      },
    },
    claim: {
      label: 'Claim',
      find: async (scope, id) => {
        const c = await finance.claim(scope, id)
        return c && { title: c.title, url: `/claims/${c.id}` }
      },
    },
    funding_stream: {
      label: 'Funding stream',
      find: async (scope, id) => {
        const f = await finance.fundingStream(scope, id)
        return f && { title: f.name, url: '/funding-streams' }
      },
    },
    partner: {
      label: 'Partner',
      find: async (scope, id) => {
        const p = await finance.partner(scope, id)
        return p && { title: p.name, url: '/partners' }
      },
    },
    partner_recharge: {
      label: 'Partner recharge',
      find: async (scope, id) => {
        const r = await finance.recharge(scope, id)
        return (
          r && {
            title: `Recharge for ${formatPeriod(r.period)}: ${r.description}`,
            url: rechargeUrl(r),
          }
        )
      },
    },
    commitment: {
      label: 'Commitment',
      find: async (scope, id) => {
        const c = await finance.commitment(scope, id)
        return (
          c && {
            title: `Order ${c.reference}: ${c.supplier_name}`,
            url: `/projects/${c.project_id}/finance#commitments`,
          }
        )
      },
    },
  }
  historyTargets.risk = {
    label: 'Risk',
    find: async (scope, id) => {
      const r = await raid.getRisk(scope, id)
      return r && { title: r.title, url: `/risks/${r.id}` }
    },
  }
  historyTargets.raid_issue = {
    label: 'Issue',
    find: async (scope, id) => {
      const i = await raid.getIssue(scope, id)
      return i && { title: i.title, url: `/issues/${i.id}` }
    },
  }
  historyTargets.assumption = {
    label: 'Assumption',
    find: async (scope, id) => {
      const a = await raidLog.getAssumption(scope, id)
      return a && { title: a.description, url: `/assumptions/${a.id}` }
    },
  }
  historyTargets.dependency = {
    label: 'Dependency',
    find: async (scope, id) => {
      const d = await raidLog.getDependency(scope, id)
      return d && { title: d.description, url: `/dependencies/${d.id}` }
    },
  }
  historyTargets.decision = {
    label: 'Decision',
    find: async (scope, id) => {
      const d = await decisions.get(scope, id)
      return d && { title: d.title, url: `/decisions/${d.id}` }
    },
  }
  historyTargets.board = {
    label: 'Board',
    find: async (scope, id) => {
      const b = await boards.get(scope, id)
      return b && { title: b.name, url: `/boards/${b.id}` }
    },
  }
  historyTargets.business_case = {
    label: 'Business case',
    find: async (scope, id) => {
      const bc = await gates.businessCaseById(scope, id)
      return (
        bc && { title: `Business case for ${bc.projectName}`, url: `/projects/${bc.projectId}/business-case` }
      )
    },
  }
  Object.assign(historyTargets, resourcingHistoryTargets(resourcing))
  return {
    resourcing,
    decisions,
    boards,
    gates,
    lifecycle,
    raid,
    raidLog,
    auth,
    tokens,
    organisation,
    invitations,
    workingCalendar,
    programmes,
    projects,
    milestones,
    statusReports,
    portfolio,
    mailer,
    notifications,
    tolerances,
    governance,
    scrutiny,
    calendar,
    reports,
    definitions,
    finance,
    ledger,
    ledgerImports,
    historyTargets,
  }
}

export type Services = ReturnType<typeof createServices>
