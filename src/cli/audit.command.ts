import { verifyAuditChain } from '../modules/audit/audit.service.ts'
import type { Command } from './cli-support.ts'

export const auditVerify: Command = {
  name: 'audit verify',
  summary: 'Check that the audit trail has not been edited, and that no event has been removed.',
  usage: 'audit verify',
  description:
    'Each organisation’s audit events form a hash chain: every event carries a hash of its content and\n' +
    'of the event before it. Editing an event, deleting one, or deleting the latest ones breaks the\n' +
    'chain. Exits with 0 when every chain is intact and 1 when any problem is found, so it can run from\n' +
    'a scheduler that alerts on failure.',
  options: {},
  async run(ctx) {
    const { db } = await ctx.database({ create: false, migrate: true })
    const orgs = await db.selectFrom('organisations').select(['id', 'slug']).execute()
    const slugOf = new Map(orgs.map((o) => [o.id, o.slug]))
    const { events, problems } = await verifyAuditChain(db)
    ctx.out(
      `Checked ${events} audit event${events === 1 ? '' : 's'} in ${orgs.length} organisation${orgs.length === 1 ? '' : 's'}.`,
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
