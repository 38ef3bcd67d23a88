import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { pendingMigrations } from '../../db/migrate.ts'
import { projectRoot } from '../../paths.ts'

const GOVUK = path.join(projectRoot(), 'node_modules', 'govuk-frontend', 'dist', 'govuk')
const PUBLIC = path.join(projectRoot(), 'public')

/**
 * The system's own interface font where it has one (San Francisco on Apple systems, Segoe UI on Windows), then
 * the Arial GOV.UK falls back to, which Linux maps to its metric-compatible Liberation Sans: the pages measure the
 * same wherever there is no system font ahead of Arial (so the 320 px reflow checks hold).
 */
const SYSTEM_FONTS = '-apple-system,"Segoe UI",'

/**
 * GOV.UK Frontend's stylesheet with the GDS Transport typeface taken out: that font is licensed for GOV.UK
 * only. The minified stylesheet names it unquoted (`font-family:GDS Transport,arial,sans-serif`), so both
 * spellings are replaced by the system font stack.
 */
function unbrandedStylesheet(): string {
  const css = readFileSync(path.join(GOVUK, 'govuk-frontend.min.css'), 'utf8')
  return css.replace(/@font-face\{[^}]*\}/g, '').replace(/(["']?)GDS Transport\1\s*,\s*/g, SYSTEM_FONTS)
}

function readInfo(): { version: string; commit: string } {
  const root = projectRoot()
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }
  let commit = process.env.GIT_COMMIT ?? ''
  if (!commit) {
    try {
      const head = readFileSync(path.join(root, '.git', 'HEAD'), 'utf8').trim()
      commit = head.startsWith('ref: ')
        ? readFileSync(path.join(root, '.git', head.slice(5)), 'utf8').trim()
        : head
    } catch {
      commit = 'unknown'
    }
  }
  return { version: pkg.version, commit }
}

const Check = Type.Union([Type.Literal('ok'), Type.Literal('failed'), Type.Literal('not checked')])
const Checks = Type.Object({ database: Check, migrations: Check })
/** A health check's 503: its own (status and checks), or a shed request's error and message. */
const Unavailable = Type.Object({
  status: Type.Optional(Type.String()),
  checks: Type.Optional(Checks),
  error: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
})

export async function systemRoutes(app: FastifyInstance) {
  const css = unbrandedStylesheet()
  const info = readInfo()

  app.get(
    '/health',
    {
      config: { policy: 'public' },
      schema: {
        response: {
          200: Type.Object({ status: Type.Literal('ok') }),
          503: Unavailable,
        },
      },
    },
    async (_request, reply) => {
      const ok = await app.database.ping()
      return ok ? { status: 'ok' as const } : reply.status(503).send({ status: 'unavailable' })
    },
  )

  // Liveness: the process answers. No database, and answered even while shedding load, so a busy
  // instance is not restarted for being busy.
  app.get(
    '/health/live',
    {
      config: { policy: 'public', alwaysAnswer: true },
      schema: { response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  )

  // Readiness: the database answers and has every migration this code knows, so requests can be served.
  // Minimal information: which check failed, never versions, names or errors.
  app.get(
    '/health/ready',
    {
      config: { policy: 'public' },
      schema: {
        response: {
          200: Type.Object({ status: Type.Literal('ok'), checks: Checks }),
          503: Unavailable,
        },
      },
    },
    async (_request, reply) => {
      if (!(await app.database.ping()))
        return reply.status(503).send({
          status: 'unavailable',
          checks: { database: 'failed', migrations: 'not checked' },
        })
      if ((await pendingMigrations(app.database)).length > 0)
        return reply.status(503).send({
          status: 'unavailable',
          checks: { database: 'ok', migrations: 'failed' },
        })
      return { status: 'ok' as const, checks: { database: 'ok' as const, migrations: 'ok' as const } }
    },
  )

  app.get('/info', { config: { policy: 'public' } }, async () => ({
    name: 'oversight',
    version: info.version,
    commit: info.commit,
    database: app.database.dialect,
  }))

  app.get('/assets/oversight.css', { config: { policy: 'public' } }, async (_request, reply) => {
    return reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(css)
  })

  app.get('/assets/govuk-frontend.min.js', { config: { policy: 'public' } }, async (_request, reply) => {
    return reply.header('cache-control', 'public, max-age=3600').sendFile('govuk-frontend.min.js', GOVUK)
  })

  app.get<{ Params: { '*': string } }>(
    '/public/*',
    { config: { policy: 'public' } },
    async (request, reply) => {
      return reply.header('cache-control', 'public, max-age=3600').sendFile(request.params['*'], PUBLIC)
    },
  )

  app.get('/accessibility', { config: { policy: 'public' } }, async (_request, reply) => {
    return reply.render('system/views/accessibility.njk', { title: 'Accessibility statement' })
  })
}
