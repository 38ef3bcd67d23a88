/**
 * The change cache (src/modules/audit/change-cache.ts) behind the dashboard and the project list API: a view
 * is recomputed once something changes, and the view it replaces is let go at once rather than held until
 * the cap pushes it out (every saved change supersedes a view; a busy day's superseded dashboards would
 * otherwise fill the process's memory).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { wholeOrganisation } from '../../src/auth/visibility.ts'
import { createChangeCache } from '../../src/modules/audit/change-cache.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

describe(`the change cache (${dialectName()})`, () => {
  let t: TestApp
  let pm: string
  before(async () => {
    t = await buildTestApp()
    pm = await t.tokenFor(t.orgs.a.users.programme_manager)
  })
  after(() => t.close())

  let saved = 0
  async function saveSomething() {
    const res = await t.api(pm, 'POST', '/api/v1/programmes', { reference: `CC-${++saved}`, name: 'Changed' })
    assert.equal(res.statusCode, 201, res.body)
  }

  it('recomputes after a change and holds one view per reader and variant, not one per change', async () => {
    const cached = createChangeCache<number>(t.database.db, 10)
    const scope = wholeOrganisation(t.orgs.a.id)
    let computed = 0
    const view = () => cached(scope, 'dashboard', () => Promise.resolve(++computed))

    assert.equal(await view(), 1)
    assert.equal(await view(), 1, 'nothing changed: remembered')
    for (let i = 0; i < 3; i++) await saveSomething()
    assert.equal(await view(), 2, 'recomputed after a change')
    await saveSomething()
    assert.equal(await view(), 3)
    assert.equal(cached.size, 1, 'the superseded views were let go')

    // Another variant and another organisation are views of their own.
    await cached(scope, 'other', () => Promise.resolve(0))
    await cached(wholeOrganisation(t.orgs.b.id), 'dashboard', () => Promise.resolve(0))
    assert.equal(cached.size, 3)
    assert.equal(await view(), 3, 'still remembered')
  })

  it('a dashboard page remembered on the counter its session read shows the next change at once', async () => {
    // The session lookup reads the change counter in the same query (Actor.changeSeq), and the dashboard is
    // remembered on it: a change saved by someone else between two page loads must still show on the second.
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const first = await viewer.get('/')
    assert.equal(first.status, 200)
    assert.doesNotMatch(first.body, /Seen at once/)
    assert.equal((await viewer.get('/')).status, 200, 'answered from memory')
    const res = await t.api(pm, 'POST', '/api/v1/programmes', { reference: 'CC-SEEN', name: 'Seen at once' })
    assert.equal(res.statusCode, 201, res.body)
    assert.match((await viewer.get('/')).body, /Seen at once/)
  })

  it('weighs views when told how: the oldest go first once their weights pass the limit, and one heavier than it is not kept', async () => {
    const cached = createChangeCache<string>(t.database.db, 10, true, (view) => view.length)
    const scope = wholeOrganisation(t.orgs.a.id)
    let computed = 0
    const view = (variant: string, text: string) =>
      cached(scope, variant, () => {
        computed++
        return Promise.resolve(text)
      })
    await view('a', 'aaaa')
    await view('b', 'bbbb')
    assert.equal(cached.size, 2)
    await view('c', 'cccc')
    assert.equal(cached.size, 2, '12 past the limit of 10: the oldest went')
    computed = 0
    await view('b', 'bbbb')
    await view('c', 'cccc')
    assert.equal(computed, 0, 'the newer two still remembered')
    await view('huge', 'x'.repeat(11))
    assert.equal(cached.size, 2, 'a view heavier than the whole limit is answered, not kept')
  })

  it('the project list API remembers more answers than the 50 it once held: many organisations polling in turn stay answered from memory', async () => {
    // W100 (issue 14): one instance serving 60 councils' integrations, each polling its list in turn, kept
    // none of them while the cache held 50 answers (each new answer pushed out the one asked for next).
    // Sixty queries of one organisation fill the same cache as sixty organisations' lists.
    const programme = await t.api(pm, 'POST', '/api/v1/programmes', { reference: 'CC-MANY', name: 'Many' })
    const project = await t.api(pm, 'POST', '/api/v1/projects', {
      programmeId: programme.json<{ id: number }>().id,
      reference: 'CC-MANY-1',
      name: 'Remembered',
    })
    assert.equal(project.statusCode, 201, project.body)
    const readers = Array.from({ length: 60 }, (_, i) => `/api/v1/projects?limit=${i + 1}`)
    const names = async (url: string) => {
      const res = await t.api(pm, 'GET', url)
      assert.equal(res.statusCode, 200, res.body)
      return res.json<{ items: { name: string }[] }>().items.map((p) => p.name)
    }
    for (const url of readers) assert.deepEqual(await names(url), ['Remembered'])
    // Behind the app's back, so the change counter does not move: only an answer computed again shows it.
    await t.database.db
      .updateTable('projects')
      .set({ name: 'Remembered (renamed outside the app)' })
      .where('id', '=', project.json<{ id: number }>().id)
      .execute()
    for (const url of readers)
      assert.deepEqual(await names(url), ['Remembered'], `${url} answered from memory`)
  })

  it('turned off (CHANGE_CACHE=false), computes every view afresh: a benchmark then measures the database', async () => {
    const cached = createChangeCache<number>(t.database.db, 10, false)
    const scope = wholeOrganisation(t.orgs.a.id)
    let computed = 0
    const view = () => cached(scope, 'dashboard', () => Promise.resolve(++computed))
    assert.equal(await view(), 1)
    assert.equal(await view(), 2, 'nothing changed, yet computed again')
    assert.equal(cached.size, 0, 'nothing is held')
  })

  it('the app started with CHANGE_CACHE=false answers the project list from the database each time', async () => {
    const uncached = await buildTestApp({ CHANGE_CACHE: 'false' })
    try {
      const token = await uncached.tokenFor(uncached.orgs.a.users.programme_manager)
      const names = async () => {
        const res = await uncached.api(token, 'GET', '/api/v1/projects?limit=100')
        assert.equal(res.statusCode, 200, res.body)
        return res.json<{ items: { name: string }[] }>().items.map((p) => p.name)
      }
      const programme = await uncached.api(token, 'POST', '/api/v1/programmes', {
        reference: 'CC',
        name: 'Cache',
      })
      const programmeId = programme.json<{ id: number }>().id
      const project = await uncached.api(token, 'POST', '/api/v1/projects', {
        programmeId,
        reference: 'CC-1',
        name: 'Named in the app',
      })
      assert.equal(project.statusCode, 201, project.body)
      assert.deepEqual(await names(), ['Named in the app'])
      // Behind the app's back, so the change counter does not move: only an uncached list can show it.
      await uncached.database.db
        .updateTable('projects')
        .set({ name: 'Renamed outside the app' })
        .where('organisation_id', '=', uncached.orgs.a.id)
        .execute()
      assert.deepEqual(new Set(await names()), new Set(['Renamed outside the app']))
    } finally {
      await uncached.close()
    }
  })
})
