import { recordAudit } from '../modules/audit/audit.service.ts'
import { CLI_ACTOR, CliError, required, UsageError, type Command } from './cli-support.ts'

/**
 * The break-glass account: an administrator who keeps password sign-in when the organisation signs in only
 * through its identity provider, for the day the provider is down or misconfigured. Marked from the command
 * line, not the settings page, so that nobody signed in through the provider can make one.
 */
export const userBreakGlass: Command = {
  name: 'user break-glass',
  summary: 'Mark (or unmark) the administrator who keeps a password when passwords are turned off.',
  usage: 'user break-glass EMAIL --org SLUG [--remove]',
  description:
    'When an organisation turns passwords off (Settings, Sign-in through your identity provider), only its\n' +
    'break-glass administrators can still sign in with a password. Keep the password somewhere safe.',
  positional: 'email',
  options: {
    org: { type: 'string', description: 'Slug of the organisation (see: oversight org list)' },
    remove: { type: 'boolean', description: 'Take the mark away again' },
  },
  async run(ctx, values) {
    const email = required(values, 'email').toLowerCase()
    const slug = required(values, 'org').toLowerCase()
    if (!email.includes('@')) throw new UsageError('EMAIL must be an email address, like name@example.gov.uk')
    const remove = values.remove === true
    const { db } = await ctx.database({ create: false, migrate: true })
    const member = await db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
      .select(['m.id', 'm.role', 'm.left_at', 'u.id as user_id', 'o.id as organisation_id'])
      .where('o.slug', '=', slug)
      .where('u.email', '=', email)
      .executeTakeFirst()
    if (!member) throw new CliError(`${email} is not a member of "${slug}". See: oversight org list`)
    if (!remove && (member.role !== 'administrator' || member.left_at !== null))
      throw new CliError(
        `${email} is not a current administrator of ${slug}: only an administrator can be break-glass`,
      )
    await db.transaction().execute(async (trx) => {
      if (remove)
        await trx
          .deleteFrom('break_glass_accounts')
          .where('organisation_id', '=', member.organisation_id)
          .where('user_id', '=', member.user_id)
          .execute()
      else
        await trx
          .insertInto('break_glass_accounts')
          .values({
            organisation_id: member.organisation_id,
            user_id: member.user_id,
            created_at: new Date().toISOString(),
          })
          .onConflict((oc) => oc.columns(['organisation_id', 'user_id']).doNothing())
          .execute()
      await recordAudit(trx, {
        organisationId: member.organisation_id,
        actor: CLI_ACTOR,
        action: remove ? 'break-glass-removed' : 'break-glass',
        entityType: 'membership',
        entityId: member.id,
        after: { user_id: member.user_id, break_glass: !remove },
      })
    })
    ctx.out(
      remove
        ? `${email} is no longer the break-glass account of ${slug}.`
        : `${email} is a break-glass account of ${slug}: their password works even when passwords are turned off.`,
    )
  },
}
