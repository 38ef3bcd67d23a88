import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.ts'
import { SUPPLIER_OFFICER_EMAIL } from './partnerships-demo.ts'
import { loadDemoScenario, DEMO_EMAILS, OTHER_COUNCIL_ADMIN_EMAIL } from './scenario.ts'

/** Every Marshland account the demo makes: one a role, and the supplier's partner officer. */
const MARSHLAND_EMAILS = [...DEMO_EMAILS, SUPPLIER_OFFICER_EMAIL]

export interface DemoLoadResult {
  loaded: boolean
  emails: string[]
  generatedPassword: string | null
}

/** The demo goes only into an empty database, so a real installation is never touched by it. */
export async function loadDemoIfEmpty(db: Kysely<DB>, password: string | null): Promise<DemoLoadResult> {
  const existing = await db.selectFrom('organisations').select('id').limit(1).executeTakeFirst()
  if (existing) return { loaded: false, emails: MARSHLAND_EMAILS, generatedPassword: null }
  const generated = password === null ? randomBytes(9).toString('base64url') : null
  await loadDemoScenario(db, password ?? generated!)
  return { loaded: true, emails: MARSHLAND_EMAILS, generatedPassword: generated }
}

/** How to sign in to a freshly loaded demo, as the server and `oversight demo load` print it. */
export function demoSignInLines(result: DemoLoadResult, baseUrl: string): string[] {
  return [
    `The demo scenario has been loaded. Sign in at ${baseUrl}/sign-in as any of these Marshland District Council users:`,
    ...result.emails.map((e) => `  ${e}`),
    `or as ${OTHER_COUNCIL_ADMIN_EMAIL} (Brecks District Council, which sees none of Marshland's data),`,
    result.generatedPassword
      ? `with the password: ${result.generatedPassword}  (generated now and shown once; set DEMO_PASSWORD to choose it)`
      : 'with the password set in DEMO_PASSWORD.',
  ]
}
