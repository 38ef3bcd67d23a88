// Who may take part in scrutiny records: people of the organisation, and who may answer a recommendation.
import type { Transaction } from 'kysely'
import { foreignIdErrors } from '../../db/foreign-ids.ts'
import type { DB } from '../../db/schema.ts'
import { HttpError } from '../../errors.ts'

/** People of the organisation, for choosing members, addressees, lead officers and action owners. */
export async function isMember(
  trx: Transaction<DB>,
  organisationId: number,
  userId: number,
): Promise<boolean> {
  const errors = await foreignIdErrors(trx, { organisationId }, [
    { field: 'user', table: 'users', id: userId },
  ])
  return errors.user === undefined
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
