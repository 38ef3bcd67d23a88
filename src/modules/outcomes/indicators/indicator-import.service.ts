/**
 * Importing indicator values from CSV or XLSX (issue 11) on the one import pipeline (src/imports/pipeline.ts):
 * upload into the file store; a check that reads the file once in the bounded worker, reports each bad row
 * with its line number and stages the good ones; and a commit that adds the staged values in ONE transaction.
 * A file with bad rows adds nothing unless the person importing chooses to add the good rows. The glue round
 * the pipeline (reading, listing, leases, upload) is the one import service's (src/imports/import-service.ts).
 */
import { sql, type Kysely } from 'kysely'
import { auditActorOf, scopeOf, type Actor, type Scope } from '../../../auth/actor.ts'
import type { DB } from '../../../db/schema.ts'
import { HttpError, ValidationError } from '../../../errors.ts'
import { createImportService } from '../../../imports/import-service.ts'
import type { PassPhase } from '../../../imports/pipeline.ts'
import { recordAudit } from '../../audit/audit.service.ts'
import { indicatorsRepository } from './indicators.repository.ts'
import { checkPass, findingsOf, type ImportChoice } from './indicator-import.check.ts'
import { printable } from './indicator-import.rows.ts'

export { findingsOf, type ImportChoice, type ImportFindings } from './indicator-import.check.ts'

export function createIndicatorImportService(
  db: Kysely<DB>,
  opts: {
    uploadLimitMb: number
    leaseSeconds?: number
    onProgress?: (importId: number, phase: PassPhase, percent: number) => void
  },
) {
  const imports = createImportService(db, {
    table: 'indicator_imports',
    target: 'the indicators',
    uploadLimitMb: opts.uploadLimitMb,
    leaseSeconds: opts.leaseSeconds,
    onProgress: opts.onProgress,
    discardStaged: async (trx, ids) => {
      await trx.deleteFrom('indicator_import_rows').where('import_id', 'in', ids).execute()
    },
  })
  const { pipeline, load: mustGet } = imports

  return {
    uploadLimitMb: imports.uploadLimitMb,
    uploadLimitBytes: imports.uploadLimitBytes,
    storeUpload: imports.storeUpload,
    storeFile: imports.storeFile,
    discardUpload: imports.discardUpload,

    /** The check pass: reads the file once and stages the values it would add; nothing is added. */
    async check(organisationId: number, importId: number) {
      const imp = await mustGet(organisationId, importId)
      if (imp.status !== 'validating') throw new HttpError(409, 'This import is not waiting to be checked')
      await pipeline.runPass(imp, 'validating', (held, lease) => checkPass(db, imports, held, lease))
      return mustGet(organisationId, importId)
    },

    /** Records a new import of a stored file with the choices made for it, reserved for its check. */
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
      return db
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
          ...imports.reserve(),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
    },

    /** Chooses whose rows are ours in a long file, reserved to be checked again. */
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
          ...imports.reserve(),
        })
        .where('id', '=', importId)
        .execute()
      return mustGet(actor.organisationId, importId)
    },

    /** Adds the staged values in one transaction; with bad rows, only when the good rows were chosen. */
    async commit(actor: Actor, importId: number, goodOnly: boolean) {
      const imp = await mustGet(actor.organisationId, importId)
      if (imp.status === 'committed') return imp
      imports.mustBeReady(imp, {
        failed: 'This import failed its check, so there is nothing to add',
        notChecked: 'This import has not finished its check',
      })
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

    get: (scope: Scope, id: number) => imports.find(scope.organisationId, id),
    list: imports.list,
    problems: imports.problems,
  }
}

export type IndicatorImportService = ReturnType<typeof createIndicatorImportService>
