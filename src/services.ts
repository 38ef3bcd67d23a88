import type { Config } from './config.ts'
import type { Database } from './db/database.ts'
import { createAuthService } from './modules/auth/auth.service.ts'
import { createTokensService } from './modules/tokens/tokens.service.ts'
import { createProgrammesService } from './modules/programmes/programmes.service.ts'
import type { HistoryTarget } from './modules/audit/history.routes.ts'

/** The composition root for domain services: each area is built here, in dependency order. */
export function createServices(database: Database, _config: Config) {
  const db = database.db
  const auth = createAuthService(db)
  const tokens = createTokensService(db)
  const programmes = createProgrammesService(db)
  // Records with a history page; each area adds its own, found within the reader's scope.
  const historyTargets: Record<string, HistoryTarget> = {
    programme: {
      label: 'Programme',
      find: async (scope, id) => {
        const p = await programmes.get(scope, id)
        return p && { title: p.name, url: `/programmes/${p.id}` }
      },
    },
  }
  return { auth, tokens, programmes, historyTargets }
}

export type Services = ReturnType<typeof createServices>
