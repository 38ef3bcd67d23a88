import { sql, type Kysely, type SqlBool, type Transaction } from 'kysely'
import type { DB, OidcConfiguration } from '../../db/schema.ts'

type Db = Kysely<DB> | Transaction<DB>

/** Where the OpenID Connect tables are read and written; the services decide what is allowed. */
export function createSsoRepository(db: Kysely<DB>) {
  return {
    configurationOf(organisationId: number, trx: Db = db): Promise<OidcConfiguration | undefined> {
      return trx
        .selectFrom('oidc_configurations')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .executeTakeFirst()
    },

    organisationBySlug(slug: string) {
      return db
        .selectFrom('organisations')
        .select(['id', 'slug', 'name'])
        .where('slug', '=', slug)
        .executeTakeFirst()
    },

    organisationById(id: number) {
      return db
        .selectFrom('organisations')
        .select(['id', 'slug', 'name'])
        .where('id', '=', id)
        .executeTakeFirst()
    },

    /** Organisations whose sign-in is set on their settings page and switched on. */
    enabledConfigurations() {
      return db
        .selectFrom('oidc_configurations as c')
        .innerJoin('organisations as o', 'o.id', 'c.organisation_id')
        .select(['o.id', 'o.slug', 'o.name', 'c.provider_name', 'c.allowed_domains'])
        .where('c.enabled', '=', 1)
        .orderBy('o.id')
        .execute()
    },

    async saveAttempt(trx: Db, row: DB['oidc_attempts']) {
      // Abandoned attempts are cleared as new ones begin, so the table stays as small as the sign-ins under way.
      await trx.deleteFrom('oidc_attempts').where('expires_at', '<=', new Date().toISOString()).execute()
      await trx.insertInto('oidc_attempts').values(row).execute()
    },

    /** The attempt, deleted as it is read: a state is answered once, however many times it comes back. */
    async takeAttempt(stateHash: string) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('oidc_attempts')
          .selectAll()
          .where('state_hash', '=', stateHash)
          .executeTakeFirst()
        if (!row) return undefined
        const gone = await trx
          .deleteFrom('oidc_attempts')
          .where('state_hash', '=', stateHash)
          .executeTakeFirst()
        return gone.numDeletedRows > 0n && row.expires_at > new Date().toISOString() ? row : undefined
      })
    },

    linkedUser(issuer: string, subject: string) {
      return db
        .selectFrom('oidc_links')
        .select(['id', 'user_id'])
        .where('issuer', '=', issuer)
        .where('subject', '=', subject)
        .executeTakeFirst()
    },

    userByEmail(email: string) {
      return db.selectFrom('users').select(['id', 'email']).where('email', '=', email).executeTakeFirst()
    },

    /** Whether the person already has a link at this issuer (a second identity must not join the first). */
    async hasLinkAt(userId: number, issuer: string): Promise<boolean> {
      const row = await db
        .selectFrom('oidc_links')
        .select('id')
        .where('user_id', '=', userId)
        .where('issuer', '=', issuer)
        .executeTakeFirst()
      return row !== undefined
    },

    membership(trx: Db, organisationId: number, userId: number) {
      return trx
        .selectFrom('memberships')
        .select(['id', 'role', 'left_at'])
        .where('organisation_id', '=', organisationId)
        .where('user_id', '=', userId)
        .executeTakeFirst()
    },

    async isBreakGlass(organisationId: number, userId: number, trx: Db = db): Promise<boolean> {
      const row = await trx
        .selectFrom('break_glass_accounts')
        .select('user_id')
        .where('organisation_id', '=', organisationId)
        .where('user_id', '=', userId)
        .executeTakeFirst()
      return row !== undefined
    },

    /**
     * The organisations, among the person's current ones, that turned local passwords off and where the
     * person is not their break-glass account.
     */
    passwordsOffFor(userId: number, organisationIds: number[]) {
      if (organisationIds.length === 0) return Promise.resolve([])
      return db
        .selectFrom('oidc_configurations as c')
        .select('c.organisation_id')
        .where('c.organisation_id', 'in', organisationIds)
        .where('c.local_passwords_allowed', '=', 0)
        .where('c.enabled', '=', 1)
        .where(
          sql<SqlBool>`not exists (select 1 from break_glass_accounts b where b.organisation_id = c.organisation_id and b.user_id = ${userId})`,
        )
        .execute()
    },
  }
}

export type SsoRepository = ReturnType<typeof createSsoRepository>
