import type { Kysely } from 'kysely'
import { openSecret, parseSecretKey, sealSecret, type SecretKey } from '../../auth/secret-box.ts'

// Issue 13's gaps.
// - A session remembers how it was signed in: through which organisation's identity provider (its id), or with
//   a password (null, as every session before this migration was). Moving the session into another
//   organisation is allowed only where that sign-in counts (modules/sso: switchNeeds).
// - Authenticator (TOTP) secrets are sealed at rest with OVERSIGHT_SECRET_KEY, as OpenID Connect client secrets
//   are, bound to their person (`totp:<user id>`). The migration runs where the server runs, with its
//   environment: with the key there, every stored secret is sealed now. Without it nothing is lost: the
//   secrets stay as they were, and the first start-up with a key seals them (second-factor.service.ts).
type Loose = Kysely<{ second_factors: { user_id: number; secret: string } }>

function keyFromEnvironment(): SecretKey | null {
  const raw = (process.env.OVERSIGHT_SECRET_KEY ?? '').trim()
  const key = raw === '' ? null : parseSecretKey(raw)
  // A malformed key stops the server at its configuration check; here it seals nothing.
  return typeof key === 'string' ? null : key
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('signed_in_through', 'integer').execute()
  const key = keyFromEnvironment()
  if (!key) return
  const loose = db as unknown as Loose
  const rows = await loose.selectFrom('second_factors').select(['user_id', 'secret']).execute()
  for (const row of rows)
    if (!row.secret.startsWith('v1.'))
      await loose
        .updateTable('second_factors')
        .set({ secret: sealSecret(key, row.secret, `totp:${row.user_id}`) })
        .where('user_id', '=', row.user_id)
        .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const key = keyFromEnvironment()
  const loose = db as unknown as Loose
  const rows = key ? await loose.selectFrom('second_factors').select(['user_id', 'secret']).execute() : []
  for (const row of rows) {
    const plain = row.secret.startsWith('v1.') ? openSecret(key!, row.secret, `totp:${row.user_id}`) : null
    if (plain !== null)
      await loose
        .updateTable('second_factors')
        .set({ secret: plain })
        .where('user_id', '=', row.user_id)
        .execute()
  }
  await db.schema.alterTable('sessions').dropColumn('signed_in_through').execute()
}
