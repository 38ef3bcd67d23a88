import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Database } from '../../src/db/database.ts'
import { todayInLondon } from '../../src/domain/dates.ts'
import { loadDemoIfEmpty } from '../../src/demo/demo.service.ts'
import { isAreaActionOverdue } from '../../src/modules/reports/area-actions.rules.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'

/** The demo's areas for consideration as tracked actions (src/demo/scrutiny-loop-demo.ts). */
describe(`scrutiny loop demo: the Portfolio Holder's actions from the July 2021 report (${dialectName()})`, () => {
  let database: Database
  let drop: () => Promise<void>

  before(async () => {
    const created = await createTestDatabase()
    database = created.database
    drop = created.drop
    await loadDemoIfEmpty(database.db, 'demo password for tests')
  })
  after(async () => {
    await drop()
  })

  it('has two done with notes, one in progress on a weekday ahead, and the ambitions overdue', async () => {
    const db = database.db
    const org = await db
      .selectFrom('organisations')
      .select('id')
      .where('slug', '=', 'marshland')
      .executeTakeFirstOrThrow()
    const ph = await db
      .selectFrom('memberships')
      .select('user_id')
      .where('organisation_id', '=', org.id)
      .where('role', '=', 'portfolio_holder')
      .executeTakeFirstOrThrow()
    const areas = await db
      .selectFrom('report_areas')
      .selectAll()
      .where('organisation_id', '=', org.id)
      .orderBy('position')
      .execute()
    assert.equal(areas.length, 4)
    assert.ok(
      areas.every((a) => a.owner_user_id === ph.user_id),
      'all owned by the Portfolio Holder',
    )
    assert.deepEqual(
      areas.map((a) => a.status),
      ['done', 'done', 'in_progress', 'open'],
    )
    const today = todayInLondon()
    assert.deepEqual(
      areas.filter((a) => isAreaActionOverdue(a, today)).map((a) => a.text),
      ['Publish the council’s digital ambitions so they are transparent'],
    )
    for (const a of areas) {
      const day = new Date(`${a.due_on}T12:00:00Z`).getUTCDay()
      assert.ok(day >= 1 && day <= 5, `${a.due_on} is a weekday`)
    }
    const notes = await db
      .selectFrom('report_area_notes')
      .select(['area_id', 'noted_on'])
      .where('organisation_id', '=', org.id)
      .execute()
    for (const done of areas.filter((a) => a.status === 'done'))
      assert.ok(
        notes.some((n) => n.area_id === done.id),
        `${done.text} has a progress note`,
      )
    const history = await db
      .selectFrom('audit_events')
      .select('action')
      .where('organisation_id', '=', org.id)
      .where('entity_type', '=', 'report_area')
      .execute()
    assert.ok(
      history.some((e) => e.action === 'note'),
      'the notes are in the history',
    )
  })
})
