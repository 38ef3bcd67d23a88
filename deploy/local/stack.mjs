// Several Oversight instances behind nginx, on one PostgreSQL through pgbouncer in transaction mode, each a
// child process of this one with its configuration in a temporary directory: the deployment of
// docs/deployment.md, run locally by deploy/local/start.mjs and by test/integration/deployment.test.ts.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { Socket, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(HERE, '..', '..')
const HOST = '127.0.0.1'

/** The program's path on PATH or in the sbin directories Debian installs nginx and pgbouncer to; null if none. */
export function findProgram(name) {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin']
  for (const dir of dirs) {
    if (!dir) continue
    const file = path.join(dir, name)
    try {
      accessSync(file, constants.X_OK)
      return file
    } catch {
      // not here
    }
  }
  return null
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, HOST, () => {
      const address = probe.address()
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

function fill(template, values) {
  return readFileSync(path.join(HERE, template), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key) => {
    if (!(key in values)) throw new Error(`${template}: no value for {{${key}}}`)
    return String(values[key])
  })
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** A child process whose stderr is kept (the last 4,000 characters) for the error when it fails to start. */
function child(command, args, options) {
  const proc = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    // Detached (deploy/local/start.mjs): Ctrl-C reaches the script alone, which stops nginx, then the
    // instances, then pgbouncer, in that order.
    detached: options.detached ?? false,
    stdio: ['ignore', options.stdout ?? 'ignore', 'pipe'],
  })
  let stderr = ''
  proc.stderr.on('data', (d) => {
    stderr = (stderr + d.toString()).slice(-4000)
    if (options.echo) process.stderr.write(d)
  })
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve(signal ?? code)))
  return {
    proc,
    exited,
    stderr: () => stderr,
    running: () => proc.exitCode === null && proc.signalCode === null,
    stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal)
      return exited
    },
  }
}

async function waitFor(what, proc, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (!proc.running()) throw new Error(`${what} exited before it was ready: ${proc.stderr()}`)
    try {
      if (await check()) return
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      await proc.stop('SIGKILL')
      throw new Error(`${what} was not ready within ${timeoutMs / 1000} s: ${proc.stderr()}`)
    }
    await sleep(100)
  }
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = new Socket()
    socket.once('error', () => resolve(false))
    socket.connect(port, HOST, () => {
      socket.destroy()
      resolve(true)
    })
  })
}

/**
 * Starts the stack. `adminUrl` is a PostgreSQL role allowed to create a database (the database, new unless
 * `database` names one, is created through it and reached by the instances through pgbouncer). The first
 * instance starts alone, so that it migrates (and loads the demo, with DEMO=true) before the others start.
 * `appUrl`'s user and password name the role the instances serve as (DATABASE_APP_URL, through pgbouncer):
 * one that owns no tables, held to each request's organisation by row security (docs/deployment.md); the
 * admin role stays the owner, which migrates.
 */
export async function startStack({
  adminUrl,
  appUrl,
  instances = 2,
  database,
  serverArgs = ['--import', 'tsx', 'src/server.ts'],
  env = {},
  echo = false,
  detached = false,
  nginxPort,
} = {}) {
  const nginx = findProgram('nginx')
  const pgbouncer = findProgram('pgbouncer')
  if (!nginx || !pgbouncer)
    throw new Error(
      `needs nginx and pgbouncer (apt-get install nginx pgbouncer); missing: ${[!nginx && 'nginx', !pgbouncer && 'pgbouncer'].filter(Boolean).join(', ')}`,
    )
  const admin = new URL(adminUrl)
  const user = decodeURIComponent(admin.username)
  const password = decodeURIComponent(admin.password)
  const name = database ?? `oversight_deploy_${randomBytes(4).toString('hex')}`
  if (!/^[a-z_][a-z0-9_]*$/.test(name))
    throw new Error(`the database name must be lower-case letters, digits and _ (got "${name}")`)

  const created = await ensureDatabase(adminUrl, name)
  const workdir = mkdtempSync(path.join(tmpdir(), 'oversight-deploy-'))
  // pgbouncer will not run as root, and nginx's workers run as nobody: both read their files from here.
  chmodSync(workdir, 0o755)
  const stops = []
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop()
  }
  try {
    const bouncerPort = await freePort()
    const appRole = appUrl ? new URL(appUrl) : null
    const appUser = appRole && decodeURIComponent(appRole.username)
    const appPassword = appRole && decodeURIComponent(appRole.password)
    const logins = [[user, password], ...(appRole ? [[appUser, appPassword]] : [])]
    writeFileSync(path.join(workdir, 'userlist.txt'), logins.map(([u, p]) => `"${u}" "${p}"\n`).join(''), {
      mode: 0o644,
    })
    writeFileSync(
      path.join(workdir, 'pgbouncer.ini'),
      fill('pgbouncer.ini', {
        DATABASE: name,
        PG_HOST: admin.hostname,
        PG_PORT: admin.port || 5432,
        HOST,
        PORT: bouncerPort,
        WORKDIR: workdir,
      }),
      { mode: 0o644 },
    )
    const asRoot = process.getuid?.() === 0
    const bouncer = child(
      pgbouncer,
      [...(asRoot ? ['-u', 'nobody'] : []), path.join(workdir, 'pgbouncer.ini')],
      { echo, detached },
    )
    stops.push(() => bouncer.stop('SIGINT'))
    await waitFor('pgbouncer', bouncer, () => canConnect(bouncerPort), 15_000)
    const through = (u, p) =>
      `postgres://${encodeURIComponent(u)}:${encodeURIComponent(p)}@${HOST}:${bouncerPort}/${name}`
    const databaseUrl = through(user, password)
    const appDatabaseUrl = appRole ? through(appUser, appPassword) : null

    const port = nginxPort ?? (await freePort())
    const baseUrl = `http://${HOST}:${port}`
    const sessionSecret = randomBytes(32).toString('hex')
    const ports = []
    for (let i = 0; i < instances; i++) ports.push(await freePort())
    const apps = ports.map((appPort, i) => {
      const app = {
        index: i,
        port: appPort,
        url: `http://${HOST}:${appPort}`,
        process: null,
        async start() {
          const proc = child(process.execPath, serverArgs, {
            cwd: ROOT,
            echo,
            detached,
            stdout: echo ? 'inherit' : 'ignore',
            env: {
              PATH: process.env.PATH ?? '',
              NODE_ENV: 'production',
              DEMO: 'false',
              LOG_LEVEL: echo ? 'info' : 'silent',
              ...env,
              DATABASE_URL: databaseUrl,
              ...(appDatabaseUrl ? { DATABASE_APP_URL: appDatabaseUrl } : {}),
              HOST,
              PORT: String(appPort),
              BASE_URL: baseUrl,
              SESSION_SECRET: sessionSecret,
              TRUST_PROXY: HOST,
              SCHEDULER: 'true',
            },
          })
          app.process = proc
          await waitFor(`instance ${i + 1}`, proc, async () => (await fetch(`${app.url}/health`)).ok)
        },
        async stop(signal = 'SIGTERM') {
          return app.process?.stop(signal)
        },
      }
      return app
    })
    stops.push(async () => {
      await Promise.all(apps.map((a) => a.stop('SIGTERM')))
    })
    await apps[0].start()
    await Promise.all(apps.slice(1).map((a) => a.start()))

    writeFileSync(
      path.join(workdir, 'nginx.conf'),
      fill('nginx.conf', {
        WORKDIR: workdir,
        HOST,
        PORT: port,
        BODY_LIMIT_MB: Number(env.UPLOAD_LIMIT_MB ?? 200) + 1,
        SERVERS: ports.map((p) => `    server ${HOST}:${p} max_fails=1 fail_timeout=10s;`).join('\n'),
      }),
      { mode: 0o644 },
    )
    const proxy = child(
      nginx,
      ['-p', workdir, '-e', path.join(workdir, 'nginx-error.log'), '-c', path.join(workdir, 'nginx.conf')],
      { echo, detached },
    )
    // SIGQUIT: nginx's graceful shutdown (SIGTERM is its fast one).
    stops.push(() => proxy.stop('SIGQUIT'))
    await waitFor('nginx', proxy, async () => (await fetch(`${baseUrl}/health`)).ok, 15_000)

    return {
      baseUrl,
      databaseUrl,
      appDatabaseUrl,
      bouncerPort,
      directUrl: Object.assign(new URL(adminUrl), { pathname: `/${name}` }).href,
      databaseName: name,
      workdir,
      instances: apps,
      async stop({ dropDatabase = created } = {}) {
        await stopAll()
        rmSync(workdir, { recursive: true, force: true })
        if (dropDatabase) await dropDb(adminUrl, name)
      },
    }
  } catch (err) {
    await stopAll()
    rmSync(workdir, { recursive: true, force: true })
    if (created) await dropDb(adminUrl, name).catch(() => undefined)
    throw err
  }
}

/** Creates the database unless it exists; true if it was created here. */
async function ensureDatabase(adminUrl, name) {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name])
    if (found.rowCount) return false
    await client.query(`create database "${name}"`)
    return true
  } finally {
    await client.end()
  }
}

async function dropDb(adminUrl, name) {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(`drop database if exists "${name}" with (force)`)
  } finally {
    await client.end()
  }
}
