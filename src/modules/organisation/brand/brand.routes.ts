import multipart from '@fastify/multipart'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Actor } from '../../../auth/actor.ts'
import type { Organisation } from '../../../db/schema.ts'
import { handleForm, renderConflict, resubmitFields, whenStale } from '../../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../../web/forms.ts'
import { multipartCsrfOk } from '../../../web/multipart-csrf.ts'
import { HEADER_TEXT_LABELS, isHeaderText, LOGO_MAX_BYTES } from './brand.rules.ts'
import { brandOf } from './brand.service.ts'

const PAGE = 'organisation/brand/views/brand.njk'
const TITLE = 'Name, logo and header colour'
const BACK = [{ text: 'Organisation settings', href: '/settings' }]

/** The council's own look (issue 13): its name as shown, its logo and its header colour. */
export async function brandRoutes(app: FastifyInstance) {
  const { brand, organisation } = app.services
  // Only this plugin's routes take multipart bodies: a logo, one file, and a few fields.
  await app.register(multipart, { limits: { fileSize: LOGO_MAX_BYTES + 1, files: 1, fields: 4, parts: 5 } })

  const textItems = (selected: string) =>
    (['light', 'dark'] as const).map((v) => ({
      value: v,
      text: v === 'light' ? 'White' : 'Near-black',
      checked: v === selected,
    }))

  async function page(reply: FastifyReply, actor: Actor, extra: Record<string, unknown> = {}, status = 200) {
    const org = await organisation.get(actor.organisationId)
    const values = (extra.values as Record<string, string> | undefined) ?? {
      displayName: org.display_name ?? '',
      headerColour: org.header_colour ?? '',
      headerText: org.header_text,
    }
    return reply.render(
      PAGE,
      {
        title: TITLE,
        breadcrumbs: BACK,
        org,
        look: brandOf(org),
        values,
        textItems: textItems(values.headerText ?? 'light'),
        logoLimitKb: LOGO_MAX_BYTES / 1024,
        errors: {},
        ...extra,
      },
      status,
    )
  }

  app.get('/settings/brand', { config: { policy: 'organisation.admin' } }, async (request, reply) =>
    page(reply, request.actor!),
  )

  app.post<{ Body: FormBody }>(
    '/settings/brand',
    { config: { policy: 'organisation.admin' }, schema: { body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const input = {
        displayName: field(request.body, 'displayName'),
        headerColour: field(request.body, 'headerColour'),
        headerText: field(request.body, 'headerText'),
      }
      const version = optionalInt(field(request.body, 'version')) ?? 0
      return handleForm(reply, {
        save: () => brand.setLook(actor, input, version),
        onInvalid: (errors) =>
          page(
            reply,
            actor,
            {
              values: input,
              errors,
              errorList: errorList(errors, ['displayName', 'headerColour', 'headerText']),
            },
            400,
          ),
        onConflict: whenStale((conflict) => {
          const saved = conflict.current as Organisation
          const textLabel = (v: string) => (isHeaderText(v) ? HEADER_TEXT_LABELS[v] : v)
          return renderConflict(reply, {
            title: TITLE,
            recordUrl: '/settings/brand',
            action: '/settings/brand',
            rows: [
              { label: 'Name as shown', yours: input.displayName, saved: saved.display_name ?? '' },
              { label: 'Header colour', yours: input.headerColour, saved: saved.header_colour ?? '' },
              {
                label: 'Header text',
                yours: textLabel(input.headerText),
                saved: textLabel(saved.header_text),
              },
            ],
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: () => {
          reply.flash('The name, header colour and header text are saved')
          return reply.redirect('/settings/brand', 303)
        },
      })
    },
  )

  // The logo form: a file upload (multipart), or the "remove the logo" button (a plain form).
  app.post(
    '/settings/brand/logo',
    { config: { policy: 'organisation.admin', csrfInMultipart: true } },
    async (request, reply) => {
      const actor = request.actor!
      const fields: Record<string, string> = {}
      let bytes: Buffer | null = null
      let fileName = ''
      if (request.isMultipart()) {
        try {
          const parts = request.parts()
          const first = await parts.next()
          if (!multipartCsrfOk(app, request, reply, first.done ? undefined : first.value)) return reply
          for await (const part of parts) {
            if (part.type === 'file') {
              if (bytes !== null || part.filename === '') {
                part.file.resume()
                continue
              }
              fileName = part.filename
              bytes = await part.toBuffer()
            } else if (typeof part.value === 'string') fields[part.fieldname] = part.value
          }
        } catch (err) {
          const code = (err as { code?: string }).code
          const message =
            code === 'FST_REQ_FILE_TOO_LARGE'
              ? `The logo must be smaller than ${LOGO_MAX_BYTES / 1024} KB`
              : code?.startsWith('FST_')
                ? 'The upload did not arrive whole: try again'
                : null
          if (message === null) throw err
          const errors = { logo: message }
          return page(
            reply,
            actor,
            { errors, errorList: errorList(errors) },
            code === 'FST_REQ_FILE_TOO_LARGE' ? 413 : 400,
          )
        }
      } else {
        const body = (request.body ?? {}) as FormBody
        for (const name of ['version', 'remove']) fields[name] = field(body, name)
      }
      const version = optionalInt(fields.version ?? '') ?? 0
      const remove = fields.remove === 'yes'
      const errors: Record<string, string> = {}
      if (!remove && bytes === null) errors.logo = 'Select a PNG or SVG file for the logo'
      return handleForm(reply, {
        errors,
        save: () => brand.setLogo(actor, remove ? { remove: true } : { bytes: bytes!, fileName }, version),
        onInvalid: (errs) => page(reply, actor, { errors: errs, errorList: errorList(errs) }, 400),
        onConflict: whenStale(() => {
          const errs = {
            logo: 'Someone changed the look after you opened this page: check it below, then choose the logo again',
          }
          return page(reply, actor, { errors: errs, errorList: errorList(errs) }, 409)
        }),
        onSaved: ({ removed }) => {
          reply.flash(
            remove
              ? 'The logo is removed'
              : removed.length > 0
                ? `The logo is saved. Left out of it as unsafe or not needed: ${removed.join(', ')}`
                : 'The logo is saved',
          )
          return reply.redirect('/settings/brand', 303)
        },
      })
    },
  )

  // The logo, for every page of the organisation's and its public site: public, as the public site is. An SVG
  // opened on its own runs in a sandbox with nothing allowed but its inline styles, even if something slipped
  // past the sanitiser; nosniff keeps a browser to the type it is given.
  app.get<{ Params: { slug: string } }>(
    '/brand/:slug/logo',
    {
      config: { policy: 'public' },
      schema: { params: Type.Object({ slug: Type.String({ minLength: 1, maxLength: 100 }) }) },
    },
    async (request, reply) => {
      const logo = await brand.logo(request.params.slug)
      if (!logo) return reply.status(404).type('text/plain; charset=utf-8').send('Not found')
      const etag = `"${logo.sha256}"`
      reply
        .header('content-security-policy', "sandbox; default-src 'none'; style-src 'unsafe-inline'")
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'public, no-cache')
        .header('etag', etag)
      if (request.headers['if-none-match']?.split(',').some((t) => t.trim() === etag))
        return reply.status(304).send()
      return reply.type(logo.media_type).send(Buffer.from(logo.bytes))
    },
  )
}
