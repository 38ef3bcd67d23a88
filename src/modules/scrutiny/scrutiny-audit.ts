import type { Transaction } from 'kysely'
import { auditActorOf, type Actor } from '../../auth/actor.ts'
import type { DB } from '../../db/schema.ts'
import { forbidden, HttpError } from '../../errors.ts'
import { recordAudit } from '../audit/audit.service.ts'

/** Every scrutiny change joins the organisation's audit chain in the transaction that makes it. */
export function audit(
  trx: Transaction<DB>,
  actor: Actor,
  action: string,
  entityType: string,
  entityId: number,
  before: unknown,
  after: unknown,
): Promise<void> {
  return recordAudit(trx, {
    organisationId: actor.organisationId,
    actor: auditActorOf(actor),
    action,
    entityType,
    entityId,
    before: before ?? undefined,
    after: after ?? undefined,
  })
}

/** People of the organisation, for choosing members, addressees, lead officers and action owners. */
export async function isMember(
  trx: Transaction<DB>,
  organisationId: number,
  userId: number,
): Promise<boolean> {
  const row = await trx
    .selectFrom('memberships')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return row !== undefined
}

/** Only the addressee, the lead officer or an administrator may respond to or act on a recommendation. */
export class NotAddresseeError extends HttpError {
  constructor() {
    super(
      403,
      'Only the person the recommendation is addressed to, its lead officer or an administrator can respond to it or update its actions',
    )
  }
}

export { forbidden }
