import { isRatingScaleId, RATING_SCALES } from '../domain/dca.ts'
import { recordAudit } from '../modules/audit/audit.service.ts'
import { seedSkills } from '../modules/resourcing/skills.service.ts'
import { CLI_ACTOR, CliError, optional, required, UsageError, type Command } from './cli-support.ts'

export const orgList: Command = {
  name: 'org list',
  summary: 'List the organisations, one a line: slug, name, number of users.',
  usage: 'org list',
  description: 'Columns are separated by two or more spaces; the slug is what other commands take as --org.',
  options: {},
  async run(ctx) {
    const { db } = await ctx.database({ create: false, migrate: true })
    const rows = await db
      .selectFrom('organisations as o')
      .leftJoin('memberships as m', 'm.organisation_id', 'o.id')
      .select(['o.slug', 'o.name', (eb) => eb.fn.count<number>('m.id').as('users')])
      .groupBy(['o.id', 'o.slug', 'o.name'])
      .orderBy('o.slug')
      .execute()
    if (rows.length === 0) {
      ctx.err('There are no organisations yet. Add one with: oversight org create --slug SLUG --name NAME')
      return
    }
    const slugWidth = Math.max(...rows.map((r) => r.slug.length))
    const nameWidth = Math.max(...rows.map((r) => r.name.length))
    for (const r of rows) {
      const users = Number(r.users)
      ctx.out(
        `${r.slug.padEnd(slugWidth)}  ${r.name.padEnd(nameWidth)}  ${users} user${users === 1 ? '' : 's'}`,
      )
    }
  },
}

// Slugs appear in URLs and scripts, so they are kept to lower-case letters, digits and inner hyphens.
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/

export const orgCreate: Command = {
  name: 'org create',
  summary: 'Add an organisation (a council or public body). Its data is kept apart from every other.',
  usage: 'org create --slug SLUG --name NAME [--scale ipa5|rag3]',
  description:
    'The rating scale is the delivery confidence scale its status reports use: ipa5, the IPA five-point\n' +
    'scale (Green, Amber/Green, Amber, Amber/Red, Red; the default), or rag3, the three-point scale\n' +
    'central government has used since 2021. An administrator can change it later.',
  options: {
    slug: {
      type: 'string',
      description: 'Short name: lower-case letters, digits and hyphens, e.g. marshland',
    },
    name: { type: 'string', description: 'Full name, e.g. "Marshland District Council"' },
    scale: { type: 'string', description: 'Rating scale: ipa5 (default) or rag3' },
  },
  async run(ctx, values) {
    const slug = required(values, 'slug').toLowerCase()
    const name = required(values, 'name')
    const scale = optional(values, 'scale') ?? 'ipa5'
    if (!SLUG.test(slug))
      throw new UsageError(
        '--slug must be 1 to 40 lower-case letters, digits or hyphens, starting and ending with a letter or digit',
      )
    if (name.length > 200) throw new UsageError('--name must be 200 characters or fewer')
    if (!isRatingScaleId(scale)) throw new UsageError(`--scale must be ipa5 or rag3 (got "${scale}")`)
    const { db } = await ctx.database({ create: true, migrate: true })
    await db.transaction().execute(async (trx) => {
      const taken = await trx
        .selectFrom('organisations')
        .select('id')
        .where('slug', '=', slug)
        .executeTakeFirst()
      if (taken) throw new CliError(`An organisation with the slug "${slug}" already exists`)
      const at = new Date().toISOString()
      const created = await trx
        .insertInto('organisations')
        .values({ slug, name, rating_scale: scale, is_demo: 0, created_at: at, updated_at: at })
        .returningAll()
        .executeTakeFirstOrThrow()
      await recordAudit(trx, {
        organisationId: created.id,
        actor: CLI_ACTOR,
        action: 'create',
        entityType: 'organisation',
        entityId: created.id,
        after: created,
      })
      await seedSkills(trx, created.id)
    })
    const scaleName = RATING_SCALES[scale].name
    ctx.out(
      `Created organisation ${slug} (${name}), rating on the ${scaleName.charAt(0).toLowerCase()}${scaleName.slice(1)}.`,
    )
    ctx.out(
      `Add its first administrator with: oversight user create --org ${slug} --role administrator --email EMAIL --name NAME`,
    )
  },
}
