// Who may take part in scrutiny records: people of the organisation, and who may answer a recommendation.
import type { Transaction } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { HttpError } from '../../errors.ts'

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
