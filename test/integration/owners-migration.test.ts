/**
 * Migration 0019 (issue 10): today's free-text owners become people of the register. Per organisation, each
 * distinct trimmed name is one person — the register's own if one of that name (any case) is there, else a new
 * employee, linked to the member whose account has that name — and another council's same name is a
 * different person. The database is migrated to 0017, given text owners, then migrated to the latest.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import { openDatabase, type Database } from '../../src/db/database.ts'
import { migrateTo, migrateToLatest } from '../../src/db/migrate.ts'
import type { DB } from '../../src/db/schema.ts'
import { createPostgresDatabase, dialectName, dropDatabase } from '../helpers/database.ts'

async function emptyDatabase(): Promise<{ database: Database; drop: () => Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const { name, url: databaseUrl } = await createPostgresDatabase(url, 'oversight_m')
    const database = openDatabase({ dialect: 'postgres', url: databaseUrl }, { poolSize: 2 })
    return {
      database,
      drop: async () => {
        await database.close()
        await dropDatabase(url, name)
      },
    }
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'oversight-migration-'))
  const database = openDatabase({ dialect: 'sqlite', file: path.join(dir, 'test.sqlite') })
  return {
    database,
    drop: async () => {
      await database.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const at = '2026-11-02T09:00:00.000Z'

describe(`migration 0019: owners become people (${dialectName()})`, () => {
  let database: Database
  let drop: () => Promise<void>
  let db: Kysely<DB>
  const ids = {} as Record<'marsh' | 'fen' | 'user' | 'registered' | 'p1' | 'p2' | 'p3' | 'issue', number>

  before(async () => {
    ;({ database, drop } = await emptyDatabase())
    db = database.db
    await migrateTo(database, '0017-leavers-sessions-token-expiry')
    // Before 0019 the owner tables have no person columns: set up through an untyped view of them.
    const loose = db as unknown as Kysely<Record<string, Record<string, unknown>>>
    const insert = async (table: string, values: Record<string, unknown>) =>
      (
        (await loose.insertInto(table).values(values).returning('id').executeTakeFirstOrThrow()) as {
          id: number
        }
      ).id
    for (const slug of ['marsh', 'fen'] as const) {
      ids[slug] = await insert('organisations', {
        slug,
        name: slug,
        rating_scale: 'five',
        is_demo: 0,
        created_at: at,
        updated_at: at,
      })
    }
    const user = await insert('users', {
      email: 'priya@example.gov.uk',
      name: 'Priya Shah',
      password_hash: 'x',
      is_active: 1,
      created_at: at,
      updated_at: at,
    })
    ids.user = user
    await insert('memberships', { organisation_id: ids.marsh, user_id: user, role: 'viewer', created_at: at })
    ids.registered = await insert('people', {
      organisation_id: ids.marsh,
      name: 'Tom Baker',
      kind: 'contractor',
      job_title: 'Delivery lead',
      created_at: at,
      updated_at: at,
    })
    const programme = (org: number, holder: string) =>
      insert('programmes', {
        organisation_id: org,
        reference: `P-${org}`,
        name: 'Digital',
        purpose: '',
        sro: '',
        portfolio_holder: holder,
        status: 'active',
        created_at: at,
        updated_at: at,
      })
    const marshProgramme = await programme(ids.marsh, ' Cllr Ann Lee ')
    const fenProgramme = await programme(ids.fen, 'Cllr Ann Lee')
    const project = (org: number, programmeId: number, ref: string, manager: string, sponsor: string) =>
      insert('projects', {
        organisation_id: org,
        programme_id: programmeId,
        reference: ref,
        name: ref,
        description: '',
        project_manager: manager,
        sponsor,
        stage: 'delivery',
        created_at: at,
        updated_at: at,
      })
    ids.p1 = await project(ids.marsh, marshProgramme, 'A-1', 'priya shah', 'tom baker')
    ids.p2 = await project(ids.marsh, marshProgramme, 'A-2', 'Priya Shah', '')
    ids.p3 = await project(ids.fen, fenProgramme, 'B-1', 'Priya Shah', 'CLLR ANN LEE')
    ids.issue = await insert('raid_issues', {
      organisation_id: ids.marsh,
      project_id: ids.p2,
      title: 'No owner yet',
      description: '',
      priority: 'high',
      owner: null,
      resolution: '',
      status: 'open',
      created_at: at,
      updated_at: at,
    })
    await migrateToLatest(database)
  })
  after(() => drop())

  const personOf = async (table: 'projects', id: number) =>
    db
      .selectFrom(table)
      .leftJoin('people as m', 'm.id', 'projects.project_manager_person_id')
      .leftJoin('people as s', 's.id', 'projects.sponsor_person_id')
      .select([
        'projects.project_manager',
        'm.id as managerId',
        'm.organisation_id as managerOrg',
        'm.user_id as managerUser',
        'projects.sponsor',
        's.id as sponsorId',
      ])
      .where('projects.id', '=', id)
      .executeTakeFirstOrThrow()

  it("makes each organisation's distinct names people, matching case-insensitively and linking the member", async () => {
    const p1 = await personOf('projects', ids.p1)
    const p2 = await personOf('projects', ids.p2)
    assert.equal(p1.managerId, p2.managerId, 'one person for "priya shah" and "Priya Shah"')
    assert.equal(p1.managerUser, ids.user, 'linked to the member whose account has that name')
    assert.equal(p1.project_manager, p2.project_manager, 'the copy reads as the register spells the name')
    assert.equal(p1.sponsorId, ids.registered, 'the register’s Tom Baker, not a new person')
    assert.equal(p1.sponsor, 'Tom Baker')
    assert.equal(p2.sponsorId, null, 'no name, no person')
    const marshPeople = await db
      .selectFrom('people')
      .select(['name', 'kind'])
      .where('organisation_id', '=', ids.marsh)
      .orderBy('name')
      .execute()
    assert.deepEqual(
      marshPeople.map((p) => `${p.name} (${p.kind})`),
      ['Cllr Ann Lee (employee)', 'Priya Shah (employee)', 'Tom Baker (contractor)'],
      'trimmed, once each',
    )
  })

  it("gives another organisation's same name a person of its own, without a member's account", async () => {
    const p1 = await personOf('projects', ids.p1)
    const p3 = await personOf('projects', ids.p3)
    assert.notEqual(p3.managerId, p1.managerId)
    assert.equal(p3.managerOrg, ids.fen)
    assert.equal(p3.managerUser, null, 'Priya is a member of Marsh only')
    const programmes = await db
      .selectFrom('programmes')
      .innerJoin('people', 'people.id', 'programmes.portfolio_holder_person_id')
      .select(['programmes.organisation_id', 'people.organisation_id as personOrg', 'people.name'])
      .orderBy('programmes.id')
      .execute()
    assert.deepEqual(
      programmes.map((p) => [p.organisation_id === p.personOrg, p.name]),
      [
        [true, 'Cllr Ann Lee'],
        [true, 'Cllr Ann Lee'],
      ],
    )
    assert.equal(
      p3.sponsorId !== null && p3.sponsor,
      'Cllr Ann Lee',
      "Fen's sponsor is Fen's Portfolio Holder",
    )
  })

  it('leaves an issue without an owner without one', async () => {
    const issue = await db
      .selectFrom('raid_issues')
      .select(['owner', 'owner_person_id'])
      .where('id', '=', ids.issue)
      .executeTakeFirstOrThrow()
    assert.deepEqual(issue, { owner: null, owner_person_id: null })
  })
})
