import { readdirSync } from 'node:fs'
import path from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import nunjucks from 'nunjucks'
import { ROLE_LABELS } from '../auth/roles.ts'
import { formatDate, formatDateTime } from '../domain/dates.ts'
import { formatPeriod } from '../domain/periods.ts'
import { brandOfActor } from '../modules/organisation/brand/brand.service.ts'
import { projectRoot } from '../paths.ts'
import { escapeHtml } from '../web/escape.ts'
import { createPageStore, FLASH_COOKIE, type PageStore } from '../web/page-store.ts'

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a Nunjucks page with the layout's context (actor, CSRF token, CSP nonce, flash). */
    /**
     * Renders a page in the layout. `storeAs`: a key naming everything the page shows (web/page-store.ts), under
     * which this instance keeps the page to send again while that key holds.
     */
    render(
      template: string,
      context?: Record<string, unknown>,
      status?: number,
      storeAs?: string | null,
    ): FastifyReply
    flash(message: string): void
  }
}


/**
 * Our templates use GOV.UK Frontend macros (govukButton, govukTable, …) without importing each one:
 * this loader adds the `{% from … import … %}` lines for the macros a template names. Nunjucks does
 * not pass a layout's imports down to the pages that extend it, so without this every page repeats them.
 */
const GOVUK_COMPONENTS = path.join(
  projectRoot(),
  'node_modules',
  'govuk-frontend',
  'dist',
  'govuk',
  'components',
)

/** `date-input` → `govukDateInput`: GOV.UK Frontend names each component's macro this way. */
function macroName(dir: string): string {
  return `govuk${dir.replace(/(^|-)([a-z])/g, (_m: string, _d: string, c: string) => c.toUpperCase())}`
}

/**
 * Every GOV.UK Frontend component macro (govukButton, govukTable, …) as a global, loaded once. Pages call
 * them without importing each one; and since Nunjucks re-runs an imported template on every render,
 * loading them once also took a large share of the render time and garbage out of every page.
 */
function registerGovukMacros(env: nunjucks.Environment): void {
  for (const entry of readdirSync(GOVUK_COMPONENTS, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    const name = macroName(entry.name)
    // getExported is public Nunjucks API (it is how `{% import %}` works) but missing from its type definitions.
    const template = env.getTemplate(
      `govuk/components/${entry.name}/macro.njk`,
      true,
    ) as nunjucks.Template & {
      getExported(cb: (err: Error | null, exported: Record<string, unknown>) => void): void
    }
    template.getExported((err: Error | null, exported: Record<string, unknown>) => {
      if (err) throw err
      if (typeof exported[name] !== 'function') throw new Error(`GOV.UK Frontend has no macro ${name}`)
      env.addGlobal(name, exported[name])
    })
  }
}

export function createViewEnvironment(): nunjucks.Environment {
  const root = projectRoot()
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(
      [
        path.join(root, 'src', 'views'),
        path.join(root, 'src', 'modules'),
        path.join(root, 'node_modules', 'govuk-frontend', 'dist'),
      ],
      { noCache: process.env.NODE_ENV === 'development' && process.env.VIEW_CACHE !== 'on' },
    ),
    { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  )
  registerGovukMacros(env)
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
    // Where the public site is served (PUBLIC_BASE_PATH): its links and forms are built from it.
    env.addGlobal('publicBase', app.config.publicBasePath)
    app.decorate('views', env)
    app.decorate('pages', createPageStore())

    app.decorateReply(
      'render',
      function render(
        this: FastifyReply,
        template: string,
        context: Record<string, unknown> = {},
        status?: number,
        storeAs: string | null = null,
      ) {
        const request: FastifyRequest = this.request
        const flash = request.cookies[FLASH_COOKIE]
        if (flash) this.clearCookie(FLASH_COOKIE, { path: '/' })
        const csrfToken = this.generateCsrf()
        const html = env.render(template, {
          actor: request.actor,
          csrfToken,
          cspNonce: this.cspNonce.script,
          brand: brandOfActor(request.actor),
          currentPath: request.url.split('?')[0],
          flash: flash ? (this.unsignCookie(flash).value ?? null) : null,
          ...context,
        })
        if (status !== undefined) this.status(status)
        // A page shown with a one-off message is not the page others (or the next read) will see.
        if (storeAs !== null && !flash && (status ?? 200) === 200) app.pages.store(this, storeAs, html, csrfToken)
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
  { name: 'views', dependencies: ['@fastify/cookie', '@fastify/csrf-protection', 'security-headers'] },
)

declare module 'fastify' {
  interface FastifyInstance {
    views: nunjucks.Environment
    /** Rendered pages this instance sends again while nothing they show has changed (web/page-store.ts). */
    pages: PageStore
  }
}
