import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { wholeOrganisation } from '../../src/auth/visibility.ts'
import { actorOf, tableText } from './finance-helpers.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

// Issue 9: every finance write of a versioned row goes through the one audited, version-checked update, and
// every finance form that edits one shows the generic conflict page on a stale version.
describe(`finance versioned writes (${dialectName()})`, () => {
  let t: TestApp
  let projectId: number
  let streamId: number
  before(async () => {
    t = await buildTestApp()
    const token = await t.tokenFor(t.orgs.a.users.administrator)
    const make = async (url: string, body: unknown) => {
      const res = await t.api(token, 'POST', url, body)
      assert.equal(res.statusCode, 201, res.body)
      return res.json<{ id: number }>().id
    }
    const programmeId = await make('/api/v1/programmes', { reference: 'ICT', name: 'ICT programme' })
    projectId = await make('/api/v1/projects', { reference: 'ICT-09', name: 'Intranet', programmeId })
    streamId = await make('/api/v1/funding-streams', {
      name: 'Core revenue budget',
      kind: 'core_revenue',
      baseCostsEligible: true,
    })
  })
  after(() => t.close())

  const line = (over: Record<string, string> = {}) => ({
    financialYear: '2025/26',
    category: 'revenue',
    fundingStreamId: String(streamId),
    costType: 'staff',
    description: 'Content designer',
    amount: '£6,000.00',
    profileMethod: 'flat',
    approvedBy: 'Cabinet',
    'approvedOn-day': '27',
    'approvedOn-month': '2',
    'approvedOn-year': '2025',
    approvalReference: 'CAB/2025/20',
    ...over,
  })

  it('two changes of the same budget line version: the second sees the conflict page, nothing overwritten', async () => {
    const fo = await t.signIn(t.orgs.a.users.finance_officer)
    assert.equal((await fo.post(`/projects/${projectId}/budget-lines`, line())).status, 303)
    const scope = wholeOrganisation(t.orgs.a.id)
    const [saved] = await inOrganisation(t.orgs.a, () =>
      t.app.services.finance.projectBudgetLines(scope, projectId),
    )
    assert.ok(saved)
    const url = `/budget-lines/${saved.id}/edit`
    const form = await fo.get(url)
    const version = form.document.querySelector('input[name="version"]')?.getAttribute('value') ?? ''
    assert.equal(version, String(saved.version))

    const first = await fo.post(url, line({ version, description: 'Content designer (0.5 FTE)' }))
    assert.equal(first.status, 303, first.text)
    const second = await fo.post(
      url,
      line({ version, description: 'Two content designers', amount: '£9,000' }),
    )
    assert.equal(second.status, 409)
    assert.match(second.document.querySelector('h1')?.textContent ?? '', /This was changed by someone else/)
    const rows = tableText(second.document.querySelector('main table'))
    assert.match(rows, /Amount .*£9,000\.00 .*£6,000\.00/)
    assert.match(rows, /Description .*Two content designers .*Content designer \(0\.5 FTE\)/)
    const now = await inOrganisation(t.orgs.a, () => t.app.services.finance.budgetLine(scope, saved.id))
    assert.equal(now?.description, 'Content designer (0.5 FTE)')
    assert.equal(now?.version, saved.version + 1)
  })

  /**
   * Another change to the row commits while the save is between reading the row and writing it. The save
   * must not write over that change as if it had read it: it is refused (409), or, where the database runs
   * one write at a time (SQLite), it reads the row after the other change and moves the version past it.
   */
  async function raceWith(
    table: 'forecasts' | 'budget_monitoring',
    id: number,
    save: () => Promise<{ version: number }>,
  ) {
    const db = t.database.db
    const before = await db.selectFrom(table).select('version').where('id', '=', id).executeTakeFirstOrThrow()
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let locked!: () => void
    const isLocked = new Promise<void>((resolve) => (locked = resolve))
    const other = db.transaction().execute(async (trx) => {
      await trx
        .updateTable(table)
        // eslint-disable-next-line no-restricted-syntax -- the test is someone else's write landing meanwhile
        .set({ version: before.version + 1 })
        .where('id', '=', id)
        .execute()
      locked()
      await held
    })
    await isLocked
    const outcome = save().then(
      (row) => ({ row, error: null }),
      (error: unknown) => ({ row: null, error }),
    )
    await sleep(300)
    release()
    await other
    const { row, error } = await outcome
    if (error) {
      assert.equal((error as { statusCode?: number }).statusCode, 409, (error as Error).message)
      const stored = await db
        .selectFrom(table)
        .select('version')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      assert.equal(stored.version, before.version + 1, 'the other change stands')
    } else {
      assert.equal(row?.version, before.version + 2, 'the save read the other change before writing over it')
    }
  }

  it('a forecast re-entered while another change to it commits is not written over that change', async () => {
    const actor = actorOf(t.orgs.a.users.finance_officer)
    const input = { financialYear: '2025/26', period: '2025-06', forecastPence: 600000, note: 'On budget' }
    const first = await inOrganisation(t.orgs.a, () =>
      t.app.services.finance.recordForecast(actor, projectId, input),
    )
    await raceWith('forecasts', first.id, () =>
      inOrganisation(t.orgs.a, () =>
        t.app.services.finance.recordForecast(actor, projectId, { ...input, forecastPence: 650000 }),
      ),
    )
  })

  it('a sign-off made while another change to the month commits is not written over that change', async () => {
    const finance = t.app.services.finance
    const input = { period: '2025-06', forecastConfirmed: true, varianceExplanation: 'Agency rates rose' }
    const first = await inOrganisation(t.orgs.a, () =>
      finance.signOff(actorOf(t.orgs.a.users.finance_officer), projectId, {
        ...input,
        as: 'finance',
      }),
    )
    await raceWith('budget_monitoring', first.id, () =>
      inOrganisation(t.orgs.a, () =>
        finance.signOff(actorOf(t.orgs.a.users.project_manager), projectId, { ...input, as: 'project' }),
      ),
    )
  })
})
