/**
 * What every `oversight import …` command shares: the organisation named by its slug, the file taken into
 * the file store like an upload (one path for every import, and the import's page can show it), the
 * progress line, the actor the writes are recorded under, and the rows that cannot be used, by line.
 * merge: `import portfolio` (src/cli/import-portfolio.command.ts) should take its organisation, actor and file
 * through organisationBySlug, cliActor and storeImportFile here (its lane changes that command now).
 */
import path from 'node:path'
import type { Kysely } from 'kysely'
import type { Actor } from '../auth/actor.ts'
import { isRatingScaleId } from '../domain/dca.ts'
import type { DB } from '../db/schema.ts'
import type { StoredFileInfo } from '../imports/file-store.ts'
import { CliError, CLI_ACTOR } from './cli-support.ts'

/** The organisation the slug names, or the command's error. */
export async function organisationBySlug(db: Kysely<DB>, slug: string) {
  const org = await db
    .selectFrom('organisations')
    .select(['id', 'name', 'slug', 'rating_scale', 'is_demo'])
    .where('slug', '=', slug.toLowerCase())
    .executeTakeFirst()
  if (!org) throw new CliError(`There is no organisation with the slug "${slug.toLowerCase()}"`)
  return org
}

/**
 * The command line as an actor of the organisation: no one's account, so its writes are recorded as
 * "Command line" with no user (every user column these writes fill may be empty).
 */
export function cliActor(org: Awaited<ReturnType<typeof organisationBySlug>>): Actor {
  return {
    userId: CLI_ACTOR.userId as unknown as number,
    name: CLI_ACTOR.label,
    email: '',
    role: 'administrator',
    organisationId: org.id,
    organisationName: org.name,
    organisationSlug: org.slug,
    partnerId: null,
    ratingScale: isRatingScaleId(org.rating_scale) ? org.rating_scale : 'ipa5',
    isDemo: org.is_demo === 1,
    via: 'session',
    sessionId: null,
  }
}

/** The file on disk into the file store, as an upload is; a missing file is the command's error. */
export async function storeImportFile(
  imports: { storeFile(organisationId: number, file: string, fileName: string): Promise<StoredFileInfo> },
  organisationId: number,
  file: string,
): Promise<StoredFileInfo & { fileName: string }> {
  const fileName = path.basename(file)
  try {
    return { ...(await imports.storeFile(organisationId, file, fileName)), fileName }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`There is no file at ${file}`)
    throw err
  }
}

/** A progress line rewritten in place on a terminal, a new line every 10% when piped to a log. */
export function progressReporter(write: (s: string) => void, isTty: boolean) {
  let lastShown = -1
  let lastPhase = ''
  return (phase: string, percent: number) => {
    if (phase !== lastPhase) {
      lastPhase = phase
      lastShown = -10
    }
    if (isTty) write(`\r${phase}: ${String(percent).padStart(3)}%`)
    else if (percent >= lastShown + 10) {
      write(`${phase}: ${percent}%\n`)
      lastShown = percent
    }
  }
}

/** The rows that cannot be used (of the first `shown` read), each with its line; a note of the rest. */
export function printProblems(
  print: (line: string) => void,
  problems: ReadonlyArray<{ kind: string; line_number: number; reason: string }>,
  bad: { total: number; shown: number; more: string },
): void {
  for (const p of problems.filter((x) => x.kind === 'bad')) print(`  line ${p.line_number}: ${p.reason}`)
  if (bad.total > bad.shown) print(`  … and ${bad.total - bad.shown} more (${bad.more})`)
}
