import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { pathToFileURL } from 'node:url'
import { sql } from 'kysely'
import { hashPassword } from '../../src/auth/passwords.ts'
import { openDatabase, type Database } from '../../src/db/database.ts'
import { migrateToLatest, pendingMigrations } from '../../src/db/migrate.ts'
import { projectRoot } from '../../src/paths.ts'
import { appRoleExists, appRoleUrl, NO_APP_ROLE } from '../helpers/app-role.ts'
import { createPostgresDatabase } from '../helpers/database.ts'
import { multipartBody } from '../helpers/multipart.ts'
import { programArgs } from '../helpers/processes.ts'
import type * as StackTypes from '../../deploy/local/stack.mjs'

// The deployment of docs/deployment.md, for real: nginx → two instances → pgbouncer (transaction pooling) →
// PostgreSQL, each its own process (deploy/local/stack.mjs), driven through nginx as a browser would.
type StackModule = typeof StackTypes
const stackModule = (await import(
  pathToFileURL(path.join(projectRoot(), 'deploy', 'local', 'stack.mjs')).href
)) as StackModule

const admin = process.env.TEST_DATABASE_URL ?? ''
const missing = ['nginx', 'pgbouncer'].filter((p) => stackModule.findProgram(p) === null)
const skip = !/^postgres(ql)?:\/\//.test(admin)
  ? 'PostgreSQL only (several processes on one database): set TEST_DATABASE_URL'
  : missing.length > 0
    ? `needs ${missing.join(' and ')} installed (apt-get install nginx pgbouncer)`
    : !(await appRoleExists())
      ? NO_APP_ROLE
      : false
// As docs/deployment.md says a real deployment does, the instances serve as a role that owns no tables.
const APP_ROLE_URL = skip ? '' : appRoleUrl('postgres')

// The browser connects from 127.0.0.2, nginx (the one trusted proxy, TRUST_PROXY) from 127.0.0.1.
const BROWSER_ADDRESS = '127.0.0.2'
const PASSWORD = 'a long enough password for the deployment test'
const LGA_HEAD =
  'OrganisationLabel,OrganisationURI,EffectiveDate,OrganisationalUnit,BeneficiaryName,BeneficiaryOtherID,PaymentDate,TransactionNumber,Amount,IrrecoverableVATAmount,Purpose,ProclassLabel,ProclassCode,InvoiceNumber,ProfitCentre,VATRegistrationNumber'
const lgaRow = (ref: string, amount: string) =>
  `Alpha,http://x,2025-07-01,Digital,Webworks Ltd,,2025-07-03,${ref},${amount},0,Website build,ICT,1,INV-${ref},ICT4410,`

interface Reply {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
  /** The instance (host:port) nginx passed the request to. */
  upstream: string
}

/** A browser: cookies kept, requests from its own address through one keep-alive connection pool. */
class Browser {
  private readonly cookies = new Map<string, string>()
  private readonly agent = new http.Agent({ keepAlive: true, localAddress: BROWSER_ADDRESS })
  csrf = ''
  constructor(private readonly base: string) {}

  request(
    method: string,
    url: string,
    opts: { body?: Buffer | string; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    return new Promise((resolve, reject) => {
      const req = http.request(
        new URL(url, this.base),
        {
          method,
          agent: this.agent,
          headers: { accept: 'text/html', ...(cookie ? { cookie } : {}), ...opts.headers },
        },
        (res) => {
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (d: string) => (body += d))
          res.on('end', () => {
            for (const c of res.headers['set-cookie'] ?? []) {
              const [pair = ''] = c.split(';')
              const at = pair.indexOf('=')
              this.cookies.set(pair.slice(0, at), pair.slice(at + 1))
            }
            const csrf = /name="_csrf" value="([^"]+)"/.exec(body)?.[1]
            if (csrf) this.csrf = csrf
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body,
              upstream: String(res.headers['x-oversight-upstream'] ?? ''),
            })
          })
        },
      )
      req.on('error', reject)
      req.end(opts.body)
    })
  }

  form(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request('POST', url, {
      body: new URLSearchParams({ _csrf: this.csrf, ...fields }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    })
  }

  close(): void {
    this.agent.destroy()
  }
}

async function metric(instanceUrl: string, name: string, job: string): Promise<number> {
  const res = await fetch(`${instanceUrl}/metrics`, {
    headers: { authorization: 'Bearer deployment-test-metrics-token-0123' },
  })
  assert.equal(res.status, 200)
  const text = await res.text()
  let total = 0
  for (const line of text.split('\n'))
    if (line.startsWith(`${name}{`) && line.includes(`job="${job}"`)) total += Number(line.split(' ').pop())
  return total
}

/** TCP connections to `port` on 127.0.0.1 as the connecting side holds them (Linux's /proc/net/tcp). */
function connectionsTo(port: number): Array<{ local: number; state: string; inode: string }> {
  const remote = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[2] === remote)
    .map((f) => ({
      local: parseInt(f[1]?.split(':')[1] ?? '', 16),
      state: f[3] === '01' ? 'established' : f[3] === '06' ? 'time-wait' : String(f[3]),
      inode: String(f[9]),
    }))
}

/** The sockets this process holds (their inodes), to tell its own connections from nginx's. */
function ownSockets(): Set<string> {
  const inodes = new Set<string>()
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`)
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1]
      if (inode) inodes.add(inode)
    } catch {
      // closed meanwhile
    }
  }
  return inodes
}

describe('several instances behind nginx, through pgbouncer in transaction mode', { skip }, () => {
  let stack: Awaited<ReturnType<StackModule['startStack']>>
  let direct: Database
  let browser: Browser
  let readyAt = 0

  before(async () => {
    stack = await stackModule.startStack({
      adminUrl: admin,
      appUrl: APP_ROLE_URL,
      instances: 2,
      serverArgs: programArgs('server'),
      env: { METRICS_TOKEN: 'deployment-test-metrics-token-0123' },
    })
    direct = openDatabase({ dialect: 'postgres', url: stack.directUrl }, { poolSize: 2 })
    const at = new Date().toISOString()
    const org = await direct.db
      .insertInto('organisations')
      .values({
        slug: 'fenland',
        name: 'Fenland',
        rating_scale: 'ipa5',
        is_demo: 0,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const user = await direct.db
      .insertInto('users')
      .values({
        email: 'finance@fenland.test',
        name: 'Fen Finance',
        password_hash: await hashPassword(PASSWORD),
        is_active: 1,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await direct.db
      .insertInto('memberships')
      .values({ organisation_id: org.id, user_id: user.id, role: 'finance_officer', created_at: at })
      .execute()
    browser = new Browser(stack.baseUrl)
    readyAt = Date.now()
  })

  after(async () => {
    browser?.close()
    await direct?.close()
    await stack?.stop()
  })

  it('signs in, posts forms with CSRF and uploads and adds a ledger file, alternating between instances', async () => {
    const served: string[] = []
    const page = await browser.request('GET', '/sign-in')
    served.push(page.upstream)
    assert.equal(page.status, 200)
    // The browser says it is somewhere else; only nginx, the trusted proxy, is believed.
    const signedIn = await browser.form(
      '/sign-in',
      { email: 'finance@fenland.test', password: PASSWORD },
      { 'x-forwarded-for': '203.0.113.9' },
    )
    served.push(signedIn.upstream)
    assert.equal(signedIn.status, 303, signedIn.body)

    const uploadForm = await browser.request('GET', '/finance/imports/new')
    served.push(uploadForm.upstream)
    assert.equal(uploadForm.status, 200)
    const csv = `${LGA_HEAD}\n${lgaRow('DEP-1', '120.00')}\n${lgaRow('DEP-2', '80.50')}\n`
    const forged = multipartBody([['_csrf', 'not-the-token']], {
      name: 'file',
      fileName: 'july.csv',
      content: csv,
    })
    const refused = await browser.request('POST', '/finance/imports', {
      body: forged.payload,
      headers: { 'content-type': forged.contentType },
    })
    served.push(refused.upstream)
    assert.equal(refused.status, 403)
    const { payload, contentType } = multipartBody(
      [
        ['_csrf', browser.csrf],
        ['mappingId', ''],
      ],
      { name: 'file', fileName: 'july.csv', content: csv },
    )
    const uploaded = await browser.request('POST', '/finance/imports', {
      body: payload,
      headers: { 'content-type': contentType },
    })
    served.push(uploaded.upstream)
    assert.equal(uploaded.status, 303, uploaded.body)
    const importUrl = String(uploaded.headers.location)
    const preview = await browser.request('GET', importUrl)
    served.push(preview.upstream)
    assert.match(preview.body, /Ready to add/)
    const committed = await browser.form(`${importUrl}/commit`, {})
    served.push(committed.upstream)
    assert.equal(committed.status, 303, committed.body)
    const result = await browser.request('GET', importUrl)
    served.push(result.upstream)
    assert.match(result.body, /2 payments added/)

    // Round robin: each request went to the other instance from the one before.
    const ports = stack.instances.map((i) => `127.0.0.1:${i.port}`)
    for (const [n, upstream] of served.entries()) {
      assert.ok(ports.includes(upstream), `request ${n} named its instance (${upstream})`)
      if (n > 0) assert.notEqual(upstream, served[n - 1], `request ${n} went to the other instance`)
    }

    const session = await direct.db
      .selectFrom('sessions')
      .select('address')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow()
    assert.equal(
      session.address,
      BROWSER_ADDRESS,
      'the client address is the one nginx saw, not the one claimed',
    )
  })

  it('serves as the app role, which row security holds, while the owner migrated', async () => {
    const role = decodeURIComponent(new URL(APP_ROLE_URL).username)
    assert.equal(new URL(stack.appDatabaseUrl ?? '').username, new URL(APP_ROLE_URL).username)
    // pgbouncer keeps the server connections it opened for the requests above: they are the app role's.
    const users = await sql<{ usename: string }>`select distinct usename from pg_stat_activity
      where datname = ${stack.databaseName}`.execute(direct.db)
    assert.ok(
      users.rows.some((r) => r.usename === role),
      `connections as ${users.rows.map((r) => r.usename).join(', ')}`,
    )
    const owner = await sql<{ owner: string }>`select tableowner as owner from pg_tables
      where schemaname = current_schema() and tablename = 'projects'`.execute(direct.db)
    assert.notEqual(owner.rows[0]?.owner, role, 'the app role owns no table')
  })

  it('runs each scheduled job once per slot across the instances', async () => {
    // Each instance's first tick is 5 s after it started (both had started by readyAt), and the daily health
    // snapshot has one slot today: both instances try it, one runs it.
    const until = Date.now() + 20_000
    const ran = async (job: string) =>
      (
        await Promise.all(
          stack.instances.map((i) => metric(i.url, 'oversight_scheduler_job_runs_total', job)),
        )
      ).reduce((a, b) => a + b, 0)
    while ((await ran('health-snapshot')) === 0 || Date.now() < readyAt + 7_000) {
      assert.ok(Date.now() < until, 'the scheduler ran within 20 s')
      await new Promise((r) => setTimeout(r, 250))
    }
    const snapshots = await direct.db
      .selectFrom('job_runs')
      .select(['slot', 'finished_at'])
      .where('job', '=', 'health-snapshot')
      .execute()
    assert.equal(snapshots.length, 1)
    assert.ok(snapshots[0]?.finished_at, 'the run finished')
    assert.equal(await ran('health-snapshot'), 1, 'only one instance ran the daily snapshot')
  })

  it(
    'closes an idle connection to an instance from nginx, before the instance would',
    { skip: !existsSync('/proc/net/tcp') && "reads Linux's /proc/net/tcp" },
    async () => {
      // An instance closing an idle kept-alive connection (keepAliveTimeout 5 s, src/app.ts; Node 20 closes it a
      // second later) can cross a request nginx has just sent down it, which nginx answers 502 if it is a POST;
      // nginx's upstream keepalive_timeout (4 s) closes it first. The side that closes a TCP connection first is
      // the one left holding it in TIME_WAIT; past 6.5 s one side or the other has closed every one of them.
      await browser.request('GET', '/sign-in')
      await browser.request('GET', '/sign-in')
      const own = ownSockets()
      const held = stack.instances.flatMap((i) =>
        connectionsTo(i.port)
          .filter((c) => c.state === 'established' && !own.has(c.inode))
          .map((c) => ({ ...c, port: i.port })),
      )
      assert.ok(held.length >= 2, `nginx keeps connections to both instances open (${held.length})`)
      await new Promise((r) => setTimeout(r, 6_500))
      for (const c of held) {
        const now = connectionsTo(c.port).find((n) => n.local === c.local)
        assert.equal(
          now?.state,
          'time-wait',
          `nginx closed its connection ${c.local} → ${c.port} (now ${now?.state ?? 'gone: the instance closed it'})`,
        )
      }
    },
  )

  it('loses no request, a form posted included, while one instance is stopped with SIGTERM and started again', async () => {
    // Concurrent clients, most posting a form, some reading a page. nginx retries a GET that failed on another
    // instance, but not a POST once sent (it may have taken effect): every answer must come from an instance.
    // The form carries a forged CSRF token, so each POST is refused (403) by an instance without writing.
    const [first] = stack.instances
    assert.ok(first)
    const failures: string[] = []
    const upstreams = new Set<string>()
    const counts = { get: 0, post: 0 }
    const form = '_csrf=forged&email=someone%40fenland.test&password=not-this-one'
    let streaming = true
    const worker = async (posting: boolean) => {
      const client = new Browser(stack.baseUrl)
      try {
        while (streaming) {
          try {
            const res = posting
              ? await client.request('POST', '/sign-in', {
                  body: form,
                  headers: { 'content-type': 'application/x-www-form-urlencoded' },
                })
              : await client.request('GET', '/sign-in')
            counts[posting ? 'post' : 'get']++
            upstreams.add(res.upstream)
            if (res.status !== (posting ? 403 : 200))
              failures.push(`${posting ? 'POST' : 'GET'} ${res.status} from ${res.upstream || 'nginx'}`)
          } catch (err) {
            failures.push(`${posting ? 'POST' : 'GET'} ${err instanceof Error ? err.message : String(err)}`)
          }
        }
      } finally {
        client.close()
      }
    }
    const workers = [false, true, true, true, false, true, true, true].map((posting) => worker(posting))
    await new Promise((r) => setTimeout(r, 500))

    // A slow form post straight to the instance, half sent when SIGTERM arrives: the instance finishes it, and
    // for that long the stream through nginx meets an instance that is stopping.
    let answered: (status: number) => void = () => undefined
    const slowAnswer = new Promise<number>((resolve) => (answered = resolve))
    const slow = http.request(`${first.url}/sign-in`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength(form)),
      },
    })
    slow.on('response', (res) => {
      res.resume()
      res.on('end', () => answered(res.statusCode ?? 0))
    })
    slow.on('error', (err) => failures.push(`the slow POST: ${err.message}`))
    slow.write(form.slice(0, 20))
    await new Promise((r) => setTimeout(r, 200))
    const stopped = first.stop('SIGTERM')
    await new Promise((r) => setTimeout(r, 1_500))
    slow.end(form.slice(20))
    assert.equal(await slowAnswer, 403, 'the request in flight was answered by the stopping instance')
    assert.equal(await stopped, 0, 'the instance shut down cleanly')

    const afterStop = counts.get + counts.post
    await new Promise((r) => setTimeout(r, 500))
    assert.ok(counts.get + counts.post > afterStop, 'the other instance carried on serving')
    await first.start()
    await new Promise((r) => setTimeout(r, 500))
    streaming = false
    await Promise.all(workers)
    assert.deepEqual(failures, [])
    assert.ok(
      counts.get > 50 && counts.post > 50,
      `a steady stream (${counts.get} GETs, ${counts.post} POSTs)`,
    )
    assert.equal(upstreams.size >= 2, true)
  })

  it('migrates through pgbouncer, leaving no lock behind for the next instance to wait on', async () => {
    // Kysely's own migration lock was a session advisory lock taken and released outside the migrations'
    // transaction: through transaction pooling the lock and the unlock reached different server connections,
    // and the lock stayed held on a pooled connection for the next instance starting to wait on for an hour.
    const { name } = await createPostgresDatabase(admin, 'oversight_deploy_migrate')
    const pooled = `postgres://oversight_ci:oversight_ci@127.0.0.1:${stack.bouncerPort}/${name}`
    const instances = [0, 1, 2].map(() => openDatabase({ dialect: 'postgres', url: pooled }, { poolSize: 3 }))
    const within30s = <T>(work: Promise<T>): Promise<T> => {
      let timer: NodeJS.Timeout | undefined
      return Promise.race([
        work,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('the migrations were still waiting after 30 s')), 30_000)
        }),
      ]).finally(() => clearTimeout(timer))
    }
    const heldLocks = async () =>
      (
        await sql<{ n: number }>`select count(*) as n from pg_locks where locktype = 'advisory'
          and database = (select oid from pg_database where datname = ${name})`.execute(direct.db)
      ).rows[0]?.n
    try {
      // Three server connections for pgbouncer to rotate through (server_round_robin).
      await Promise.all(instances.map((d) => sql`select pg_sleep(0.2)`.execute(d.db)))
      await within30s(migrateToLatest(instances[0]!))
      assert.deepEqual(await pendingMigrations(instances[0]!), [])
      assert.equal(await heldLocks(), 0, 'no advisory lock is left held on a pooled server connection')
      // The other two start at once, after the first (a rolling restart), and neither waits.
      await within30s(Promise.all(instances.slice(1).map((d) => migrateToLatest(d))))
      assert.equal(await heldLocks(), 0)
    } finally {
      // A connection still waiting on a lock would hold its pool open: give up on it after 5 s.
      for (const d of instances)
        await Promise.race([d.close(), new Promise((r) => setTimeout(r, 5_000).unref())])
      // pgbouncer keeps its server connections to the database open: dropped with (force).
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(direct.db)
    }
  })
})
