import { readFileSync } from 'node:fs'
import path from 'node:path'
import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import formbody from '@fastify/formbody'
import fastifyStatic from '@fastify/static'
import swagger from '@fastify/swagger'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import qs from 'node:querystring'
import type { Config } from './config.ts'
import type { Database } from './db/database.ts'
import { errorHandler, notFoundHandler } from './plugins/errors.ts'
import authPlugin from './plugins/auth.ts'
import cleanTextPlugin from './plugins/clean-text.ts'
import { lazySchemaCompilers } from './plugins/lazy-schemas.ts'
import { logSafeUrl } from './plugins/log-safe-url.ts'
import loadShedding from './metrics/load-shedding.plugin.ts'
import metricsPlugin from './metrics/metrics.plugin.ts'
import { metricsRoutes } from './metrics/metrics.routes.ts'
import securityHeaders from './plugins/security-headers.ts'
import viewsPlugin from './plugins/views.ts'
import { projectRoot } from './paths.ts'
import { createServices, type Services } from './services.ts'
import { systemRoutes } from './modules/system/system.routes.ts'
import { authRoutes } from './modules/auth/auth.routes.ts'
import { accountSessionsRoutes } from './modules/auth/account-sessions.routes.ts'
import { secondFactorSignInRoutes } from './modules/auth/second-factor-sign-in.routes.ts'
import { secondFactorRoutes } from './modules/auth/second-factor.routes.ts'
import { secondFactorPolicyRoutes } from './modules/auth/second-factor-policy.routes.ts'
import { memberSessionsRoutes } from './modules/auth/member-sessions.routes.ts'
import { ssoSlice } from './modules/sso/index.ts'
import { tokensRoutes } from './modules/tokens/tokens.routes.ts'
import { programmesRoutes } from './modules/programmes/programmes.routes.ts'
import { programmesApi } from './modules/programmes/programmes.api.ts'
import { projectsRoutes } from './modules/projects/projects.routes.ts'
import { projectsApi } from './modules/projects/projects.api.ts'
import { milestonesRoutes } from './modules/milestones/milestones.routes.ts'
import { milestonesApi } from './modules/milestones/milestones.api.ts'
import { statusReportsRoutes } from './modules/status-reports/status-reports.routes.ts'
import { statusReportsApi } from './modules/status-reports/status-reports.api.ts'
import { historyRoutes } from './modules/audit/history.routes.ts'
import { apiDocsRoutes } from './modules/api-docs/api-docs.routes.ts'
import { organisationRoutes } from './modules/organisation/organisation.routes.ts'
import { brandApi } from './modules/organisation/brand/brand.api.ts'
import { brandRoutes } from './modules/organisation/brand/brand.routes.ts'
import { programmeTimelineApi } from './modules/programmes/programme-timeline.api.ts'
import { programmeTimelineRoutes } from './modules/programmes/programme-timeline.routes.ts'
import { invitationRoutes } from './modules/organisation/invitations.routes.ts'
import { workingCalendarApi } from './modules/organisation/working-calendar.api.ts'
import { workingCalendarRoutes } from './modules/organisation/working-calendar.routes.ts'
import { portfolioRoutes } from './modules/portfolio/portfolio.routes.ts'
import { gatesRoutes } from './modules/gates/gates.routes.ts'
import { gatesApi } from './modules/gates/gates.api.ts'
import { lifecycleRoutes } from './modules/gates/lifecycle.routes.ts'
import { lifecycleApi } from './modules/gates/lifecycle.api.ts'
import { decisionsRoutes } from './modules/decisions/decisions.routes.ts'
import { boardsRoutes } from './modules/decisions/boards.routes.ts'
import { decisionsApi } from './modules/decisions/decisions.api.ts'
import { raidRoutes } from './modules/raid/raid.routes.ts'
import { raidItemsRoutes } from './modules/raid/raid-items.routes.ts'
import { raidApi } from './modules/raid/raid.api.ts'
import { raidIssuesApi } from './modules/raid/raid-issues.api.ts'
import { raidLogApi } from './modules/raid/raid-log.api.ts'
import schedulerPlugin from './scheduler/scheduler.plugin.ts'
import { notificationsApi } from './modules/notifications/notifications.api.ts'
import { notificationsHeader, notificationsRoutes } from './modules/notifications/notifications.routes.ts'
import { tolerancesRoutes } from './modules/tolerances/tolerances.routes.ts'
import { exceptionsRoutes } from './modules/tolerances/exceptions.routes.ts'
import { tolerancesApi } from './modules/tolerances/tolerances.api.ts'
import { governanceRoutes } from './modules/governance/governance.routes.ts'
import { governanceApi } from './modules/governance/governance.api.ts'
import { committeesRoutes } from './modules/scrutiny/committees.routes.ts'
import { meetingsRoutes } from './modules/scrutiny/meetings.routes.ts'
import { recommendationsRoutes } from './modules/scrutiny/recommendations.routes.ts'
import { scrutinyDashboardRoutes } from './modules/scrutiny/dashboard.routes.ts'
import { scrutinyApi } from './modules/scrutiny/scrutiny.api.ts'
import { recommendationActionsApi } from './modules/scrutiny/recommendation-actions.api.ts'
import { minutesApi } from './modules/scrutiny/minutes.api.ts'
import { attendanceApi } from './modules/scrutiny/attendance.api.ts'
import { attendanceRoutes } from './modules/scrutiny/attendance.routes.ts'
import { calendarRoutes } from './modules/calendar/calendar.routes.ts'
import { reportsRoutes } from './modules/reports/reports.routes.ts'
import { reportsApi } from './modules/reports/reports.api.ts'
import { areaActionsRoutes } from './modules/reports/area-actions.routes.ts'
import { reportCompareRoutes } from './modules/reports/report-compare.routes.ts'
import { definitionsRoutes } from './modules/definitions/definitions.routes.ts'
import { definitionsApi } from './modules/definitions/definitions.api.ts'
import { ledgerImportsRoutes } from './modules/ledger/ledger-imports.routes.ts'
import { ledgerRoutes } from './modules/ledger/ledger.routes.ts'
import { ledgerApi } from './modules/ledger/ledger.api.ts'
import { budgetsSlice } from './modules/finance/budgets/index.ts'
import { commitmentsSlice } from './modules/finance/commitments/index.ts'
import { fundingClaimsSlice } from './modules/finance/funding-claims/index.ts'
import { partnersRechargesSlice } from './modules/finance/partners-recharges/index.ts'
import { partnershipsSlice } from './modules/partnerships/index.ts'
import { financeSummarySlice } from './modules/finance/summary/index.ts'
import { peopleApi } from './modules/resourcing/people.api.ts'
import { postsApi } from './modules/resourcing/posts.api.ts'
import { skillsApi } from './modules/resourcing/skills.api.ts'
import { resourcingRoutes } from './modules/resourcing/resourcing.routes.ts'
import { responsibilitiesSlice } from './modules/responsibilities/index.ts'
import { attachmentsSlice } from './modules/attachments/index.ts'
import { searchSlice } from './modules/search/index.ts'
import { benefitsSlice } from './modules/outcomes/benefits/index.ts'
import { indicatorsSlice } from './modules/outcomes/indicators/index.ts'
import { portfolioImportSlice } from './modules/portfolio-import/index.ts'
import { privacyRoutes } from './modules/privacy/privacy.routes.ts'
import { capacitySlice } from './modules/resourcing/capacity/index.ts'
import { ambitionsSlice } from './modules/outcomes/ambitions/index.ts'
import { outputsSlice } from './modules/outcomes/outputs/index.ts'
import { publicSlice } from './modules/public/index.ts'
import { forwardPlanSlice } from './modules/forward-plan/index.ts'
import { alertsRoutes } from './modules/alerts/index.ts'
import { followButton, followsRoutes, publicSubscriptionsRoutes } from './modules/subscriptions/index.ts'

export interface AppDeps {
  config: Config
  database: Database
  services?: Services
  /** Where warnings go when the configured log level is silent: the tests read them (test/helpers/build-app.ts). */
  logStream?: { write(line: string): void }
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    services: Services
    database: Database
    /** Route schemas compiled on each route's first use (see plugins/lazy-schemas.ts). */
    schemas: ReturnType<typeof lazySchemaCompilers>
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database } = deps
  const services = deps.services ?? createServices(database, config)
  const root = projectRoot()

  const schemas = lazySchemaCompilers()
  const app = Fastify({
    schemaController: { compilersFactory: schemas.compilersFactory },
    logger:
      config.logLevel === 'silent'
        ? deps.logStream
          ? { level: 'warn', stream: deps.logStream }
          : false
        : {
            level: config.logLevel,
            ...(deps.logStream ? { stream: deps.logStream } : {}),
            // Never log credentials or personal data: cookies, tokens and form bodies stay out of the logs,
            // and so does the secret part of an address that is itself a credential (logSafeUrl).
            redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
            serializers: {
              req: (req: FastifyRequest) => ({
                method: req.method,
                url: logSafeUrl(req.url),
                host: req.host,
                remoteAddress: req.ip,
                remotePort: req.socket?.remotePort,
              }),
            },
          },
    // Only the listed proxies' X-Forwarded-For is believed (request.ip is what sign-in throttling counts).
    trustProxy: config.trustProxy.length > 0 ? [...config.trustProxy] : false,
    connectionTimeout: 30_000,
    keepAliveTimeout: 5_000,
    requestTimeout: 60_000,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.decorate('schemas', schemas)
  app.decorate('config', config)
  app.decorate('services', services)
  app.decorate('database', database)

  // 1. Cross-cutting plugins, in the order requests meet them. Every answer is counted for /metrics; a
  // request shed under load (503) is refused with the hardening headers and before anything else runs.
  await app.register(metricsPlugin)
  await app.register(securityHeaders, { secure: config.secureCookies })
  await app.register(loadShedding)
  await app.register(cookie, { secret: config.sessionSecret })
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'oversight_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies, signed: true },
  })
  await app.register(formbody, { parser: (body) => qs.parse(body) })
  await app.register(cleanTextPlugin)
  await app.register(fastifyStatic, { root: path.join(root, 'public'), serve: false })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Oversight API',
        version: readVersion(root),
        description:
          'Programme governance and scrutiny. Authenticate with `Authorization: Bearer <token>`; create a token under "API tokens" or with `oversight token create`. Lists answer `{"items": [...], "next": <cursor or null>}`; pass `cursor` to fetch the next page. Every record carries `id` and `version`; send `version` with an update, and a stale one answers 409.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
    transform: ({ schema, url }) => {
      const s = (schema ?? {}) as Record<string, unknown>
      return url.startsWith('/api/v1') ? { schema: s, url } : { schema: { ...s, hide: true }, url }
    },
  })
  await app.register(viewsPlugin)
  await app.register(authPlugin, { auth: services.auth, secureCookies: config.secureCookies })

  await app.register(notificationsHeader)
  await app.register(followButton)
  await app.register(schedulerPlugin)

  app.setErrorHandler(errorHandler)
  app.setNotFoundHandler(notFoundHandler)

  // 2. Modules, each a vertical slice.
  await app.register(systemRoutes)
  await app.register(metricsRoutes)
  await app.register(authRoutes)
  await app.register(ssoSlice)
  await app.register(accountSessionsRoutes)
  await app.register(secondFactorSignInRoutes)
  await app.register(secondFactorRoutes)
  await app.register(secondFactorPolicyRoutes)
  await app.register(memberSessionsRoutes)
  await app.register(portfolioRoutes)
  await app.register(tokensRoutes)
  await app.register(programmesRoutes)
  await app.register(programmesApi)
  await app.register(programmeTimelineRoutes)
  await app.register(programmeTimelineApi)
  await app.register(projectsRoutes)
  await app.register(projectsApi)
  await app.register(milestonesRoutes)
  await app.register(milestonesApi)
  await app.register(statusReportsRoutes)
  await app.register(statusReportsApi)
  await app.register(scrutinyDashboardRoutes)
  await app.register(committeesRoutes)
  await app.register(meetingsRoutes)
  await app.register(recommendationsRoutes)
  await app.register(scrutinyApi)
  await app.register(recommendationActionsApi)
  await app.register(minutesApi)
  await app.register(attendanceApi)
  await app.register(attendanceRoutes)
  await app.register(calendarRoutes)
  // Finance, one slice per domain: each registers its own pages and API.
  await app.register(financeSummarySlice)
  await app.register(budgetsSlice)
  await app.register(commitmentsSlice)
  await app.register(fundingClaimsSlice)
  await app.register(partnersRechargesSlice)
  await app.register(partnershipsSlice)
  await app.register(ledgerImportsRoutes)
  await app.register(ledgerRoutes)
  await app.register(ledgerApi)
  await app.register(historyRoutes)
  await app.register(organisationRoutes)
  await app.register(brandRoutes)
  await app.register(brandApi)
  await app.register(invitationRoutes)
  await app.register(workingCalendarRoutes)
  await app.register(workingCalendarApi)
  await app.register(tolerancesRoutes)
  await app.register(exceptionsRoutes)
  await app.register(tolerancesApi)
  await app.register(notificationsRoutes)
  await app.register(notificationsApi)
  await app.register(governanceRoutes)
  await app.register(governanceApi)
  await app.register(gatesRoutes)
  await app.register(gatesApi)
  await app.register(lifecycleRoutes)
  await app.register(lifecycleApi)
  await app.register(decisionsRoutes)
  await app.register(boardsRoutes)
  await app.register(decisionsApi)
  await app.register(raidRoutes)
  await app.register(raidItemsRoutes)
  await app.register(raidApi)
  await app.register(raidIssuesApi)
  await app.register(raidLogApi)
  await app.register(reportsRoutes)
  await app.register(reportsApi)
  await app.register(areaActionsRoutes)
  await app.register(reportCompareRoutes)
  await app.register(definitionsRoutes)
  await app.register(definitionsApi)
  await app.register(resourcingRoutes)
  await app.register(privacyRoutes)
  await app.register(peopleApi)
  await app.register(postsApi)
  await app.register(skillsApi)
  await app.register(responsibilitiesSlice)
  await app.register(searchSlice)
  await app.register(benefitsSlice)
  await app.register(capacitySlice)
  await app.register(ambitionsSlice)
  await app.register(outputsSlice)
  await app.register(indicatorsSlice)
  await app.register(attachmentsSlice)
  await app.register(portfolioImportSlice)
  await app.register(publicSlice)
  await app.register(forwardPlanSlice)
  await app.register(alertsRoutes)
  await app.register(followsRoutes)
  await app.register(publicSubscriptionsRoutes)
  await app.register(apiDocsRoutes)

  return app
}

function readVersion(root: string): string {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }
  return pkg.version
}
