import multipart from '@fastify/multipart'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { HttpError, notFound } from '../../errors.ts'
import { handleForm } from '../../web/form-pages.ts'
import { errorList, field, FormBody } from '../../web/forms.ts'
import { receiveUpload } from '../../web/import-pages.ts'
import { RECORD_TYPES } from './portfolio-import.apply.ts'
import { PORTFOLIO_FIELDS, type ColumnNames, type PortfolioField } from './portfolio-import.rows.ts'
import { findingsOf, summaryOf } from './portfolio-import.service.ts'

// Bringing the existing portfolio in (issue 13), as pages: upload; the check, with the columns as read (and
// a form to name them, the mapping step), what the import will change per type of record, and each rejected
// row with its line; then the commit.

const BASE = '/imports/portfolio'
const HOME = { text: 'Portfolio imports', href: BASE }
const ImportParams = Type.Object({ importId: Type.Integer({ minimum: 1 }) })
const STATUS_TAGS: Record<string, { text: string; classes: string }> = {
  validating: { text: 'Checking', classes: 'govuk-tag--blue' },
  validated: { text: 'Checked', classes: 'govuk-tag--blue' },
  committing: { text: 'Importing', classes: 'govuk-tag--blue' },
  committed: { text: 'Imported', classes: 'govuk-tag--green' },
  failed: { text: 'Not imported', classes: 'govuk-tag--red' },
}
const FIELD_LABELS: Record<PortfolioField, string> = {
  programme: 'Programme (or department)',
  code: 'Project code',
  name: 'Project name',
  description: 'Description',
  stage: 'Stage',
  rating: 'Delivery confidence rating',
  sroRating: 'SRO rating (used where there is no other)',
  ratingComment: 'Rating commentary',
  asAt: 'As at (year or month)',
  start: 'Start date',
  end: 'End date',
  budget: 'Budget (£m)',
  forecast: 'Forecast (£m)',
  wholeLifeCost: 'Whole-life cost (£m)',
  milestoneReference: 'Milestone reference',
  milestoneName: 'Milestone name',
  milestoneBaseline: 'Milestone baseline date',
  milestoneForecast: 'Milestone forecast date',
  milestoneActual: 'Milestone actual date',
}
const TYPE_LABELS: Record<(typeof RECORD_TYPES)[number], string> = {
  programmes: 'Programmes',
  projects: 'Projects',
  milestones: 'Milestones',
  ratings: 'Delivery confidence ratings',
  gates: 'Gates passed before Oversight',
}
const tagOf = (status: string) => STATUS_TAGS[status] ?? { text: status, classes: '' }

/** The mapping form's fields as sent: a heading chosen for each field, or none to recognise it. */
function columnsFrom(body: FormBody | undefined): ColumnNames {
  const columns: ColumnNames = {}
  for (const f of PORTFOLIO_FIELDS) {
    const v = field(body, `column-${f}`).trim()
    if (v !== '') columns[f] = v
  }
  return columns
}

export async function portfolioImportRoutes(app: FastifyInstance) {
  const service = app.services.portfolioImports
  // Only this plugin's routes take multipart bodies.
  await app.register(multipart, {
    limits: { fileSize: service.uploadLimitBytes + 1, files: 1, fields: 5, parts: 6 },
  })

  app.get(BASE, { config: { policy: 'portfolio.import' } }, async (request, reply) => {
    const rows = await service.list(scopeOf(request.actor!))
    return reply.render('portfolio-import/views/imports.njk', {
      title: 'Portfolio imports',
      imports: rows.map((r) => ({ ...r, tag: tagOf(r.status) })),
    })
  })

  function renderUpload(reply: FastifyReply, errors: Record<string, string>, status = 200) {
    return reply.render(
      'portfolio-import/views/upload.njk',
      {
        title: 'Import the portfolio',
        breadcrumbs: [HOME],
        errors,
        errorList: errorList(errors, ['file']),
        limitMb: service.uploadLimitMb,
      },
      status,
    )
  }

  app.get(`${BASE}/new`, { config: { policy: 'portfolio.import' } }, async (_request, reply) =>
    renderUpload(reply, {}),
  )

  app.post(
    BASE,
    { config: { policy: 'portfolio.import', csrfInMultipart: true } },
    async (request, reply) => {
      const actor = request.actor!
      const upload = await receiveUpload(app, request, reply, service)
      if (upload.kind === 'sent') return reply
      if (upload.kind === 'refused') return renderUpload(reply, upload.errors, upload.status)
      const { stored, fileName } = upload
      try {
        const imp = await service.begin(actor, { ...stored, fileName }, { columns: {} })
        return reply.redirect(`${BASE}/${imp.id}`, 303)
      } catch (err) {
        await service.discardUpload(actor.organisationId, stored)
        if (err instanceof HttpError && err.fields) return renderUpload(reply, err.fields, 400)
        throw err
      }
    },
  )

  async function showImport(reply: FastifyReply, importId: number, errors: Record<string, string> = {}) {
    const actor = reply.request.actor!
    const imp = await service.get(scopeOf(actor), importId)
    if (!imp) throw notFound('Import')
    const findings = findingsOf(imp)
    const summary = summaryOf(imp)
    const headings = (findings.headings ?? []).filter((h) => h.trim() !== '')
    const canMap = (imp.status === 'validated' || imp.status === 'failed') && headings.length > 0
    return reply.render(
      'portfolio-import/views/import.njk',
      {
        title: `Import of ${imp.file_name}`,
        breadcrumbs: [HOME],
        imp,
        tag: tagOf(imp.status),
        findings,
        changes: summary ? RECORD_TYPES.map((t) => ({ label: TYPE_LABELS[t], ...summary[t] })) : [],
        problems: (await service.problems(scopeOf(actor), imp.id)).filter((p) => p.kind === 'bad'),
        notes: (await service.problems(scopeOf(actor), imp.id)).filter((p) => p.kind === 'note'),
        mapping: canMap
          ? PORTFOLIO_FIELDS.map((f) => ({
              id: `column-${f}`,
              label: FIELD_LABELS[f],
              items: [
                { value: '', text: 'Recognise by its heading' },
                ...[...new Set(headings)].map((h) => ({
                  value: h,
                  text: h,
                  selected: findings.columns[f] === h,
                })),
              ],
            }))
          : [],
        errors,
        errorList: errorList(errors, ['goodOnly']),
      },
      Object.keys(errors).length > 0 ? 409 : 200,
    )
  }

  app.get<{ Params: { importId: number } }>(
    `${BASE}/:importId`,
    { config: { policy: 'portfolio.import' }, schema: { params: ImportParams } },
    async (request, reply) => showImport(reply, request.params.importId),
  )

  app.post<{ Params: { importId: number }; Body: FormBody }>(
    `${BASE}/:importId/columns`,
    { config: { policy: 'portfolio.import' }, schema: { params: ImportParams, body: FormBody } },
    async (request, reply) =>
      handleForm(reply, {
        save: () =>
          service.remap(request.actor!, request.params.importId, { columns: columnsFrom(request.body) }),
        onInvalid: (errors) => showImport(reply, request.params.importId, errors),
        onConflict: (err) =>
          showImport(reply, request.params.importId, err.fields ?? { goodOnly: err.message }),
        onSaved: () => reply.redirect(`${BASE}/${request.params.importId}`, 303),
      }),
  )

  app.post<{ Params: { importId: number }; Body: FormBody }>(
    `${BASE}/:importId/commit`,
    { config: { policy: 'portfolio.import' }, schema: { params: ImportParams, body: FormBody } },
    async (request, reply) =>
      handleForm(reply, {
        save: () =>
          service.commit(request.actor!, request.params.importId, field(request.body, 'goodOnly') === 'yes'),
        onInvalid: (errors) => showImport(reply, request.params.importId, errors),
        onConflict: (err) =>
          showImport(reply, request.params.importId, err.fields ?? { goodOnly: err.message }),
        onSaved: (imp: { rows_good: number }) => {
          reply.flash(`${imp.rows_good} row${imp.rows_good === 1 ? '' : 's'} imported`)
          return reply.redirect(`${BASE}/${request.params.importId}`, 303)
        },
      }),
  )
}
