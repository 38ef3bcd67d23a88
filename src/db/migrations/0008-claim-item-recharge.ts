import type { Kysely } from 'kysely'

// A claim item can name the partner recharge it claims for (the web developer's month, say), so the
// recharge cannot be removed while a claim still relies on it. The link clears only if the recharge goes
// with its project; removing a recharge by hand is refused by the finance service while it is linked.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('claim_items')
    .addColumn('partner_recharge_id', 'integer', (c) =>
      c.references('partner_recharges.id').onDelete('set null'),
    )
    .execute()
  await db.schema
    .createIndex('claim_items_recharge')
    .on('claim_items')
    .columns(['partner_recharge_id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('claim_items_recharge').execute()
  await db.schema.alterTable('claim_items').dropColumn('partner_recharge_id').execute()
}
