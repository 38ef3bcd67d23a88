import type { Config } from './config.ts'
import type { Database } from './db/database.ts'
import { createAuthService } from './modules/auth/auth.service.ts'
import { createTokensService } from './modules/tokens/tokens.service.ts'
import { createProgrammesService } from './modules/programmes/programmes.service.ts'
import { createProjectsService } from './modules/projects/projects.service.ts'
import { createMilestonesService } from './modules/milestones/milestones.service.ts'
import { createStatusReportsService } from './modules/status-reports/status-reports.service.ts'
import { formatPeriod } from './domain/periods.ts'
import { createOrganisationService } from './modules/organisation/organisation.service.ts'
import { createPortfolioService } from './modules/portfolio/portfolio.service.ts'
import type { HistoryTarget } from './modules/audit/history.routes.ts'
import { createLedgerService } from './modules/ledger/ledger.service.ts'
import { createLedgerImportService } from './modules/ledger/ledger-import.service.ts'
import { createFinanceService } from './modules/finance/finance.service.ts'

/** The composition root for domain services: each area is built here, in dependency order. */
export function createServices(database: Database, config: Config) {
  const db = database.db
  const auth = createAuthService(db)
  const tokens = createTokensService(db)
  const programmes = createProgrammesService(db)
  const projects = createProjectsService(db, programmes)
  const milestones = createMilestonesService(db, projects)
  const statusReports = createStatusReportsService(db, projects)
  const organisation = createOrganisationService(db)
  const portfolio = createPortfolioService({ db, programmes, projects, milestones })
  const finance = createFinanceService(db)
  const ledger = createLedgerService(db)
  const ledgerImports = createLedgerImportService(db, {
    uploadLimitMb: config.uploadLimitMb,
    sqlite: database.sqlite,
  })
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
    status_report: {
      label: 'Status report',
      find: async (scope, id) => {
        const r = await statusReports.get(scope, id)
        return r && { title: `Status report for ${formatPeriod(r.period)}`, url: `/status-reports/${r.id}` }
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
  }
  return {
    auth,
    tokens,
    organisation,
    programmes,
    projects,
    milestones,
    statusReports,
    portfolio,
    finance,
    ledger,
    ledgerImports,
    historyTargets,
  }
}

export type Services = ReturnType<typeof createServices>
