import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Issue 13, "Sign-in the council already uses": OpenID Connect per organisation. The client secret is kept
// sealed (src/auth/secret-box.ts); a person is linked once by a verified email and afterwards found only by
// (issuer, subject); a sign-in in progress (state, nonce, PKCE verifier) is a row used once; a break-glass
// administrator keeps password sign-in when the organisation turns local passwords off.
export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('oidc_configurations'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().unique().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('provider_name', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    // AES-256-GCM under OVERSIGHT_SECRET_KEY, bound to the organisation; never the plaintext.
    .addColumn('client_secret_sealed', 'text', (c) => c.notNull())
    // Lower-case domains separated by commas: only these addresses may be linked.
    .addColumn('allowed_domains', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text')
    .addColumn('groups_claim', 'text')
    // JSON object: group id or name → role.
    .addColumn('group_roles', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('local_passwords_allowed', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await idColumn(db, db.schema.createTable('oidc_links'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('oidc_links_identity', ['issuer', 'subject'])
    .execute()
  await db.schema
    .createTable('oidc_attempts')
    // sha256 of the state sent to the provider: a row is deleted as it is used, so a state works once.
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('return_to', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('break_glass_accounts')
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('break_glass_accounts_pk', ['organisation_id', 'user_id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('break_glass_accounts').execute()
  await db.schema.dropTable('oidc_attempts').execute()
  await db.schema.dropTable('oidc_links').execute()
  await db.schema.dropTable('oidc_configurations').execute()
}
