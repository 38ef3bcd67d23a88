import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { projectRoot } from '../../paths.ts'

const GOVUK = path.join(projectRoot(), 'node_modules', 'govuk-frontend', 'dist', 'govuk')
const PUBLIC = path.join(projectRoot(), 'public')

/**
 * GOV.UK Frontend's stylesheet with the GDS Transport typeface taken out: that font is licensed for
 * GOV.UK only, so Oversight uses the system sans-serif stack GOV.UK falls back to.
 */
function unbrandedStylesheet(): string {
  const css = readFileSync(path.join(GOVUK, 'govuk-frontend.min.css'), 'utf8')
  return css.replace(/@font-face\{[^}]*\}/g, '').replace(/"GDS Transport",\s*/g, '')
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
