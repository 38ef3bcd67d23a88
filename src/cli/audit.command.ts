import {
  appendCheckpoints,
  CheckpointFileError,
  currentCheckpoints,
  readLatestCheckpoints,
  verifyCheckpoints,
} from '../modules/audit/audit-checkpoints.ts'
import { verifyAuditChain } from '../modules/audit/audit.service.ts'
import { CliError, optional, required, type Command } from './cli-support.ts'

export const auditVerify: Command = {
  name: 'audit verify',
  summary: 'Check that the audit trail has not been edited, and that no event has been removed.',
  usage: 'audit verify [--checkpoints FILE]',
  description:
    'Each organisation’s audit events form a hash chain: every event carries a hash of its content and\n' +
    'of the event before it. Editing an event, deleting one, or deleting the latest ones breaks the\n' +
    'chain. The chain alone cannot show that the latest events were deleted AND the chain’s head put\n' +
    'back to match: with --checkpoints, the heads recorded in a checkpoint file (AUDIT_CHECKPOINT_FILE,\n' +
    'or "audit checkpoint") must still be in the trail. Exits with 0 when every chain is intact and 1\n' +
    'when any problem is found, so it can run from a scheduler that alerts on failure.',
  options: {
    checkpoints: {
      type: 'string',
      description: 'A checkpoint file: each organisation’s latest checkpoint must still be in the trail',
    },
  },
  async run(ctx, values) {
    const checkpointFile = optional(values, 'checkpoints')
    let checkpoints: ReturnType<typeof readLatestCheckpoints> = []
    try {
      if (checkpointFile !== null) checkpoints = readLatestCheckpoints(checkpointFile)
    } catch (err) {
      if (err instanceof CheckpointFileError) throw new CliError(err.message)
      throw err
    }
    const { db } = await ctx.database({ create: false, migrate: true })
    const orgs = await db.selectFrom('organisations').select(['id', 'slug']).execute()
    const slugOf = new Map(orgs.map((o) => [o.id, o.slug]))
    for (const c of checkpoints) if (!slugOf.has(c.organisationId)) slugOf.set(c.organisationId, c.slug)
    const { events, problems } = await verifyAuditChain(db)
    problems.push(...(await verifyCheckpoints(db, checkpoints)))
    ctx.out(
      `Checked ${events} audit event${events === 1 ? '' : 's'} in ${orgs.length} organisation${orgs.length === 1 ? '' : 's'}.`,
    )
    if (checkpointFile !== null)
      ctx.out(
        `Checked the latest checkpoint of ${checkpoints.length} organisation${checkpoints.length === 1 ? '' : 's'} in ${checkpointFile}.`,
      )
    if (problems.length === 0) {
      ctx.out('The audit trail is intact.')
      return 0
    }
    ctx.out(`The audit trail is broken: ${problems.length} problem${problems.length === 1 ? '' : 's'} found.`)
    for (const p of problems) {
      ctx.out(
        `  ${slugOf.get(p.organisationId) ?? `organisation ${p.organisationId}`}, event ${p.seq}: ${p.problem}`,
      )
    }
    ctx.err(
      'Restore the database from a backup taken before the change, and find out who had write access to it.',
    )
    return 1
  },
}

export const auditCheckpoint: Command = {
  name: 'audit checkpoint',
  summary: 'Append the head of each organisation’s audit trail to a checkpoint file.',
  usage: 'audit checkpoint --to FILE',
  description:
    'Writes one line per organisation (its id, the number and hash of its latest audit event, and the\n' +
    'time) to the end of FILE. Keep the file away from the database server, on storage that only\n' +
    'appends; "audit verify --checkpoints FILE" then detects the trail being rolled back past it.\n' +
    'The scheduler does the same every few minutes when AUDIT_CHECKPOINT_FILE is set.',
  options: {
    to: {
      type: 'string',
      description: 'The checkpoint file to append to, e.g. /mnt/audit/checkpoints.jsonl',
    },
  },
  async run(ctx, values) {
    const file = required(values, 'to')
    const { db } = await ctx.database({ create: false, migrate: true })
    const checkpoints = await currentCheckpoints(db)
    try {
      appendCheckpoints(file, checkpoints)
    } catch (err) {
      throw new CliError(`Could not append to ${file}: ${err instanceof Error ? err.message : String(err)}`)
    }
    for (const c of checkpoints) ctx.out(`${c.slug}: event ${c.seq}, ${c.hash}`)
    ctx.out(`Appended ${checkpoints.length} checkpoint${checkpoints.length === 1 ? '' : 's'} to ${file}.`)
  },
}
