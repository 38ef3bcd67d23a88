import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
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
          503: Type.Object({ status: Type.String() }),
        },
      },
    },
    async (_request, reply) => {
      const ok = await app.database.ping()
      return ok ? { status: 'ok' as const } : reply.status(503).send({ status: 'unavailable' })
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
