import { readdirSync } from 'node:fs'
import path from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import nunjucks from 'nunjucks'
import { ROLE_LABELS } from '../auth/roles.ts'
import { formatDate, formatDateTime } from '../domain/dates.ts'
import { formatPeriod } from '../domain/periods.ts'
import { projectRoot } from '../paths.ts'
import { escapeHtml } from '../web/escape.ts'

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a Nunjucks page with the layout's context (actor, CSRF token, CSP nonce, flash). */
    render(template: string, context?: Record<string, unknown>, status?: number): FastifyReply
    flash(message: string): void
  }
}

const FLASH_COOKIE = 'oversight_flash'

/**
 * Our templates use GOV.UK Frontend macros (govukButton, govukTable, …) without importing each one:
 * this loader adds the `{% from … import … %}` lines for the macros a template names. Nunjucks does
 * not pass a layout's imports down to the pages that extend it, so without this every page repeats them.
 */
const GOVUK_COMPONENT_MACROS = new Set(
  readdirSync(path.join(projectRoot(), 'node_modules', 'govuk-frontend', 'dist', 'govuk', 'components'), {
    withFileTypes: true,
  })
    .filter((d) => d.isDirectory())
    .map(
      (d) =>
        `govuk${d.name.replace(/(^|-)([a-z])/g, (_m: string, _d: string, c: string) => c.toUpperCase())}`,
    ),
)

class GovukImportingLoader extends nunjucks.FileSystemLoader {
  override getSource(name: string): nunjucks.LoaderSource {
    const source = super.getSource(name)
    if (!source || name.startsWith('govuk/')) return source
    const used = new Set(source.src.match(/\bgovuk[A-Z][A-Za-z]+(?=\s*\()/g) ?? [])
    const imports = [...used]
      .filter((macro) => GOVUK_COMPONENT_MACROS.has(macro))
      .map((macro) => {
        const dir = macro
          .slice('govuk'.length)
          .replace(/([a-z])([A-Z])/g, '$1-$2')
          .toLowerCase()
        return `{% from "govuk/components/${dir}/macro.njk" import ${macro} %}`
      })
      .join('')
    // Kept on the first line so template error line numbers still match the file.
    return { ...source, src: imports + source.src }
  }
}

export function createViewEnvironment(): nunjucks.Environment {
  const root = projectRoot()
  const env = new nunjucks.Environment(
    new GovukImportingLoader(
      [
        path.join(root, 'src', 'views'),
        path.join(root, 'src', 'modules'),
        path.join(root, 'node_modules', 'govuk-frontend', 'dist'),
      ],
      { noCache: process.env.NODE_ENV === 'development' && process.env.VIEW_CACHE !== 'on' },
    ),
    { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  )
  env.addFilter('date', (v: string | null | undefined) => formatDate(v))
  env.addFilter('dateTime', (v: string | null | undefined) => (v ? formatDateTime(v) : ''))
  env.addFilter('period', (v: string | null | undefined) => (v ? formatPeriod(v) : ''))
  env.addFilter('roleLabel', (v: string) => ROLE_LABELS[v as keyof typeof ROLE_LABELS] ?? v)
  env.addFilter('days', (v: number | null | undefined) => {
    if (v === null || v === undefined) return ''
    if (v === 0) return 'On time'
    const n = Math.abs(v)
    return `${n} ${n === 1 ? 'day' : 'days'} ${v > 0 ? 'late' : 'early'}`
  })
  // Officers' free text keeps its paragraphs and line breaks, escaped, without pre-formatted whitespace.
  env.addFilter('paragraphs', (v: string | null | undefined) => {
    const text = (v ?? '').trim()
    if (text === '') return ''
    const html = text
      .split(/\n\s*\n/)
      .map((para) => `<p class="govuk-body">${escapeHtml(para.trim()).replace(/\n/g, '<br>')}</p>`)
      .join('')
    return new nunjucks.runtime.SafeString(html)
  })
  env.addFilter('number', (v: number) => new Intl.NumberFormat('en-GB').format(v))
  env.addFilter('json', (v: unknown) => JSON.stringify(v, null, 2))
  return env
}

export default fp(
  async function views(app: FastifyInstance) {
    const env = createViewEnvironment()
    app.decorate('views', env)

    app.decorateReply(
      'render',
      function render(
        this: FastifyReply,
        template: string,
        context: Record<string, unknown> = {},
        status?: number,
      ) {
        const request: FastifyRequest = this.request
        const flash = request.cookies[FLASH_COOKIE]
        if (flash) this.clearCookie(FLASH_COOKIE, { path: '/' })
        const html = env.render(template, {
          actor: request.actor,
          csrfToken: this.generateCsrf(),
          cspNonce: this.cspNonce.script,
          currentPath: request.url.split('?')[0],
          flash: flash ? (this.unsignCookie(flash).value ?? null) : null,
          ...context,
        })
        if (status !== undefined) this.status(status)
        this.header('cache-control', 'no-store')
        return this.type('text/html; charset=utf-8').send(html)
      },
    )

    app.decorateReply('flash', function flash(this: FastifyReply, message: string) {
      this.setCookie(FLASH_COOKIE, message, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        signed: true,
        maxAge: 60,
      })
    })
  },
  { name: 'views', dependencies: ['@fastify/cookie', '@fastify/csrf-protection', '@fastify/helmet'] },
)

declare module 'fastify' {
  interface FastifyInstance {
    views: nunjucks.Environment
  }
}
