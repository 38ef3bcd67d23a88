import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.ts'
import { loadDemoScenario, DEMO_EMAILS } from './scenario.ts'

export interface DemoLoadResult {
  loaded: boolean
  emails: string[]
  generatedPassword: string | null
}

/** The demo goes only into an empty database, so a real installation is never touched by it. */
export async function loadDemoIfEmpty(db: Kysely<DB>, password: string | null): Promise<DemoLoadResult> {
  const existing = await db.selectFrom('organisations').select('id').limit(1).executeTakeFirst()
  if (existing) return { loaded: false, emails: DEMO_EMAILS, generatedPassword: null }
  const generated = password === null ? randomBytes(9).toString('base64url') : null
  await loadDemoScenario(db, password ?? generated!)
  return { loaded: true, emails: DEMO_EMAILS, generatedPassword: generated }
}
