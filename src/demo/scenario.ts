import type { Kysely } from 'kysely'
import { hashPassword } from '../auth/passwords.ts'
import { ROLES, ROLE_LABELS, type Role } from '../auth/roles.ts'
import type { DB } from '../db/schema.ts'

export const DEMO_DOMAIN = 'demo.oversight.test'

const LOCAL_PARTS: Record<Role, string> = {
  administrator: 'admin',
  programme_manager: 'programme.manager',
  project_manager: 'project.manager',
  finance_officer: 'finance.officer',
  service_manager: 'service.manager',
  partner_officer: 'partner.officer',
  portfolio_holder: 'portfolio.holder',
  scrutiny_member: 'scrutiny.member',
  viewer: 'viewer',
}

export const DEMO_EMAILS = ROLES.map((r) => `${LOCAL_PARTS[r]}@${DEMO_DOMAIN}`)

export async function loadDemoScenario(db: Kysely<DB>, password: string): Promise<void> {
  const hash = await hashPassword(password)
  const at = new Date().toISOString()
  await db.transaction().execute(async (trx) => {
    const org = await trx
      .insertInto('organisations')
      .values({
        slug: 'marshland',
        name: 'Marshland District Council',
        rating_scale: 'ipa5',
        is_demo: 1,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    for (const role of ROLES) {
      const user = await trx
        .insertInto('users')
        .values({
          email: `${LOCAL_PARTS[role]}@${DEMO_DOMAIN}`,
          name: `Demo ${ROLE_LABELS[role]}`,
          password_hash: hash,
          is_active: 1,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('memberships')
        .values({ organisation_id: org.id, user_id: user.id, role, created_at: at })
        .execute()
    }
  })
}
