/**
 * Importing indicator values from CSV or XLSX (issue 11) on the one import pipeline (src/imports/pipeline.ts):
 * upload into the file store; a check that reads the file once in the bounded worker, reports each bad row
 * with its line number and stages the good ones; and a commit that adds the staged values in ONE transaction.
 * A file with bad rows adds nothing unless the person importing chooses to add the good rows.
 */
import { sql, type Kysely } from 'kysely'
import { auditActorOf, scopeOf, type Actor, type Scope } from '../../../auth/actor.ts'
import type { DB } from '../../../db/schema.ts'
import { HttpError, notFound, ValidationError } from '../../../errors.ts'
import { FileRefusedError } from '../../../imports/bounded-parser.ts'
import { SAMPLE_BYTES, sniffSample } from '../../../imports/file-reader.ts'
import { reservation } from '../../../imports/leases.ts'
import { checkRows, createImportPipeline } from '../../../imports/pipeline.ts'
import { recordAudit } from '../../audit/audit.service.ts'
import { indicatorsRepository } from './indicators.repository.ts'
import {
  IndicatorRowReader,
  indicatorKey,
  NotAnIndicatorFileError,
  printable,
  type ColumnNames,
  type ImportIndicator,
  type ReadRow,
} from './indicator-import.rows.ts'

const MAX_PROBLEMS = 10_000
const BATCH = 500

export interface ImportChoice {
  /** The indicator every row is for, when the file has no indicator column. */
  indicatorId: number | null
  /** Whose rows are ours, in a file with an organisation column. */
  organisation: string
  columns: ColumnNames
}

/** What the check found besides the counts, kept with the import (`mapping_json`). */
export interface ImportFindings extends ImportChoice {
  headings?: string[]
  /** The organisations a long file names, with their row counts: to choose from. */
  organisations?: Array<{ name: string; rows: number }>
}

export function findingsOf(imp: { mapping_json: string }): ImportFindings {
  try {
    return JSON.parse(imp.mapping_json) as ImportFindings
  } catch {
    return { indicatorId: null, organisation: '', columns: {} }
  }
}

export function createIndicatorImportService(
  db: Kysely<DB>,
  opts: { uploadLimitMb: number; leaseSeconds?: number },
) {
  const leaseMs = (opts.leaseSeconds ?? 30) * 1000
  const pipeline = createImportPipeline(db, {
    table: 'indicator_imports',
    target: 'the indicators',
    uploadLimitMb: opts.uploadLimitMb,
    leaseMs,
    discardStaged: async (trx, ids) => {
      await trx.deleteFrom('indicator_import_rows').where('import_id', 'in', ids).execute()
    },
  })

  async function get(organisationId: number, id: number) {
    await pipeline.sweepExpired(organisationId, id)
    return db
      .selectFrom('indicator_imports')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst()
  }
  async function mustGet(organisationId: number, id: number) {
    const imp = await get(organisationId, id)
    if (!imp) throw notFound('Import')
    return imp
  }

  /** The organisation's indicators by name (any case) for the rows to name, and the one chosen if any. */
  async function indicatorsOf(organisationId: number, onlyId: number | null) {
    const all = await indicatorsRepository.list(db, {
      organisationId,
      partnerId: null,
      partnerOnly: false,
      key: '',
    })
    const byName = new Map<string, ImportIndicator>(all.map((i) => [indicatorKey(i.name), i]))
    return { byName, only: all.find((i) => i.id === onlyId) ?? null }
  }

  async function check(organisationId: number, importId: number) {
    const imp = await mustGet(organisationId, importId)
    if (imp.status !== 'validating') throw new HttpError(409, 'This import is not waiting to be checked')
    await pipeline.runPass(imp, 'validating', async (held, lease) => {
      const findings = findingsOf(held)
      const { byName, only } = await indicatorsOf(organisationId, findings.indicatorId)
      const reader = new IndicatorRowReader({
        indicators: byName,
        only,
        organisation: findings.organisation,
        names: findings.columns,
      })
      await db.deleteFrom('indicator_import_problems').where('import_id', '=', importId).execute()
      await db.deleteFrom('indicator_import_rows').where('import_id', '=', importId).execute()
      const head = await pipeline.files.head(organisationId, held.stored_file_id, SAMPLE_BYTES)
      const shape = sniffSample(head)
      let problems: Array<{ line: number; kind: string; reason: string; raw: string }> = []
      let stored = 0
      let seq = 0
      let extraBad = 0
      const inFile = new Set<string>()
      const problem = (kind: string, line: number, reason: string, raw: string) => {
        if (stored++ < MAX_PROBLEMS) problems.push({ kind, line, reason, raw })
      }
      const validate = async (rows: ReadRow[]) => {
        const held = await db
          .selectFrom('indicator_values')
          .select(['indicator_id', 'period', 'value'])
          .where('organisation_id', '=', organisationId)
          .where('indicator_id', 'in', [...new Set(rows.map((r) => r.indicatorId))])
          .where('period', 'in', [...new Set(rows.map((r) => r.period))])
          .execute()
        const there = new Map(held.map((h) => [`${h.indicator_id}|${h.period}`, Number(h.value)]))
        const fresh: ReadRow[] = []
        for (const r of rows) {
          const k = `${r.indicatorId}|${r.period}`
          if (inFile.has(k)) {
            extraBad++
            problem('bad', r.line, `This indicator's value for ${r.period} is given twice in the file`, '')
          } else if (there.has(k) && there.get(k) !== r.value) {
            extraBad++
            problem(
              'bad',
              r.line,
              `A different value for ${r.period} is already recorded: correct it on the indicator's page`,
              '',
            )
          } else if (!there.has(k)) fresh.push(r)
          inFile.add(k)
        }
        for (let i = 0; i < fresh.length; i += BATCH)
          await db
            .insertInto('indicator_import_rows')
            .values(
              fresh.slice(i, i + BATCH).map((r) => ({
                organisation_id: organisationId,
                import_id: importId,
                seq: seq++,
                line_number: r.line,
                indicator_id: r.indicatorId,
                period: r.period,
                value: r.value,
                note: r.note,
              })),
            )
            .execute()
      }
      const flushProblems = async () => {
        for (let i = 0; i < problems.length; i += BATCH)
          await db
            .insertInto('indicator_import_problems')
            .values(
              problems.slice(i, i + BATCH).map((p) => ({
                organisation_id: organisationId,
                import_id: importId,
                kind: p.kind,
                line_number: p.line,
                reason: printable(p.reason),
                raw_text: printable(p.raw),
              })),
            )
            .execute()
        problems = []
      }
      const finish = async (status: string, reason: string, counts: Record<string, number>) => {
        await db
          .updateTable('indicator_imports')
          .set({
            status,
            failure_reason: reason,
            ...counts,
            mapping_json: JSON.stringify({
              ...findings,
              headings: reader.headings,
              organisations: [...reader.organisations].map(([name, rows]) => ({ name, rows })).slice(0, 500),
            } satisfies ImportFindings),
            progress_bytes: held.file_size,
            finished_at: new Date().toISOString(),
          })
          .where('id', '=', importId)
          .execute()
      }
      try {
        const counts = await checkRows(pipeline.readRows(held, shape, lease), {
          map: (src) => reader.read(src),
          gaveUp: () => reader.gaveUp,
          finish: () => reader.finish(),
          validate,
          problem,
          flushProblems,
        })
        if (reader.needsOrganisation()) {
          await db.deleteFrom('indicator_import_rows').where('import_id', '=', importId).execute()
          await db.deleteFrom('indicator_import_problems').where('import_id', '=', importId).execute()
          return finish(
            'failed',
            findings.organisation === ''
              ? 'The file has rows for several organisations: choose whose rows are yours'
              : `The file has no rows for "${printable(findings.organisation, 200)}": choose whose rows are yours`,
            { rows_other: reader.otherRows },
          )
        }
        const good = counts.good - extraBad
        const bad = counts.bad + extraBad
        return finish(
          good > 0 ? 'validated' : 'failed',
          good > 0
            ? ''
            : counts.read === 0
              ? 'The file has headings but no rows under them'
              : 'No row can be added; see the reasons below',
          { rows_read: counts.read, rows_good: good, rows_bad: bad, rows_other: reader.otherRows },
        )
      } catch (err) {
        if (!(err instanceof NotAnIndicatorFileError) && !(err instanceof FileRefusedError)) throw err
        await db.deleteFrom('indicator_import_rows').where('import_id', '=', importId).execute()
        return finish('failed', printable(err.message), {})
      }
    })
    return mustGet(organisationId, importId)
  }

  return {
    uploadLimitMb: pipeline.uploadLimitMb,
    uploadLimitBytes: pipeline.uploadLimitBytes,
    storeUpload: pipeline.storeUpload,
    discardUpload: pipeline.discardUpload,
    check,

    /** Records a new import of a stored file with the choices made for it, and checks it. */
    async begin(
      actor: Actor,
      file: { id: number; size: number; sha256: string; fileName: string },
      choice: ImportChoice,
    ) {
      if (
        choice.indicatorId !== null &&
        !(await indicatorsRepository.get(db, scopeOf(actor), choice.indicatorId))
      )
        throw new HttpError(400, 'Some details need correcting', {
          indicatorId: 'Choose an indicator from the list',
        })
      const at = new Date().toISOString()
      const imp = await db
        .insertInto('indicator_imports')
        .values({
          organisation_id: actor.organisationId,
          file_name: printable(file.fileName, 255) || 'indicators',
          file_size: file.size,
          sha256: file.sha256,
          stored_file_id: file.id,
          mapping_json: JSON.stringify(choice),
          organisation_name: printable(choice.organisation, 200),
          status: 'validating',
          created_by: actor.userId,
          created_by_name: actor.name,
          started_at: at,
          updated_at: at,
          ...reservation(leaseMs),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      return check(actor.organisationId, imp.id)
    },

    /** Chooses whose rows are ours in a long file, and checks it again. */
    async chooseOrganisation(actor: Actor, importId: number, organisation: string) {
      const imp = await mustGet(actor.organisationId, importId)
      if (organisation.trim() === '')
        throw new ValidationError({ organisation: 'Choose whose rows are yours' })
      if (imp.status !== 'failed' && imp.status !== 'validated')
        throw new HttpError(409, 'This import is being checked or has already been added')
      await db
        .updateTable('indicator_imports')
        .set({
          status: 'validating',
          failure_reason: '',
          organisation_name: printable(organisation, 200),
          mapping_json: JSON.stringify({ ...findingsOf(imp), organisation }),
          ...reservation(leaseMs),
        })
        .where('id', '=', importId)
        .execute()
      return check(actor.organisationId, importId)
    },

    /** Adds the staged values in one transaction; with bad rows, only when the good rows were chosen. */
    async commit(actor: Actor, importId: number, goodOnly: boolean) {
      const imp = await mustGet(actor.organisationId, importId)
      if (imp.status === 'committed') return imp
      if (imp.status !== 'validated')
        throw new HttpError(
          409,
          imp.status === 'failed'
            ? 'This import failed its check, so there is nothing to add'
            : 'This import has not finished its check',
        )
      if (imp.rows_bad > 0 && !goodOnly)
        throw new HttpError(
          409,
          `${imp.rows_bad} row${imp.rows_bad === 1 ? ' has' : 's have'} problems, so nothing was added: correct the file and import it again, or choose to import the good rows`,
          { goodOnly: 'Choose to import the good rows, or correct the file' },
        )
      await pipeline.runPass(imp, 'committing', async (held) => {
        await db.transaction().execute(async (trx) => {
          const at = new Date().toISOString()
          // A value entered for the same period since the check is kept: the import adds only what is new.
          const added = await trx
            .insertInto('indicator_values')
            .columns([
              'organisation_id',
              'indicator_id',
              'period',
              'value',
              'note',
              'entered_by',
              'entered_by_name',
              'entered_at',
              'import_id',
              'created_at',
              'updated_at',
            ])
            .expression((eb) =>
              eb
                .selectFrom('indicator_import_rows as r')
                .select([
                  'r.organisation_id',
                  'r.indicator_id',
                  'r.period',
                  'r.value',
                  'r.note',
                  eb.val(actor.userId).as('entered_by'),
                  eb.val(actor.name).as('entered_by_name'),
                  eb.val(at).as('entered_at'),
                  eb.val(importId).as('import_id'),
                  eb.val(at).as('created_at'),
                  eb.val(at).as('updated_at'),
                ])
                .where('r.import_id', '=', importId)
                .where((w) =>
                  w.not(
                    w.exists(
                      w
                        .selectFrom('indicator_values as v')
                        .select(sql`1`.as('one'))
                        .whereRef('v.indicator_id', '=', 'r.indicator_id')
                        .whereRef('v.period', '=', 'r.period'),
                    ),
                  ),
                ),
            )
            .executeTakeFirst()
          const count = Number(added.numInsertedOrUpdatedRows ?? 0)
          await trx.deleteFrom('indicator_import_rows').where('import_id', '=', importId).execute()
          await trx
            .updateTable('indicator_imports')
            .set({
              status: 'committed',
              rows_added: count,
              committed_at: at,
              stored_file_id: null,
              // Not updateVersioned: the commit moves the import's own state under its lease; its event follows.
              // eslint-disable-next-line no-restricted-syntax -- see above
              version: imp.version + 1,
            })
            .where('id', '=', importId)
            .execute()
          await recordAudit(trx, {
            organisationId: actor.organisationId,
            actor: auditActorOf(actor),
            action: 'commit',
            entityType: 'indicator_import',
            entityId: importId,
            after: {
              fileName: imp.file_name,
              sha256: imp.sha256,
              rowsAdded: count,
              rowsBad: imp.rows_bad,
              goodOnly,
            },
          })
          await pipeline.files.discard(actor.organisationId, held.stored_file_id, trx)
        })
      })
      return mustGet(actor.organisationId, importId)
    },

    get: (scope: Scope, id: number) => get(scope.organisationId, id),
    async list(scope: Scope, offset = 0, limit = 100) {
      await pipeline.sweepExpired(scope.organisationId)
      return db
        .selectFrom('indicator_imports')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .offset(offset)
        .limit(limit)
        .execute()
    },
    problems: (scope: Scope, importId: number, limit = 500) =>
      db
        .selectFrom('indicator_import_problems')
        .select(['kind', 'line_number', 'reason', 'raw_text'])
        .where('organisation_id', '=', scope.organisationId)
        .where('import_id', '=', importId)
        .orderBy('line_number')
        .orderBy('id')
        .limit(limit)
        .execute(),
  }
}

export type IndicatorImportService = ReturnType<typeof createIndicatorImportService>
