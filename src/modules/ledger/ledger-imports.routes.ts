import multipart from '@fastify/multipart'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { auditActorOf, scopeOf, type Actor } from '../../auth/actor.ts'
import type { LedgerImport } from '../../db/schema.ts'
import { formatMoney } from '../../domain/money.ts'
import { formatPeriod } from '../../domain/periods.ts'
import { HttpError, notFound, ValidationError } from '../../errors.ts'
import type { StoredFileInfo } from '../../imports/file-store.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import { passProgress, receiveUpload, waitForPass } from '../../web/import-pages.ts'
import { DATE_FORMATS, LEDGER_FIELDS, type ColumnMap, type DateFormat } from './ledger.formats.ts'
import { parseSummary, type Importer } from './ledger-import.service.ts'

const ImportParams = Type.Object({ importId: Type.Integer({ minimum: 1 }) })
type ImportParams = { importId: number }

const STATUS_TAGS: Record<string, { text: string; classes: string }> = {
  validating: { text: 'Checking', classes: 'govuk-tag--blue' },
  validated: { text: 'Ready to add', classes: 'govuk-tag--yellow' },
  committing: { text: 'Adding', classes: 'govuk-tag--blue' },
  committed: { text: 'Added', classes: 'govuk-tag--green' },
  failed: { text: 'Not imported', classes: 'govuk-tag--red' },
}

export function importerOf(actor: Actor): Importer {
  return { organisationId: actor.organisationId, ...auditActorOf(actor) }
}

export async function ledgerImportsRoutes(app: FastifyInstance) {
  const { ledger, ledgerImports } = app.services
  // Only this plugin's routes take multipart bodies.
  await app.register(multipart, {
    limits: { fileSize: ledgerImports.uploadLimitBytes + 1, files: 1, fields: 5, parts: 6 },
  })

  /** A pass the page waits a moment for; a longer one shows its progress (its failure, on the import). */
  const runPass = (imp: LedgerImport, pass: () => Promise<unknown>) => waitForPass(app.log, imp.id, pass())

  app.get('/finance/imports', { config: { policy: 'finance.write' } }, async (request, reply) => {
    const scope = scopeOf(request.actor!)
    const rows = await ledgerImports.list(scope, 0, 100)
    const suspense = await ledger.suspenseTotals(scope)
    return reply.render('ledger/views/imports.njk', {
      title: 'Ledger imports',
      imports: rows.map((r) => ({ ...r, tag: STATUS_TAGS[r.status] ?? { text: r.status, classes: '' } })),
      suspense: { count: suspense.count, total: formatMoney(suspense.pence) },
    })
  })

  app.get('/finance/imports/new', { config: { policy: 'finance.write' } }, async (request, reply) => {
    return renderUpload(reply, request.actor!, {})
  })

  async function renderUpload(
    reply: FastifyReply,
    actor: Actor,
    errors: Record<string, string>,
    status = 200,
  ) {
    const mappings = await ledger.mappings(scopeOf(actor))
    return reply.render(
      'ledger/views/upload.njk',
      {
        title: 'Import a ledger file',
        backLink: '/finance/imports',
        errors,
        errorList: errorList(errors, ['file', 'mappingId']),
        limitMb: ledgerImports.uploadLimitMb,
        mappingItems: [
          { value: '', text: 'Recognise the layout (LGA spend schema and common headings)' },
          ...mappings.map((m) => ({ value: String(m.id), text: m.name })),
        ],
      },
      status,
    )
  }

  app.post(
    '/finance/imports',
    { config: { policy: 'finance.write', csrfInMultipart: true } },
    async (request, reply) => {
      const actor = request.actor!
      const upload = await receiveUpload(app, request, reply, ledgerImports)
      if (upload.kind === 'sent') return reply
      if (upload.kind === 'refused') return renderUpload(reply, actor, upload.errors, upload.status)
      const { stored, fileName } = upload
      const mappingId = optionalInt(upload.fields.mappingId ?? '')
      const discard = (file: StoredFileInfo) => ledgerImports.discardUpload(actor.organisationId, file)
      let imp: LedgerImport
      try {
        imp = await ledgerImports.begin(importerOf(actor), { ...stored, fileName }, mappingId)
      } catch (err) {
        await discard(stored)
        if (err instanceof HttpError && err.fields)
          return renderUpload(reply, actor, { mappingId: 'Choose a saved mapping' }, 400)
        throw err
      }
      await runPass(imp, () => ledgerImports.validate(actor.organisationId, imp.id))
      return reply.redirect(`/finance/imports/${imp.id}`, 303)
    },
  )

  app.get<{ Params: ImportParams }>(
    '/finance/imports/:importId',
    { config: { policy: 'finance.write' }, schema: { params: ImportParams } },
    async (request, reply) => {
      const actor = request.actor!
      const scope = scopeOf(actor)
      const imp = await ledgerImports.get(scope, request.params.importId)
      if (!imp) throw notFound('Import')
      const summary = parseSummary(imp)
      const problems = await ledgerImports.problems(scope, imp.id, 0, 500)
      return reply.render('ledger/views/import.njk', {
        title: `Import of ${imp.file_name}`,
        breadcrumbs: [{ text: 'Ledger imports', href: '/finance/imports' }],
        imp,
        tag: STATUS_TAGS[imp.status] ?? { text: imp.status, classes: '' },
        // Busy while a live lease says an instance is working on it; a lapsed one is failed on reading.
        ...passProgress(imp),
        canRecheck: imp.status === 'failed' && imp.stored_file_id !== null,
        summary,
        total: formatMoney(imp.total_pence),
        newTotal: formatMoney(summary.newPence ?? 0),
        unmatchedTotal: formatMoney(summary.unmatchedPence ?? 0),
        newRows: Math.max(0, imp.rows_good - imp.rows_duplicate - imp.rows_changed),
        columns: LEDGER_FIELDS.filter((f) => summary.columns?.[f.key]).map((f) => ({
          label: f.label,
          heading: summary.columns?.[f.key],
        })),
        byPeriod: (summary.byPeriod ?? []).map((p) => ({
          ...p,
          label: formatPeriod(p.period),
          money: formatMoney(p.pence),
        })),
        byProject: (summary.byProject ?? []).map((p) => ({ ...p, money: formatMoney(p.pence) })),
        badProblems: problems.filter((p) => p.kind === 'bad'),
        changedProblems: problems.filter((p) => p.kind === 'changed'),
        moreProblems: imp.rows_bad + imp.rows_changed > problems.length,
        canMap: imp.status === 'failed' || imp.status === 'validated',
      })
    },
  )

  app.post<{ Params: ImportParams; Body: FormBody }>(
    '/finance/imports/:importId/commit',
    { config: { policy: 'finance.write' }, schema: { params: ImportParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const imp = await ledgerImports.get(scopeOf(actor), request.params.importId)
      if (!imp) throw notFound('Import')
      if (imp.status === 'committed') return reply.redirect(`/finance/imports/${imp.id}`, 303)
      if (imp.status !== 'validated') {
        reply.flash('This import cannot be added: it is not ready')
        return reply.redirect(`/finance/imports/${imp.id}`, 303)
      }
      await runPass(imp, () => ledgerImports.commit(importerOf(actor), imp.id))
      const after = await ledgerImports.get(scopeOf(actor), imp.id)
      if (after?.status === 'committed') reply.flash(`${after.rows_added} payments added to the ledger`)
      return reply.redirect(`/finance/imports/${imp.id}`, 303)
    },
  )

  app.post<{ Params: ImportParams; Body: FormBody }>(
    '/finance/imports/:importId/check',
    { config: { policy: 'finance.write' }, schema: { params: ImportParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const imp = await ledgerImports.get(scopeOf(actor), request.params.importId)
      if (!imp) throw notFound('Import')
      if (imp.status !== 'failed' || imp.stored_file_id === null) {
        reply.flash('This import cannot be checked again')
        return reply.redirect(`/finance/imports/${imp.id}`, 303)
      }
      const again = await ledgerImports.recheck(actor.organisationId, imp.id)
      await runPass(again, () => ledgerImports.validate(actor.organisationId, imp.id))
      return reply.redirect(`/finance/imports/${imp.id}`, 303)
    },
  )

  // ---- Mapping step: for a file whose layout was not recognised, or to use a different mapping. ----

  function mappingForm(imp: LedgerImport, values: Record<string, string>, errors: Record<string, string>) {
    const summary = parseSummary(imp)
    const headings = (summary.headings ?? summary.candidateHeadings ?? []).filter((h) => h !== '')
    const options = (selected: string) => [
      { value: '', text: 'Not in this file' },
      ...headings.map((h) => ({ value: h, text: h, selected: h === selected })),
    ]
    return {
      title: 'Map the columns',
      backLink: `/finance/imports/${imp.id}`,
      imp,
      errors,
      errorList: errorList(errors, [
        'name',
        ...LEDGER_FIELDS.map((f) => `col_${f.key}`),
        'columns',
        'dateFormat',
      ]),
      values,
      headingLine: summary.headingLine ?? summary.candidateLine ?? 0,
      hasHeadings: headings.length > 0,
      fields: LEDGER_FIELDS.map((f) => ({
        ...f,
        name: `col_${f.key}`,
        items: options(values[`col_${f.key}`] ?? ''),
      })),
      dateFormats: DATE_FORMATS.map((d) => ({
        value: d.value,
        text: d.label,
        checked: (values.dateFormat ?? 'auto') === d.value,
      })),
    }
  }

  app.get<{ Params: ImportParams }>(
    '/finance/imports/:importId/mapping',
    { config: { policy: 'finance.write' }, schema: { params: ImportParams } },
    async (request, reply) => {
      const imp = await ledgerImports.get(scopeOf(request.actor!), request.params.importId)
      if (!imp) throw notFound('Import')
      const summary = parseSummary(imp)
      const values: Record<string, string> = { name: '', dateFormat: 'auto', skipLines: '0' }
      for (const [k, v] of Object.entries(summary.columns ?? {})) values[`col_${k}`] = v
      return reply.render('ledger/views/mapping.njk', mappingForm(imp, values, {}))
    },
  )

  app.post<{ Params: ImportParams; Body: FormBody }>(
    '/finance/imports/:importId/mapping',
    { config: { policy: 'finance.write' }, schema: { params: ImportParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const imp = await ledgerImports.get(scopeOf(actor), request.params.importId)
      if (!imp) throw notFound('Import')
      if (imp.status === 'committed' || imp.status === 'committing')
        return reply.redirect(`/finance/imports/${imp.id}`, 303)
      const body = request.body
      const values: Record<string, string> = {
        name: field(body, 'name'),
        dateFormat: field(body, 'dateFormat') || 'auto',
      }
      const columns: ColumnMap = {}
      for (const f of LEDGER_FIELDS) {
        values[`col_${f.key}`] = field(body, `col_${f.key}`)
        if (values[`col_${f.key}`]) columns[f.key] = values[`col_${f.key}`]
      }
      try {
        const m = await ledger.createMapping(actor, {
          name: values.name ?? '',
          columns,
          dateFormat: values.dateFormat as DateFormat,
          delimiter: imp.delimiter || 'auto',
          encoding: imp.encoding || 'auto',
          // The headings are found by name, so a longer or shorter preamble next month still works.
          skipLines: 0,
        })
        const again = await ledgerImports.useMapping(actor.organisationId, imp.id, m.id)
        await runPass(again, () => ledgerImports.validate(actor.organisationId, imp.id))
        reply.flash(`Mapping “${m.name}” saved`)
        return reply.redirect(`/finance/imports/${imp.id}`, 303)
      } catch (err) {
        if (err instanceof ValidationError && err.fields)
          return reply.render('ledger/views/mapping.njk', mappingForm(imp, values, err.fields), 400)
        throw err
      }
    },
  )
}
