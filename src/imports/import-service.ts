/**
 * What every import's service does around the pipeline (pipeline.ts), in one place: the pipeline made for
 * the import's table, its upload and file steps, reading an import (a lapsed pass put back first), the list
 * and the problems, the reservation a new or re-checked import is written with, and whether an import may
 * be committed. An import adds only its own rules: what it records on upload, its check and its commit.
 * The ledger, indicator and portfolio imports all stand on it.
 */
import type { Kysely, Selectable } from 'kysely'
import type { Scope } from '../auth/actor.ts'
import type { DB } from '../db/schema.ts'
import { HttpError, notFound } from '../errors.ts'
import { reservation, type LeasedTable } from './leases.ts'
import { createImportPipeline, type PassPhase } from './pipeline.ts'

/** Each import's table of problems, beside its table of imports. */
const PROBLEMS = {
  ledger_imports: 'ledger_import_problems',
  indicator_imports: 'indicator_import_problems',
  portfolio_imports: 'portfolio_import_problems',
} as const satisfies Record<LeasedTable, keyof DB>

export interface ImportServiceOptions<T extends LeasedTable> {
  table: T
  /** Where the rows go, in the words of a message to the person importing ("the ledger"). */
  target: string
  uploadLimitMb: number
  leaseSeconds?: number | undefined
  onProgress?: ((importId: number, phase: PassPhase, percent: number) => void) | undefined
  /** Removes what the check stage staged for these imports (their check died, so nothing will use it). */
  discardStaged: Parameters<typeof createImportPipeline>[1]['discardStaged']
}

/** What the commit refuses, in the import's words: a failed check, a check not finished. */
export interface CommitRefusals {
  failed: string
  notChecked: string
  committing?: string
}

/** Problems kept of one check at the most; past it they are counted (a file of nonsense stays small). */
const MAX_STORED_PROBLEMS = 10_000
/** Problems written at a time: PostgreSQL takes at most 65,535 parameters in a statement. */
const PROBLEM_BATCH = 500

export function createImportService<T extends LeasedTable>(db: Kysely<DB>, opts: ImportServiceOptions<T>) {
  type Imp = Selectable<DB[T]>
  // One query shape for the three tables: their columns read here are the same in each (schema.ts).
  const table = opts.table as 'indicator_imports'
  const problemsTable = PROBLEMS[opts.table] as 'indicator_import_problems'
  const leaseMs = (opts.leaseSeconds ?? 30) * 1000
  const pipeline = createImportPipeline(db, {
    table: opts.table,
    target: opts.target,
    uploadLimitMb: opts.uploadLimitMb,
    leaseMs,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.discardStaged ? { discardStaged: opts.discardStaged } : {}),
  })

  /** An import of the organisation, read after putting back a pass whose instance died. */
  async function find(organisationId: number, id: number): Promise<Imp | undefined> {
    await pipeline.sweepExpired(organisationId, id)
    const imp = await db
      .selectFrom(table)
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst()
    return imp as Imp | undefined
  }

  async function load(organisationId: number, id: number): Promise<Imp> {
    const imp = await find(organisationId, id)
    if (!imp) throw notFound('Import')
    return imp
  }

  return {
    pipeline,
    leaseMs,
    uploadLimitMb: pipeline.uploadLimitMb,
    uploadLimitBytes: pipeline.uploadLimitBytes,
    storeUpload: pipeline.storeUpload,
    storeFile: pipeline.storeFile,
    discardUpload: pipeline.discardUpload,
    find,
    load,

    /**
     * The check's record of the rows that cannot be used (CheckPlug's `problem` and `flushProblems`): kept
     * with their line and reason, cleaned for the page by `clean`, written a chunk of the file at a time.
     */
    problemLog(organisationId: number, importId: number, clean: (text: string) => string) {
      let pending: Array<{ kind: string; line: number; reason: string; raw: string }> = []
      let kept = 0
      let notStored = 0
      return {
        problem: (kind: string, line: number, reason: string, raw: string) => {
          if (kept >= MAX_STORED_PROBLEMS) notStored++
          else {
            kept++
            pending.push({ kind, line, reason, raw })
          }
        },
        flushProblems: async () => {
          const rows = pending.map((p) => ({
            organisation_id: organisationId,
            import_id: importId,
            kind: p.kind,
            line_number: p.line,
            reason: clean(p.reason),
            raw_text: clean(p.raw),
          }))
          pending = []
          for (let i = 0; i < rows.length; i += PROBLEM_BATCH)
            await db
              .insertInto(problemsTable)
              .values(rows.slice(i, i + PROBLEM_BATCH))
              .execute()
        },
        /** Removes the problems of an earlier check of the import (or of this one, given up). */
        clear: async () => {
          pending = []
          await db.deleteFrom(problemsTable).where('import_id', '=', importId).execute()
        },
        notStored: () => notStored,
      }
    },

    /** Written with a new or re-checked import's status: the check this instance runs next holds it. */
    reserve: () => reservation(leaseMs),

    /** Refuses a commit of an import that is not checked and ready (a committed one is the caller's). */
    mustBeReady: (imp: { status: string }, refusals: CommitRefusals): void => {
      if (imp.status === 'validated') return
      throw new HttpError(
        409,
        imp.status === 'failed'
          ? refusals.failed
          : imp.status === 'committing' && refusals.committing
            ? refusals.committing
            : refusals.notChecked,
      )
    },

    /** The organisation's imports, newest first; lapsed passes put back and abandoned uploads removed. */
    list: async (scope: Scope, offset = 0, limit = 100): Promise<Imp[]> => {
      await pipeline.sweepExpired(scope.organisationId)
      await pipeline.files.removeAbandoned(scope.organisationId)
      const rows = await db
        .selectFrom(table)
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .offset(offset)
        .limit(limit)
        .execute()
      return rows as Imp[]
    },

    /** An import's problems by line: the rows that could not be used, with the reason. */
    problems: (scope: Scope, importId: number, offset = 0, limit = 500) =>
      db
        .selectFrom(problemsTable)
        .select(['kind', 'line_number', 'reason', 'raw_text'])
        .where('organisation_id', '=', scope.organisationId)
        .where('import_id', '=', importId)
        .orderBy('line_number')
        .orderBy('id')
        .offset(offset)
        .limit(limit)
        .execute(),
  }
}

export type ProblemLog = ReturnType<ImportService<LeasedTable>['problemLog']>

export type ImportService<T extends LeasedTable> = ReturnType<typeof createImportService<T>>
