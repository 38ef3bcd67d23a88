import type { Config } from './config.ts'
import type { Database } from './db/database.ts'
import { createPortfolioImports } from './modules/portfolio-import/index.ts'
import { createAuthService } from './modules/auth/auth.service.ts'
import { createAccountSessionsService } from './modules/auth/account-sessions.service.ts'
import { createSecondFactorService } from './modules/auth/second-factor.service.ts'
import { createTokensService } from './modules/tokens/tokens.service.ts'
import { createProgrammesService } from './modules/programmes/programmes.service.ts'
import { createProjectsService } from './modules/projects/projects.service.ts'
import { createMilestonesService } from './modules/milestones/milestones.service.ts'
import { createStatusReportsService } from './modules/status-reports/status-reports.service.ts'
import { createOrganisationService } from './modules/organisation/organisation.service.ts'
import { createInvitationsService } from './modules/organisation/invitations.service.ts'
import { createWorkingCalendarService } from './modules/organisation/working-calendar.service.ts'
import { createBrandService } from './modules/organisation/brand/brand.service.ts'
import { createPortfolioService } from './modules/portfolio/portfolio.service.ts'
import type { HistoryTarget } from './modules/audit/history.routes.ts'
import type { ProjectChangeListener } from './modules/projects/projects.service.ts'
import { createMailer } from './mail/mailer.ts'
import { createNotificationsService } from './modules/notifications/notifications.service.ts'
import { createTolerancesService } from './modules/tolerances/tolerances.service.ts'
import { exceptionDecisionRecorder } from './modules/tolerances/exception-decisions.ts'
import { createGovernanceService } from './modules/governance/governance.service.ts'
import { GOVERNANCE_HEALTH_RULES } from './modules/governance/health.rules.ts'
import { FINANCE_HEALTH_RULES } from './modules/finance/summary/index.ts'
import { scrutinyHealthRules } from './modules/scrutiny/scrutiny.health-rules.ts'
import { createDecisionsService } from './modules/decisions/decisions.service.ts'
import { createBoardsService } from './modules/decisions/boards.service.ts'
import { createGatesService } from './modules/gates/gates.service.ts'
import { createLifecycleService } from './modules/gates/lifecycle.service.ts'
import { createRaidService } from './modules/raid/raid.service.ts'
import { createRaidLogService } from './modules/raid/raid-log.service.ts'
import { createScrutinyService } from './modules/scrutiny/scrutiny.service.ts'
import { createAttendanceService } from './modules/scrutiny/attendance.service.ts'
import { createCalendarService } from './modules/calendar/calendar.service.ts'
import { createReportsService } from './modules/reports/reports.service.ts'
import { createDefinitionsService } from './modules/definitions/definitions.service.ts'
import { createLedgerService } from './modules/ledger/ledger.service.ts'
import { createLedgerImportService } from './modules/ledger/ledger-import.service.ts'
import { createFinanceService } from './modules/finance/finance.service.ts'
import { programmesHistory } from './modules/programmes/programmes.history.ts'
import { projectsHistory } from './modules/projects/projects.history.ts'
import { milestonesHistory } from './modules/milestones/milestones.history.ts'
import { exceptionsHistory } from './modules/tolerances/exceptions.history.ts'
import { statusReportsHistory } from './modules/status-reports/status-reports.history.ts'
import { scrutinyHistory } from './modules/scrutiny/scrutiny.history.ts'
import { definitionsHistory } from './modules/definitions/definitions.history.ts'
import { reportsHistory } from './modules/reports/reports.history.ts'
import { areaActionsHistory } from './modules/reports/area-actions.history.ts'
import { createAreaActionsService } from './modules/reports/area-actions.service.ts'
import { ledgerImportsHistory } from './modules/ledger/ledger-imports.history.ts'
import { raidHistory } from './modules/raid/raid.history.ts'
import { decisionsHistory } from './modules/decisions/decisions.history.ts'
import { gatesHistory } from './modules/gates/gates.history.ts'
import { budgetsHistory } from './modules/finance/budgets/index.ts'
import { commitmentsHistory } from './modules/finance/commitments/index.ts'
import { fundingClaimsHistory } from './modules/finance/funding-claims/index.ts'
import { partnersRechargesHistory } from './modules/finance/partners-recharges/index.ts'
import { createPrivacyService } from './modules/privacy/privacy.service.ts'
import { createResourcingService } from './modules/resourcing/resourcing.service.ts'
import { createSeparationService } from './modules/partnerships/index.ts'
import { resourcingHistoryTargets } from './modules/resourcing/resourcing.history.ts'
import * as responsibilitiesArea from './modules/responsibilities/index.ts'
import { createSearchService } from './modules/search/index.ts'
import * as benefitsArea from './modules/outcomes/benefits/index.ts'
import * as ambitionsArea from './modules/outcomes/ambitions/index.ts'
import * as outputsArea from './modules/outcomes/outputs/index.ts'
import { createPublicArea, publicSiteOn } from './modules/public/index.ts'
import * as forwardPlanArea from './modules/forward-plan/index.ts'
import * as alertsArea from './modules/alerts/index.ts'
import * as subscriptionsArea from './modules/subscriptions/index.ts'
import {
  CAPACITY_HEALTH_RULES,
  capacityHistory,
  createEarlyWarningService,
} from './modules/resourcing/capacity/index.ts'
import * as indicatorsArea from './modules/outcomes/indicators/index.ts'
import * as attachmentsArea from './modules/attachments/index.ts'
import * as ssoArea from './modules/sso/index.ts'

/** The composition root for domain services: each area is built here, in dependency order. */
export function createServices(database: Database, config: Config) {
  const db = database.db
  // OpenID Connect settings first: the auth service asks them whether password sign-in is allowed.
  const ssoSettings = ssoArea.createSsoSettings(db, config)
  const auth = createAuthService(db, {
    passwordSignInAllowed: (userId) => ssoSettings.passwordSignInAllowed(userId),
    switchRefusal: (userId, through, organisationId) =>
      ssoSettings.switchRefusal(userId, through, organisationId),
  })
  const accountSessions = createAccountSessionsService(db)
  const secondFactor = createSecondFactorService(db, { secretKey: config.secretKey })
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
    changeCache: config.changeCache,
    programmes,
    projects,
    milestones,
    healthHeadline: (scope) => governance.headline(scope),
  })
  const scrutiny = createScrutinyService(db, workingCalendar)
  const calendar = createCalendarService(db, config.baseUrl)
  const ambitions = ambitionsArea.createAmbitionsService(db, { programmes })
  const definitions = createDefinitionsService(db, {
    programmes,
    projects,
    milestones,
    organisation,
    ambitions,
  })
  const finance = createFinanceService(db)
  const forwardPlan = forwardPlanArea.createForwardPlanService(db, { workingCalendar })
  const meetingAccess = forwardPlanArea.createMeetingAccessService(db, { workingCalendar })
  const resourcing = createResourcingService(db)
  const partnerships = createSeparationService(db, decisions)
  const responsibilities = responsibilitiesArea.createResponsibilitiesService(db, {
    resourcing,
    raid,
    finance,
  })
  const outputs = outputsArea.createOutputsService(db, { projects, milestones })
  const benefits = benefitsArea.createBenefitsService(db)
  const indicators = indicatorsArea.createIndicatorsService(db)
  const indicatorImports = indicatorsArea.createIndicatorImportService(db, {
    uploadLimitMb: config.uploadLimitMb,
    leaseSeconds: config.importLeaseSeconds,
  })
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
    indicators,
  })
  // Areas for consideration in a panel report, taken forward as tracked actions (issue 12).
  const areaActions = createAreaActionsService(db, { organisation })
  // Finance and scrutiny add their rules to the health check alongside governance's own.
  const governance = createGovernanceService(db, [
    ...GOVERNANCE_HEALTH_RULES,
    ...FINANCE_HEALTH_RULES,
    ...CAPACITY_HEALTH_RULES,
    ...scrutinyHealthRules(scrutiny),
    ...responsibilitiesArea.responsibilityHealthRules(responsibilities),
    ...indicatorsArea.indicatorHealthRules(indicators),
    ...forwardPlanArea.forwardPlanHealthRules({ workingCalendar }),
    ...alertsArea.alertHealthRules({ holidaysOf: (id) => workingCalendar.holidaysOf(db, id) }),
  ])
  const alerts = alertsArea.createAlertsService(db, { governance, notifications, mailer })
  const publicSubscriptions = subscriptionsArea.createPublicSubscriptionsService(db, {
    mailer,
    baseUrl: config.baseUrl,
    publicPath: config.publicBasePath,
    secret: config.sessionSecret,
    onPublicSite: (q, slug, type, id) => publicSiteOn(q).shows(slug, type, id),
  })
  const follows = subscriptionsArea.createFollowsService(db, {
    publicSubscribers: publicSubscriptions,
    canSee: async (scope, type, id) =>
      (type === 'programme'
        ? await programmes.get(scope, id)
        : type === 'committee'
          ? await scrutiny.getCommittee(scope, id)
          : await scrutiny.recommendations.get(scope, id)) !== undefined,
    notifications,
    mailer,
  })
  // The resourcing early warning acts on the capacity rule's findings, as the organisation configured it.
  const earlyWarnings = createEarlyWarningService(db, {
    findingsOf: (organisationId, ruleId, now) => governance.findingsOf(organisationId, ruleId, now),
    notifications,
    mailer,
  })
  const accessAlerts = forwardPlanArea.createAccessAlertsService(db, {
    findingsOf: (organisationId, ruleId, now) => governance.findingsOf(organisationId, ruleId, now),
    notifications,
    mailer,
  })
  // Records with a history page; each area says how to find its own, within the reader's scope.
  const areas = {
    programmes,
    projects,
    milestones,
    tolerances,
    statusReports,
    scrutiny,
    definitions,
    reports,
    finance,
    ledgerImports,
    raid,
    raidLog,
    decisions,
    boards,
    gates,
  }
  // Documents (issue 13) are seen exactly when their parent record is: the parent area's history target finds
  // it within the reader's scope, so there is no second copy of each area's visibility rule.
  const attachments = attachmentsArea.createAttachmentsService(db, {
    limitMb: config.documentLimitMb,
    findParent: (scope, kind, id) => historyTargets[kind]?.find(scope, id) ?? Promise.resolve(undefined),
  })
  const historyTargets: Record<string, HistoryTarget> = {
    ...ledgerImportsHistory(areas),
    ...programmesHistory(areas),
    ...projectsHistory(areas),
    ...milestonesHistory(areas),
    ...exceptionsHistory(areas),
    ...statusReportsHistory(areas),
    ...scrutinyHistory(areas),
    ...definitionsHistory(areas),
    ...reportsHistory(areas),
    ...areaActionsHistory({ areaActions }),
    ...budgetsHistory(areas),
    ...fundingClaimsHistory(areas),
    ...partnersRechargesHistory(areas),
    ...commitmentsHistory(areas),
    ...raidHistory(areas),
    ...decisionsHistory(areas),
    ...gatesHistory(areas),
    ...resourcingHistoryTargets(resourcing),
    ...responsibilitiesArea.responsibilitiesHistoryTargets(responsibilities),
    ...benefitsArea.benefitsHistoryTargets(benefits),
    ...capacityHistory(resourcing),
    ...ambitionsArea.ambitionsHistoryTargets(ambitions),
    ...outputsArea.outputsHistoryTargets(outputs),
    ...indicatorsArea.indicatorsHistoryTargets(indicators),
    ...forwardPlanArea.forwardPlanHistoryTargets(forwardPlan),
    ...attachmentsArea.attachmentsHistoryTargets(attachments),
  }
  return {
    brand: createBrandService(db),
    forwardPlan,
    meetingAccess,
    accessAlerts,
    ambitions,
    outputs,
    resourcing,
    partnerships,
    responsibilities,
    search: createSearchService(db),
    benefits,
    indicators,
    indicatorImports,
    portfolioImports: createPortfolioImports(db, config, gates),
    privacy: createPrivacyService(db),
    decisions,
    boards,
    gates,
    lifecycle,
    raid,
    raidLog,
    auth,
    ssoSettings,
    ssoSignIn: ssoArea.createSsoSignIn(db, config, { settings: ssoSettings, auth }),
    accountSessions,
    secondFactor,
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
    earlyWarnings,
    alerts,
    follows,
    publicSubscriptions,
    scrutiny,
    attendance: createAttendanceService(db),
    calendar,
    reports,
    areaActions,
    definitions,
    finance,
    ledger,
    ledgerImports,
    historyTargets,
    attachments,
    publicSite: createPublicArea(db, config.sessionSecret),
  }
}

export type Services = ReturnType<typeof createServices>
