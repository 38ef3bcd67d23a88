import type { HistoryTarget } from '../audit/history.routes.ts'
import type { LedgerImportService } from './ledger-import.service.ts'

/** Ledger imports have a history page, named by the file imported. */
export function ledgerImportsHistory(s: {
  ledgerImports: LedgerImportService
}): Record<string, HistoryTarget> {
  return {
    ledger_import: {
      label: 'Ledger import',
      find: async (scope, id) => {
        const i = await s.ledgerImports.get(scope, id)
        return i && { title: `Import of ${i.file_name}`, url: `/finance/imports/${i.id}` }
      },
    },
  }
}
