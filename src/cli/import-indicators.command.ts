import { wholeOrganisation } from '../auth/visibility.ts'
import { createIndicatorImportService } from '../modules/outcomes/indicators/index.ts'
import { optional, required, UsageError, type Command } from './cli-support.ts'
import {
  cliActor,
  organisationBySlug,
  printProblems,
  progressReporter,
  storeImportFile,
} from './import-support.ts'

const SHOWN_PROBLEMS = 50

export const importIndicators: Command = {
  name: 'import indicators',
  summary: 'Import indicator values (CSV or XLSX); checks, and with --commit adds the good rows.',
  usage: 'import indicators FILE --org SLUG [--source-organisation NAME] [--commit]',
  positional: 'file',
  description:
    'Reads the file once to check it and prints what it found: rows read, good and with problems (each\n' +
    'with its line number and reason). Columns are recognised by their headings (Indicator, Period, Value,\n' +
    'Note, Organisation). A published benchmarking file has rows for several organisations: name yours with\n' +
    '--source-organisation. With --commit the good rows are then added in one transaction (a value already\n' +
    'recorded for the same period is kept). Exit code 0 when the file was checked (and added with\n' +
    '--commit), 1 when nothing can be imported.',
  options: {
    org: { type: 'string', description: 'Organisation slug' },
    'source-organisation': {
      type: 'string',
      description: 'Whose rows are yours, in a file with an organisation column',
    },
    commit: { type: 'boolean', description: 'Add the good rows after checking' },
  },
  async run(ctx, values) {
    const file = values.file
    if (typeof file !== 'string' || file === '') throw new UsageError('Give the file to import')
    const slug = required(values, 'org')
    const organisation = optional(values, 'source-organisation') ?? ''
    const { db } = await ctx.database({ create: false, migrate: true })
    const org = await organisationBySlug(db, slug)
    const actor = cliActor(org)
    const isTty = Boolean(process.stderr.isTTY)
    const show = progressReporter((s) => process.stderr.write(s), isTty)
    const imports = createIndicatorImportService(db, {
      uploadLimitMb: ctx.config.uploadLimitMb,
      leaseSeconds: ctx.config.importLeaseSeconds,
      onProgress: (_id, phase, percent) => show(phase === 'validating' ? 'Checking' : 'Adding', percent),
    })
    const stored = await storeImportFile(imports, org.id, file)
    let imp = await imports.begin(actor, stored, { indicatorId: null, organisation, columns: {} })
    ctx.err(`Import ${imp.id}: ${stored.fileName}`)
    imp = await imports.check(org.id, imp.id)
    if (isTty) process.stderr.write('\n')
    const problems = await imports.problems(wholeOrganisation(org.id), imp.id, 0, SHOWN_PROBLEMS)
    const more = `see the import in Oversight, or GET /api/v1/indicator-imports/${imp.id}`
    if (imp.status === 'failed') {
      ctx.err(imp.failure_reason)
      printProblems((l) => ctx.err(l), problems, { total: imp.rows_bad, shown: SHOWN_PROBLEMS, more })
      return 1
    }
    ctx.out(
      `Rows read ${imp.rows_read}, good ${imp.rows_good}, with problems ${imp.rows_bad}` +
        (imp.organisation_name
          ? `, other organisations' rows left out ${imp.rows_other} (yours: ${imp.organisation_name})`
          : ''),
    )
    if (imp.rows_bad > 0) {
      ctx.out('Rows with problems:')
      printProblems((l) => ctx.out(l), problems, { total: imp.rows_bad, shown: SHOWN_PROBLEMS, more })
    }
    if (values.commit !== true) {
      ctx.err(
        `Checked only: nothing was added. Run again with --commit to add the ${imp.rows_good} good rows.`,
      )
      return 0
    }
    imp = await imports.commit(actor, imp.id, true)
    if (isTty) process.stderr.write('\n')
    ctx.out(`Added ${imp.rows_added} values (import ${imp.id}).`)
    return 0
  },
}
