import path from 'node:path'
import { wholeOrganisation } from '../auth/visibility.ts'
import { createDecisionsService } from '../modules/decisions/decisions.service.ts'
import { createGatesService } from '../modules/gates/gates.service.ts'
import { RECORD_TYPES } from '../modules/portfolio-import/portfolio-import.apply.ts'
import {
  createPortfolioImportService,
  summaryOf,
} from '../modules/portfolio-import/portfolio-import.service.ts'
import { required, UsageError, type Command } from './cli-support.ts'
import { cliActor, organisationBySlug, storeImportFile } from './import-support.ts'

const SHOWN_PROBLEMS = 50

export const importPortfolio: Command = {
  name: 'import portfolio',
  summary:
    'Import the existing portfolio (programmes, projects, milestones, ratings) from CSV or XLSX; validates, and with --commit imports it.',
  usage: 'import portfolio FILE --org SLUG [--commit]',
  positional: 'file',
  description:
    'Reads the file once to check it and prints what would happen: rows read, good and rejected (with line\n' +
    'numbers and reasons), and per type of record how many would be created, updated or left unchanged.\n' +
    'GMPP annual data is recognised as published; other layouts by their headings. With --commit it then\n' +
    'imports the good rows in one transaction: all of them or, if anything fails, none. Importing the same\n' +
    'file again updates by project code and milestone reference, and changes nothing that is unchanged.\n' +
    'Exit code 0 when the file was checked (and imported with --commit), 1 when it could not be imported.',
  options: {
    org: { type: 'string', description: 'Organisation slug' },
    commit: { type: 'boolean', description: 'Import the good rows after checking' },
  },
  async run(ctx, values) {
    const file = values.file
    if (typeof file !== 'string' || file === '') throw new UsageError('Give the file to import')
    const slug = required(values, 'org')
    const database = await ctx.database({ create: false, migrate: true })
    const { db } = database
    const org = await organisationBySlug(db, slug)
    const actor = cliActor(org)
    const imports = createPortfolioImportService(db, {
      uploadLimitMb: ctx.config.uploadLimitMb,
      leaseSeconds: ctx.config.importLeaseSeconds,
      gates: createGatesService(db, createDecisionsService(db)),
    })
    // Into the file store like an upload: one path for every import, and the import page can show it.
    const stored = await storeImportFile(imports, org.id, file)
    let imp = await imports.begin(actor, stored, { columns: {} })
    ctx.err(`Import ${imp.id}: ${path.basename(file)}`)
    const problems = await imports.problems(wholeOrganisation(org.id), imp.id, 0, SHOWN_PROBLEMS)
    if (imp.status === 'failed') {
      ctx.err(imp.failure_reason)
      for (const p of problems) ctx.err(`  line ${p.line_number}: ${p.reason}`)
      return 1
    }
    ctx.out(`Rows read ${imp.rows_read}, good ${imp.rows_good}, rejected ${imp.rows_bad}`)
    const show = (label: string) => {
      const s = summaryOf(imp)
      if (!s) return
      ctx.out(label)
      for (const t of RECORD_TYPES)
        ctx.out(`  ${t}: ${s[t].created} created, ${s[t].updated} updated, ${s[t].unchanged} unchanged`)
    }
    if (imp.rows_bad > 0) {
      ctx.out('Rows rejected:')
      for (const p of problems.filter((x) => x.kind === 'bad'))
        ctx.out(`  line ${p.line_number}: ${p.reason}`)
      if (imp.rows_bad > SHOWN_PROBLEMS)
        ctx.out(
          `  … and perhaps more (see the import in Oversight, or GET /api/v1/portfolio-imports/${imp.id})`,
        )
    }
    if (values.commit !== true) {
      show('Would change:')
      ctx.err('Checked only: nothing was imported. Run again with --commit to import the good rows.')
      return 0
    }
    imp = await imports.commit(actor, imp.id, true)
    show('Changed:')
    ctx.out(`Imported ${imp.rows_good} rows (import ${imp.id}).`)
    return 0
  },
}
