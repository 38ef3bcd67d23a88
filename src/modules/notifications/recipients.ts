import type { Transaction } from 'kysely'
import type { Role } from '../../auth/roles.ts'
import type { DB } from '../../db/schema.ts'

// Who is told about a project: the one way to turn the project's people and the organisation's roles into
// user accounts, shared by the tolerance exceptions and the resourcing early warning.

/** Active members of the organisation, not marked as leavers, in any of the roles. */
export async function membersInRoles(
  trx: Transaction<DB>,
  organisationId: number,
  roles: readonly Role[],
): Promise<{ id: number; name: string; role: string }[]> {
  if (roles.length === 0) return []
  return trx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.name', 'm.role'])
    .where('m.organisation_id', '=', organisationId)
    .where('u.is_active', '=', 1)
    .where('m.left_at', 'is', null)
    .where('m.role', 'in', [...roles])
    .execute()
}

/**
 * The project manager's accounts: a project manager member of the project manager's name, and (owners are
 * people, issue 10) the account the register's person is linked to, whatever its role, while it is an active
 * member who has not left and is not a partner's officer.
 */
export async function projectManagerAccounts(
  trx: Transaction<DB>,
  organisationId: number,
  project: { project_manager: string; project_manager_person_id: number | null },
  projectManagers?: readonly { id: number; name: string }[],
): Promise<number[]> {
  const pm = project.project_manager.trim().toLowerCase()
  const named = projectManagers ?? (await membersInRoles(trx, organisationId, ['project_manager']))
  const ids = pm === '' ? [] : named.filter((m) => m.name.trim().toLowerCase() === pm).map((m) => m.id)
  if (project.project_manager_person_id !== null) {
    const account = await trx
      .selectFrom('people as p')
      .innerJoin('memberships as m', (j) =>
        j.onRef('m.user_id', '=', 'p.user_id').onRef('m.organisation_id', '=', 'p.organisation_id'),
      )
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select('u.id')
      .where('p.id', '=', project.project_manager_person_id)
      .where('p.organisation_id', '=', organisationId)
      .where('u.is_active', '=', 1)
      .where('m.left_at', 'is', null)
      .where('m.role', '!=', 'partner_officer')
      .executeTakeFirst()
    if (account) ids.push(account.id)
  }
  return [...new Set(ids)]
}
