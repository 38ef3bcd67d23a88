import { randomBytes } from 'node:crypto'
import { passwordProblem, PASSWORD_MIN_LENGTH } from '../auth/password-rules.ts'
import { hashPassword } from '../auth/passwords.ts'
import { isRole, ROLE_LABELS, ROLES } from '../auth/roles.ts'
import { recordAudit } from '../modules/audit/audit.service.ts'
import { CLI_ACTOR, CliError, optional, required, UsageError, type Command } from './cli-support.ts'

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export const userCreate: Command = {
  name: 'user create',
  summary: 'Add a person to an organisation with a role.',
  usage: 'user create --email EMAIL --name NAME --org SLUG --role ROLE [--password PASSWORD]',
  description:
    `Roles:\n${ROLES.map((r) => `  ${r.padEnd(19)}${ROLE_LABELS[r]}`).join('\n')}\n\n` +
    'Without --password a password is generated and printed once; ask the person to change it after\n' +
    'signing in. If the email address already has an account (someone who works with another\n' +
    'organisation), the account is added to this organisation too and its password is left unchanged.',
  options: {
    email: { type: 'string', description: 'Email address, used to sign in' },
    name: { type: 'string', description: 'Full name as colleagues know it, e.g. "Priya Shah"' },
    org: { type: 'string', description: 'Slug of the organisation (see: oversight org list)' },
    role: { type: 'string', description: 'One of the roles listed above' },
    password: {
      type: 'string',
      description: `First password, ${PASSWORD_MIN_LENGTH} characters or more, not a common one (generated if left out)`,
    },
  },
  async run(ctx, values) {
    const email = required(values, 'email').toLowerCase()
    const name = required(values, 'name')
    const slug = required(values, 'org').toLowerCase()
    const role = required(values, 'role')
    const given = optional(values, 'password')
    if (!EMAIL.test(email)) throw new UsageError(`--email must be an email address, like name@example.gov.uk`)
    if (name.length > 200) throw new UsageError('--name must be 200 characters or fewer')
    if (!isRole(role)) throw new UsageError(`--role must be one of: ${ROLES.join(', ')} (got "${role}")`)
    if (given !== null) {
      const problem = passwordProblem(given, { email, name })
      if (problem) throw new UsageError(`--password: ${problem}`)
    }

    const { db } = await ctx.database({ create: false, migrate: true })
    const org = await db
      .selectFrom('organisations')
      .select(['id', 'name'])
      .where('slug', '=', slug)
      .executeTakeFirst()
    if (!org) throw new CliError(`There is no organisation with the slug "${slug}". See: oversight org list`)
    const existing = await db
      .selectFrom('users')
      .select(['id', 'name'])
      .where('email', '=', email)
      .executeTakeFirst()
    const password = existing ? null : (given ?? randomBytes(12).toString('base64url'))
    const hash = password === null ? null : await hashPassword(password)

    await db.transaction().execute(async (trx) => {
      const at = new Date().toISOString()
      let userId = existing?.id
      if (userId === undefined) {
        const created = await trx
          .insertInto('users')
          .values({ email, name, password_hash: hash!, is_active: 1, created_at: at, updated_at: at })
          .returning('id')
          .executeTakeFirstOrThrow()
        userId = created.id
      } else {
        const member = await trx
          .selectFrom('memberships')
          .select('role')
          .where('organisation_id', '=', org.id)
          .where('user_id', '=', userId)
          .executeTakeFirst()
        if (member) {
          const label = isRole(member.role) ? ROLE_LABELS[member.role] : member.role
          throw new CliError(`${email} is already a member of ${slug}, as ${label}`)
        }
      }
      const membership = await trx
        .insertInto('memberships')
        .values({ organisation_id: org.id, user_id: userId, role, created_at: at })
        .returning('id')
        .executeTakeFirstOrThrow()
      // The same shape the organisation's People page records, so the history reads alike; never the hash.
      await recordAudit(trx, {
        organisationId: org.id,
        actor: CLI_ACTOR,
        action: 'create',
        entityType: 'membership',
        entityId: membership.id,
        after: { user_id: userId, name: existing?.name ?? name, role },
      })
    })

    if (existing) {
      ctx.out(`Added the existing account ${email} (${existing.name}) to ${slug} as ${ROLE_LABELS[role]}.`)
      if (given !== null) ctx.err('The account already existed, so its password was not changed.')
      return
    }
    ctx.out(`Created ${email} (${name}) in ${slug} as ${ROLE_LABELS[role]}.`)
    if (given === null) {
      ctx.out(`Password: ${password}`)
      ctx.out('This password is shown only once. Give it to the person securely and ask them to change it.')
    }
  },
}
