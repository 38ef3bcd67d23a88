import { createTokensService } from '../modules/tokens/tokens.service.ts'
import { readTokenDays, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS } from '../modules/tokens/tokens.rules.ts'
import { sha256 } from '../modules/auth/auth.service.ts'
import { CliError, optional, required, UsageError, type Command } from './cli-support.ts'

export const tokenCreate: Command = {
  name: 'token create',
  summary: 'Create an API token for a person, for an integration or a script.',
  usage: 'token create --user EMAIL [--org SLUG] [--name NAME] [--days DAYS]',
  description:
    'Prints only the token on standard output, so it can be captured:\n' +
    '  TOKEN=$(oversight token create --user someone@example.gov.uk --name "Finance export")\n' +
    'The token acts as that person, with their role, in one organisation. Only its hash is stored, so it\n' +
    'cannot be shown again; the person can revoke it under "API tokens" in their account. It expires\n' +
    `after --days days (default ${TOKEN_DEFAULT_DAYS}, at most ${TOKEN_MAX_DAYS}).`,
  options: {
    user: { type: 'string', description: 'Email address of the person the token acts as' },
    org: { type: 'string', description: 'Organisation slug; needed when the person belongs to several' },
    name: {
      type: 'string',
      description: 'What uses the token, e.g. "Finance export" (default "Command line")',
    },
    days: {
      type: 'string',
      description: `Days until the token expires (default ${TOKEN_DEFAULT_DAYS}, at most ${TOKEN_MAX_DAYS})`,
    },
  },
  async run(ctx, values) {
    const email = required(values, 'user').toLowerCase()
    const slug = optional(values, 'org')?.toLowerCase() ?? null
    const name = optional(values, 'name') ?? 'Command line'
    if (name.length > 100) throw new UsageError('--name must be 100 characters or fewer')
    const days = readTokenDays(optional(values, 'days') ?? String(TOKEN_DEFAULT_DAYS))
    if (!days.ok) throw new UsageError(`--days: ${days.message}`)

    const { db } = await ctx.database({ create: false, migrate: true })
    const user = await db
      .selectFrom('users')
      .select(['id', 'is_active'])
      .where('email', '=', email)
      .executeTakeFirst()
    if (!user) throw new CliError(`There is no account with the email address ${email}`)
    if (user.is_active !== 1) throw new CliError(`The account ${email} is deactivated`)
    const memberships = await db
      .selectFrom('memberships as m')
      .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
      .select(['o.id', 'o.slug'])
      .where('m.user_id', '=', user.id)
      .where('m.left_at', 'is', null)
      .orderBy('o.slug')
      .execute()
    let org = memberships[0]
    if (slug !== null) {
      org = memberships.find((m) => m.slug === slug)
      if (!org) throw new CliError(`${email} is not a member of an organisation with the slug "${slug}"`)
    } else if (memberships.length > 1) {
      throw new UsageError(
        `${email} belongs to ${memberships.length} organisations (${memberships.map((m) => m.slug).join(', ')}); choose one with --org`,
      )
    }
    if (!org) throw new CliError(`${email} is not a member of any organisation`)

    const { token } = await createTokensService(db).create(org.id, user.id, name, days.days)
    ctx.out(token)
    ctx.err(
      `Created API token "${name}" for ${email} in ${org.slug}, valid for ${days.days} days. It is shown only this once.`,
    )
  },
}

export const tokenRevoke: Command = {
  name: 'token revoke',
  summary: 'Revoke an API token, for example one that has leaked.',
  usage: 'token revoke --token TOKEN',
  description:
    'Revokes the token at once: anything using it gets 401 from then on. The person who owns it can also\n' +
    'revoke it under "API tokens" in their account; this is for an administrator who holds a leaked token.',
  options: {
    token: { type: 'string', description: 'The token itself (it starts ovt_)' },
  },
  async run(ctx, values) {
    const token = required(values, 'token')
    const { db } = await ctx.database({ create: false, migrate: true })
    const result = await db
      .updateTable('api_tokens')
      .set({ revoked_at: new Date().toISOString() })
      .where('token_hash', '=', sha256(token))
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    if (Number(result.numUpdatedRows) !== 1) throw new CliError('No active API token matches that value')
    ctx.err('The token has been revoked.')
  },
}
