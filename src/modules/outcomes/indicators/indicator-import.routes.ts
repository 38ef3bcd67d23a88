import multipart from '@fastify/multipart'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import { HttpError, notFound } from '../../../errors.ts'
import { handleForm } from '../../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../../web/forms.ts'
import { passProgress, receiveUpload, waitForPass } from '../../../web/import-pages.ts'
import { findingsOf } from './indicator-import.service.ts'

const HOME = { text: 'Indicators', href: '/indicators' }
const ImportParams = Type.Object({ importId: Type.Integer({ minimum: 1 }) })
const STATUS_TAGS: Record<string, { text: string; classes: string }> = {
  validating: { text: 'Checking', classes: 'govuk-tag--blue' },
  validated: { text: 'Checked', classes: 'govuk-tag--blue' },
  committing: { text: 'Adding', classes: 'govuk-tag--blue' },
  committed: { text: 'Added', classes: 'govuk-tag--green' },
  failed: { text: 'Not imported', classes: 'govuk-tag--red' },
}

/** Importing indicator values from a file (issue 11): upload, the check with its problems, and the commit. */
export async function indicatorImportRoutes(app: FastifyInstance) {
  const service = app.services.indicatorImports
  // Only this plugin's routes take multipart bodies.
  await app.register(multipart, {
    limits: { fileSize: service.uploadLimitBytes + 1, files: 1, fields: 10, parts: 11 },
  })

  app.get('/indicators/imports', { config: { policy: 'indicator.import' } }, async (request, reply) => {
    const rows = await service.list(scopeOf(request.actor!))
    return reply.render('outcomes/indicators/views/imports.njk', {
      title: 'Imports of indicator values',
      breadcrumbs: [HOME],
      imports: rows.map((r) => ({ ...r, tag: STATUS_TAGS[r.status] ?? { text: r.status, classes: '' } })),
    })
  })

  async function renderUpload(
    reply: FastifyReply,
    actor: Actor,
    errors: Record<string, string>,
    status = 200,
  ) {
    const indicators = await app.services.indicators.list(scopeOf(actor))
    return reply.render(
      'outcomes/indicators/views/upload.njk',
      {
        title: 'Import indicator values',
        breadcrumbs: [HOME, { text: 'Imports', href: '/indicators/imports' }],
        errors,
        errorList: errorList(errors, ['file', 'indicatorId', 'organisation']),
        limitMb: service.uploadLimitMb,
        indicatorItems: [
          { value: '', text: 'The file has an indicator column' },
          ...indicators.map((i) => ({ value: String(i.id), text: i.name })),
        ],
      },
      status,
    )
  }

  app.get('/indicators/imports/new', { config: { policy: 'indicator.import' } }, async (request, reply) =>
    renderUpload(reply, request.actor!, {}),
  )

  app.post(
    '/indicators/imports',
    { config: { policy: 'indicator.import', csrfInMultipart: true } },
    async (request, reply) => {
      const actor = request.actor!
      const upload = await receiveUpload(app, request, reply, service)
      if (upload.kind === 'sent') return reply
      if (upload.kind === 'refused') return renderUpload(reply, actor, upload.errors, upload.status)
      const { stored, fileName, fields } = upload
      let imp: { id: number }
      try {
        imp = await service.begin(
          actor,
          { ...stored, fileName },
          {
            indicatorId: optionalInt(fields.indicatorId ?? ''),
            organisation: (fields.organisation ?? '').trim(),
            columns: {},
          },
        )
      } catch (err) {
        await service.discardUpload(actor.organisationId, stored)
        if (err instanceof HttpError && err.fields) return renderUpload(reply, actor, err.fields, 400)
        throw err
      }
      await waitForPass(request.log, imp.id, service.check(actor.organisationId, imp.id))
      return reply.redirect(`/indicators/imports/${imp.id}`, 303)
    },
  )

  async function showImport(reply: FastifyReply, importId: number, errors: Record<string, string> = {}) {
    const actor = reply.request.actor!
    const imp = await service.get(scopeOf(actor), importId)
    if (!imp) throw notFound('Import')
    const findings = findingsOf(imp)
    return reply.render(
      'outcomes/indicators/views/import.njk',
      {
        title: `Import of ${imp.file_name}`,
        breadcrumbs: [HOME, { text: 'Imports', href: '/indicators/imports' }],
        imp,
        ...passProgress(imp),
        tag: STATUS_TAGS[imp.status] ?? { text: imp.status, classes: '' },
        problems: await service.problems(scopeOf(actor), imp.id),
        organisationItems: (findings.organisations ?? []).map((o) => ({
          value: o.name,
          text: `${o.name} (${o.rows} row${o.rows === 1 ? '' : 's'})`,
          selected: o.name === imp.organisation_name,
        })),
        errors,
        errorList: errorList(errors, ['goodOnly', 'organisation']),
      },
      Object.keys(errors).length > 0 ? 409 : 200,
    )
  }

  app.get<{ Params: { importId: number } }>(
    '/indicators/imports/:importId',
    { config: { policy: 'indicator.import' }, schema: { params: ImportParams } },
    async (request, reply) => showImport(reply, request.params.importId),
  )

  app.post<{ Params: { importId: number }; Body: FormBody }>(
    '/indicators/imports/:importId/organisation',
    { config: { policy: 'indicator.import' }, schema: { params: ImportParams, body: FormBody } },
    async (request, reply) => {
      const organisation = field(request.body, 'organisation').trim()
      return handleForm(reply, {
        errors: organisation === '' ? { organisation: 'Choose whose rows are yours' } : {},
        save: async () => {
          const actor = request.actor!
          const imp = await service.chooseOrganisation(actor, request.params.importId, organisation)
          await waitForPass(request.log, imp.id, service.check(actor.organisationId, imp.id))
        },
        onInvalid: (errors) => showImport(reply, request.params.importId, errors),
        onSaved: () => reply.redirect(`/indicators/imports/${request.params.importId}`, 303),
      })
    },
  )

  app.post<{ Params: { importId: number }; Body: FormBody }>(
    '/indicators/imports/:importId/commit',
    { config: { policy: 'indicator.import' }, schema: { params: ImportParams, body: FormBody } },
    async (request, reply) =>
      handleForm(reply, {
        save: () =>
          waitForPass(
            request.log,
            request.params.importId,
            service.commit(
              request.actor!,
              request.params.importId,
              field(request.body, 'goodOnly') === 'yes',
            ),
            { rethrow: true },
          ),
        onInvalid: (errors) => showImport(reply, request.params.importId, errors),
        onConflict: (err) =>
          showImport(reply, request.params.importId, err.fields ?? { goodOnly: err.message }),
        onSaved: (imp: { rows_added: number } | undefined) => {
          // Still adding after the wait: the page shows how far it has got.
          if (imp) reply.flash(`${imp.rows_added} value${imp.rows_added === 1 ? '' : 's'} added`)
          return reply.redirect(`/indicators/imports/${request.params.importId}`, 303)
        },
      }),
  )
}
