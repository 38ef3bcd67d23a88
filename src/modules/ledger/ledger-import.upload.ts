/**
 * The upload stage of a ledger import: the file goes into the file store through the import pipeline
 * (src/imports/pipeline.ts); here the import is recorded with the column mapping chosen for it, reserved
 * for the check this instance runs next.
 */
import type { Kysely } from 'kysely'
import type { DB, LedgerImport } from '../../db/schema.ts'
import { HttpError } from '../../errors.ts'
import { mappingOf } from '../../imports/column-mappings.ts'
import type { StoredFileInfo } from '../../imports/file-store.ts'
import type { ColumnMap, DateFormat } from './ledger.formats.ts'
import { printable } from './ledger.rows.ts'
import type { Importer } from './ledger-import.commit.ts'
import type { MappingChoice } from './ledger-import.pass.ts'

/** The saved column mapping an import uses, or (null) recognising the layout from the headings. */
export async function loadMapping(
  db: Kysely<DB>,
  organisationId: number,
  mappingId: number | null,
): Promise<MappingChoice> {
  if (mappingId === null) {
    return {
      id: null,
      name: '',
      columns: null,
      dateFormat: 'auto',
      delimiter: 'auto',
      encoding: 'auto',
      skipLines: 0,
    }
  }
  const m = await mappingOf(db, organisationId, 'ledger', { id: mappingId })
  if (!m)
    throw new HttpError(400, 'That column mapping does not exist', { mappingId: 'Choose a saved mapping' })
  return {
    id: m.id,
    name: m.name,
    columns: JSON.parse(m.columns_json) as ColumnMap,
    dateFormat: m.date_format as DateFormat,
    delimiter: m.delimiter,
    encoding: m.encoding,
    skipLines: m.skip_lines,
  }
}

/** Records a new import of a stored file, reserved for the validate pass this instance runs next. */
export async function beginImport(
  db: Kysely<DB>,
  reserved: { lease_owner: string; lease_expires_at: string },
  by: Importer,
  file: StoredFileInfo & { fileName: string },
  mappingId: number | null,
): Promise<LedgerImport> {
  const mapping = await loadMapping(db, by.organisationId, mappingId)
  const at = new Date().toISOString()
  return db
    .insertInto('ledger_imports')
    .values({
      organisation_id: by.organisationId,
      file_name: printable(file.fileName, 255) || 'ledger',
      file_size: file.size,
      sha256: file.sha256,
      stored_file_id: file.id,
      format: '',
      mapping_id: mapping.id,
      mapping_name: mapping.name,
      status: 'validating',
      layout: '',
      encoding: '',
      delimiter: '',
      failure_reason: '',
      rows_read: 0,
      rows_good: 0,
      rows_bad: 0,
      rows_duplicate: 0,
      rows_changed: 0,
      rows_unmatched: 0,
      rows_added: 0,
      total_pence: 0,
      progress_bytes: 0,
      summary_json: '{}',
      finished_at: null,
      committed_at: null,
      created_by: by.userId,
      created_by_name: by.label,
      started_at: at,
      updated_at: at,
      ...reserved,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}
