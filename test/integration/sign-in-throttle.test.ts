import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { hashPassword } from '../../src/auth/passwords.ts'
import type { Database } from '../../src/db/database.ts'
import {
  accountKey,
  addressKey,
  createSignInThrottle,
  lockoutMs,
  MAX_DELAY_MS,
} from '../../src/modules/auth/sign-in-throttle.ts'
import { buildTestApp, TEST_PASSWORD, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { twoInstances, type TwoInstances } from '../helpers/two-instances.ts'
import { Client } from '../helpers/sign-in-client.ts'

const wrong = (i: number) => `wrong guess ${i}`

async function failures(database: Database, key: string): Promise<number> {
  const row = await database.db
    .selectFrom('sign_in_throttle')
    .select('failures')
    .where('key', '=', key)
    .executeTakeFirst()
  return row?.failures ?? 0
}

describe(`sign-in throttling (${dialectName()})`, () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  // Each wrong password that was checked is counted, however many arrive at once (read-then-write
  // counted 40 as 1). How many of the 40 are checked before the lockout starts depends on the machine's
  // speed, so the test counts the 400s rather than expecting 40 of them.
  it('counts every one of 40 concurrent wrong passwords, and then refuses at once with Retry-After', async () => {
    const email = t.orgs.a.users.viewer.email
    const clients = await Promise.all(
      Array.from({ length: 40 }, (_, i) => new Client(t.app, `192.0.2.${i + 1}`).open()),
    )
    const answers = await Promise.all(clients.map((c, i) => c.signIn(email, wrong(i))))
    assert.ok(
      answers.every((a) => a.statusCode === 400 || a.statusCode === 429),
      'each is refused',
    )
    const counted = await failures(t.database, accountKey(email))
    assert.equal(counted, answers.filter((a) => a.statusCode === 400).length, 'every checked try is counted')
    assert.ok(counted >= 5, 'at least the free tries were used')

    const blocked = await clients[0]!.signIn(email.toUpperCase(), TEST_PASSWORD)
    assert.equal(blocked.statusCode, 429, 'even the right password waits')
    const retryAfter = Number(blocked.headers['retry-after'])
    assert.ok(
      retryAfter > 0 && retryAfter <= lockoutMs(counted, 5) / 1000,
      `waits as long as ${counted} failures earn, never more than 15 minutes (${retryAfter})`,
    )
    assert.match(blocked.body, /There have been too many attempts to sign in/)
    assert.match(blocked.body, /govuk-error-summary/)
  })

  it('refuses one address that tries many accounts, and no other address', async () => {
    const attacker = await new Client(t.app, '198.51.100.20').open()
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => attacker.signIn(`person${i}@alpha.test`, wrong(i))),
    )
    assert.deepEqual(
      answers.map((a) => a.statusCode),
      Array.from({ length: 20 }, () => 400),
    )
    assert.equal(await failures(t.database, addressKey('198.51.100.20')), 20)
    const user = t.orgs.a.users.programme_manager
    const next = await attacker.signIn(user.email, TEST_PASSWORD)
    assert.equal(next.statusCode, 429, 'the address is refused, whichever account it names')
    assert.ok(Number(next.headers['retry-after']) > 0)
    const colleague = await new Client(t.app, '198.51.100.21').open()
    assert.equal((await colleague.signIn(user.email, TEST_PASSWORD)).statusCode, 303)
  })

  // One IPv6 subscriber is given a whole /64 (2^64 addresses), so that is what one address means.
  it('counts an IPv6 client by its /64 network, and an IPv4-mapped address as the IPv4 one', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const client = await new Client(t.app, `2001:db8:1:2:${i.toString(16)}::${i + 1}`).open()
        return client.signIn(`v6-${i}@alpha.test`, wrong(i))
      }),
    )
    assert.ok(answers.every((a) => a.statusCode === 400))
    const user = t.orgs.a.users.project_manager
    const sameNetwork = await new Client(t.app, '2001:0db8:0001:0002:ffff:0:0:1').open()
    assert.equal((await sameNetwork.signIn(user.email, TEST_PASSWORD)).statusCode, 429)
    const nextNetwork = await new Client(t.app, '2001:db8:1:3::1').open()
    assert.equal((await nextNetwork.signIn(user.email, TEST_PASSWORD)).statusCode, 303)

    for (let i = 0; i < 20; i++) {
      const client = await new Client(t.app, '::ffff:198.51.100.80').open()
      assert.equal((await client.signIn(`v4-${i}@alpha.test`, wrong(i))).statusCode, 400)
    }
    const plain = await new Client(t.app, '198.51.100.80').open()
    assert.equal((await plain.signIn(user.email, TEST_PASSWORD)).statusCode, 429)
  })

  it('ignores X-Forwarded-For from a peer that is not a configured proxy', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const spoofer = await new Client(t.app, '198.51.100.30', `203.0.113.${i + 1}`).open()
        return spoofer.signIn(`spoof${i}@alpha.test`, wrong(i))
      }),
    )
    assert.ok(answers.every((a) => a.statusCode === 400))
    const again = await new Client(t.app, '198.51.100.30', '203.0.113.99').open()
    const res = await again.signIn(t.orgs.a.users.finance_officer.email, TEST_PASSWORD)
    assert.equal(res.statusCode, 429, 'counted against the connection, whatever the header says')
  })

  it('a lockout is not extended by tries made during it, and the right password works once it ends', async () => {
    const user = t.orgs.b.users.viewer
    const client = await new Client(t.app, '198.51.100.40').open()
    for (let i = 0; i < 5; i++) assert.equal((await client.signIn(user.email, wrong(i))).statusCode, 400)
    const key = accountKey(user.email)
    const locked = await t.database.db
      .selectFrom('sign_in_throttle')
      .select(['failures', 'not_before'])
      .where('key', '=', key)
      .executeTakeFirstOrThrow()
    assert.ok(locked.not_before, 'a not-before time is stored')
    for (let i = 0; i < 10; i++) assert.equal((await client.signIn(user.email, wrong(i))).statusCode, 429)
    const still = await t.database.db
      .selectFrom('sign_in_throttle')
      .select(['failures', 'not_before'])
      .where('key', '=', key)
      .executeTakeFirstOrThrow()
    assert.deepEqual(still, locked, 'refused tries are neither counted nor push the time back')

    // The wait runs out (the stored time moved into the past, as the clock would).
    await t.database.db
      .updateTable('sign_in_throttle')
      .set({ not_before: new Date(Date.now() - 1000).toISOString() })
      .where('key', '=', key)
      .execute()
    assert.equal((await client.signIn(user.email, TEST_PASSWORD)).statusCode, 303)
    assert.equal(await failures(t.database, key), 0, 'a successful sign-in clears the account')
  })

  // OWASP's "device cookie": someone else's wrong guesses lock the account for unknown browsers only, so
  // an attacker cannot keep its owner out of it by guessing every 15 minutes.
  it('a browser that has signed in to the account before is not locked out by someone else', async () => {
    const owner = t.orgs.b.users.finance_officer
    const laptop = await new Client(t.app, '198.51.100.70').open()
    const first = await laptop.signIn(owner.email, TEST_PASSWORD)
    assert.equal(first.statusCode, 303)
    const device = first.cookies.find((c) => c.name === 'oversight_device')
    assert.ok(device, 'the browser is remembered')
    assert.equal(device.path, '/sign-in', 'sent only to the sign-in page')
    assert.equal(device.httpOnly, true)

    const attacker = await new Client(t.app, '198.51.100.71').open()
    for (let i = 0; i < 5; i++) assert.equal((await attacker.signIn(owner.email, wrong(i))).statusCode, 400)
    assert.equal((await attacker.signIn(owner.email, TEST_PASSWORD)).statusCode, 429, 'the attacker waits')
    const stranger = await new Client(t.app, '198.51.100.72').open()
    assert.equal((await stranger.signIn(owner.email, TEST_PASSWORD)).statusCode, 429, 'so does a new browser')

    const home = laptop.movedTo('198.51.100.73')
    assert.equal(
      (await home.signIn(owner.email, TEST_PASSWORD)).statusCode,
      303,
      'the owner’s browser signs in',
    )

    // The remembered browser has its own count: a thief holding the cookie still gets only a few tries.
    for (let i = 0; i < 5; i++) assert.equal((await home.signIn(owner.email, wrong(i))).statusCode, 400)
    assert.equal((await home.signIn(owner.email, TEST_PASSWORD)).statusCode, 429)
    // A remembered browser vouches only for the account it signed in to.
    const other = t.orgs.b.users.programme_manager
    const borrowed = laptop.movedTo('198.51.100.74')
    for (let i = 0; i < 5; i++) assert.equal((await attacker.signIn(other.email, wrong(i))).statusCode, 400)
    assert.equal((await borrowed.signIn(other.email, TEST_PASSWORD)).statusCode, 429)
  })

  it('stores the wait the rule gives: none for the free tries, then doubling from 30 s to at most 15 minutes', async () => {
    const throttle = createSignInThrottle(t.database.db)
    const key = { key: 'rule-check', freeFailures: 5 }
    const now = Date.parse('2026-12-01T09:00:00.000Z')
    const waits: number[] = []
    for (let n = 1; n <= 13; n++) {
      await throttle.recordFailure([key], now)
      const row = await t.database.db
        .selectFrom('sign_in_throttle')
        .select(['failures', 'not_before'])
        .where('key', '=', key.key)
        .executeTakeFirstOrThrow()
      assert.equal(row.failures, n)
      waits.push(row.not_before === null ? 0 : Date.parse(row.not_before) - now)
    }
    const s = 1000
    assert.deepEqual(waits, [
      0,
      0,
      0,
      0,
      30 * s,
      60 * s,
      120 * s,
      240 * s,
      480 * s,
      900 * s,
      900 * s,
      900 * s,
      900 * s,
    ])
    assert.deepEqual(
      waits,
      waits.map((_, i) => lockoutMs(i + 1, 5)),
    )
    assert.equal(Math.max(...waits), MAX_DELAY_MS)

    // An hour after the last failure the count starts again.
    await throttle.recordFailure([key], now + 61 * 60 * 1000)
    assert.equal(await failures(t.database, key.key), 1)
  })
})

describe(`sign-in throttling behind a trusted proxy (${dialectName()})`, () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp({ TRUST_PROXY: '10.0.0.1' })
  })
  after(() => t.close())

  it('counts the client address the proxy forwards, not the proxy', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const client = await new Client(t.app, '10.0.0.1', '203.0.113.7').open()
        return client.signIn(`guess${i}@alpha.test`, wrong(i))
      }),
    )
    assert.ok(answers.every((a) => a.statusCode === 400))
    const user = t.orgs.a.users.viewer
    const same = await new Client(t.app, '10.0.0.1', '203.0.113.7').open()
    assert.equal(
      (await same.signIn(user.email, TEST_PASSWORD)).statusCode,
      429,
      'the forwarded client is refused',
    )
    const other = await new Client(t.app, '10.0.0.1', '203.0.113.8').open()
    assert.equal(
      (await other.signIn(user.email, TEST_PASSWORD)).statusCode,
      303,
      'another client behind it is not',
    )
    const direct = await new Client(t.app, '198.51.100.50', '203.0.113.7').open()
    assert.equal(
      (await direct.signIn(user.email, TEST_PASSWORD)).statusCode,
      303,
      'an untrusted peer naming the refused client is counted as itself',
    )
  })
})

// Two app instances against one PostgreSQL database, as behind a load balancer: the counts live in the
// database, so an attacker gains nothing by spreading tries across instances.
describe(
  'sign-in throttling across two instances',
  {
    skip:
      !process.env.TEST_DATABASE_URL &&
      "needs PostgreSQL (TEST_DATABASE_URL): SQLite is one process's file, never shared by two instances",
  },
  () => {
    let instances: TwoInstances
    let apps: TwoInstances['apps']
    const email = 'officer@two.test'

    before(async () => {
      instances = await twoInstances()
      apps = instances.apps
      const db = instances.databases[0].db
      const at = new Date().toISOString()
      const org = await db
        .insertInto('organisations')
        .values({
          slug: 'two',
          name: 'Two Council',
          rating_scale: 'ipa5',
          is_demo: 0,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const user = await db
        .insertInto('users')
        .values({
          email,
          name: 'Officer',
          password_hash: await hashPassword(TEST_PASSWORD),
          is_active: 1,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await db
        .insertInto('memberships')
        .values({ organisation_id: org.id, user_id: user.id, role: 'viewer', created_at: at })
        .execute()
    })
    after(() => instances.close())

    it('counts the failures made on both instances together', async () => {
      const clients = await Promise.all(
        Array.from({ length: 40 }, (_, i) => new Client(apps[i % 2]!, `192.0.2.${i + 1}`).open()),
      )
      const answers = await Promise.all(clients.map((c, i) => c.signIn(email, wrong(i))))
      assert.ok(
        answers.every((a) => a.statusCode === 400 || a.statusCode === 429),
        `answers: ${answers.map((a) => a.statusCode).join(' ')}`,
      )
      const counted = await failures(instances.databases[0], accountKey(email))
      assert.equal(
        counted,
        answers.filter((a) => a.statusCode === 400).length,
        'every checked try is counted',
      )
      assert.ok(counted >= 5)
      for (const app of apps) {
        const client = await new Client(app, '192.0.2.200').open()
        const res = await client.signIn(email, TEST_PASSWORD)
        assert.equal(res.statusCode, 429, 'each instance refuses the account')
        assert.ok(Number(res.headers['retry-after']) > 0)
      }
    })

    it('counts one address across both instances', async () => {
      const answers = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const client = await new Client(apps[i % 2]!, '198.51.100.60').open()
          return client.signIn(`nobody${i}@two.test`, wrong(i))
        }),
      )
      assert.ok(answers.every((a) => a.statusCode === 400))
      assert.equal(await failures(instances.databases[1], addressKey('198.51.100.60')), 20)
      for (const app of apps) {
        const client = await new Client(app, '198.51.100.60').open()
        assert.equal((await client.signIn('someone@two.test', wrong(99))).statusCode, 429)
      }
    })
  },
)
