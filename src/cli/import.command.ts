import { wholeOrganisation } from '../auth/visibility.ts'
import { formatMoney } from '../domain/money.ts'
import { mappingOf } from '../imports/column-mappings.ts'
import { createLedgerImportService, parseSummary } from '../modules/ledger/ledger-import.service.ts'
import { CliError, CLI_ACTOR, optional, required, UsageError, type Command } from './cli-support.ts'
import { organisationBySlug, printProblems, progressReporter, storeImportFile } from './import-support.ts'

export const importLedger: Command = {
  name: 'import ledger',
  summary: 'Import a ledger file (CSV or XLSX) of payments; validates, and with --commit adds them.',
  usage: 'import ledger FILE --org SLUG [--mapping NAME] [--commit]',
  positional: 'file',
  description:
    'Reads the file once to validate it and prints what would happen: rows read, good, bad (with line\n' +
    'numbers and reasons), duplicates already in the ledger, changed rows and totals by month. With\n' +
    '--commit it then adds the new rows in one transaction: all of them or, if anything fails, none.\n' +
    'LGA spend schema files are recognised; other layouts need a mapping saved in Oversight (--mapping).\n' +
    'Exit code 0 when the file validated (and was added with --commit), 1 when it could not be imported.',
  options: {
    org: { type: 'string', description: 'Organisation slug' },
    mapping: {
      type: 'string',
      description: 'Name of a saved column mapping (default: recognise the layout)',
    },
    commit: { type: 'boolean', description: 'Add the rows to the ledger after validating' },
  },
  async run(ctx, values) {
    const file = values.file
    if (typeof file !== 'string' || file === '') throw new UsageError('Give the file to import')
    const slug = required(values, 'org').toLowerCase()
    const mappingName = optional(values, 'mapping')
    const database = await ctx.database({ create: false, migrate: true })
    const { db } = database
    const org = await organisationBySlug(db, slug)
    let mappingId: number | null = null
    if (mappingName !== null) {
      const m = await mappingOf(db, org.id, 'ledger', { name: mappingName })
      if (!m) throw new CliError(`There is no saved mapping called "${mappingName}" in ${slug}`)
      mappingId = m.id
    }

    const isTty = Boolean(process.stderr.isTTY)
    const show = progressReporter((s) => process.stderr.write(s), isTty)
    const imports = createLedgerImportService(db, {
      uploadLimitMb: ctx.config.uploadLimitMb,
      leaseSeconds: ctx.config.importLeaseSeconds,
      sqlite: database.sqlite,
      onProgress: (_id, phase, percent) =>
        show(phase === 'validating' ? 'Validating' : 'Adding to the ledger', percent),
    })
    const by = { organisationId: org.id, userId: CLI_ACTOR.userId, label: CLI_ACTOR.label }
    const stored = await storeImportFile(imports, org.id, file)
    let imp = await imports.begin(by, stored, mappingId)
    ctx.err(`Import ${imp.id}: ${stored.fileName}`)
    imp = await imports.validate(org.id, imp.id)
    if (isTty) process.stderr.write('\n')
    const summary = parseSummary(imp)
    if (imp.status === 'failed') {
      ctx.err(imp.failure_reason)
      const problems = await imports.problems(wholeOrganisation(org.id), imp.id, 0, 20)
      for (const p of problems) ctx.err(`  line ${p.line_number}: ${p.reason}`)
      return 1
    }
    ctx.out(`Layout: ${summary.layout ?? ''} (headings on line ${summary.headingLine ?? '?'})`)
    ctx.out(
      `Rows read ${imp.rows_read}, good ${imp.rows_good}, bad ${imp.rows_bad}, already in the ledger ${imp.rows_duplicate}, changed ${imp.rows_changed}, no project (suspense) ${imp.rows_unmatched}`,
    )
    for (const p of summary.byPeriod ?? [])
      ctx.out(`  ${p.period}: ${p.count} new rows, ${formatMoney(p.pence)}`)
    if (imp.rows_bad > 0) {
      const problems = await imports.problems(wholeOrganisation(org.id), imp.id, 0, 50)
      ctx.out('Rows that cannot be read:')
      printProblems((l) => ctx.out(l), problems, {
        total: imp.rows_bad,
        shown: 50,
        more: 'see the import in Oversight',
      })
    }
    if (values.commit !== true) {
      ctx.err(
        `Validated only: nothing was added. Run again with --commit to add the ${imp.rows_good - imp.rows_duplicate - imp.rows_changed} new rows.`,
      )
      return 0
    }
    imp = await imports.commit(by, imp.id)
    if (isTty) process.stderr.write('\n')
    ctx.out(`Added ${imp.rows_added} rows to the ledger (import ${imp.id}).`)
    return 0
  },
}
