import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import { formatMoney } from '../../domain/money.ts'
import { ConflictError, notFound, ValidationError } from '../../errors.ts'
import { todayInLondon } from '../../domain/dates.ts'
import type { LedgerTransaction } from '../../db/schema.ts'
import { sendExport } from '../../web/exports.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import { DATE_FORMATS, LEDGER_FIELDS } from './ledger.formats.ts'
import { RULE_FIELDS, RULE_TYPES, type RuleInput } from './ledger.service.ts'

const TransactionParams = Type.Object({ transactionId: Type.Integer({ minimum: 1 }) })
const RuleParams = Type.Object({ ruleId: Type.Integer({ minimum: 1 }) })
const MappingParams = Type.Object({ mappingId: Type.Integer({ minimum: 1 }) })
const ProgrammeParams = Type.Object({ programmeId: Type.Integer({ minimum: 1 }) })
const PageQuery = Type.Object({ page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })) })

const PAGE_SIZE = 100

type SpendRow = LedgerTransaction & { project_reference: string }

/** The LGA spend schema's columns, in its order (Local Government Transparency Code 2015). */
const LGA_COLUMNS = [
  'OrganisationLabel',
  'OrganisationURI',
  'EffectiveDate',
  'OrganisationalUnit',
  'BeneficiaryName',
  'BeneficiaryOtherID',
  'PaymentDate',
  'TransactionNumber',
  'Amount',
  'IrrecoverableVATAmount',
  'Purpose',
  'ProclassLabel',
  'ProclassCode',
  'InvoiceNumber',
  'ProfitCentre',
  'VATRegistrationNumber',
]

export async function ledgerRoutes(app: FastifyInstance) {
  const { ledger, programmes } = app.services

  // ---- Suspense list ----
  async function renderSuspense(
    reply: FastifyReply,
    actor: Actor,
    page: number,
    errors: Record<string, string>,
    status = 200,
  ) {
    const scope = scopeOf(actor)
    const [rows, totals, projects] = await Promise.all([
      ledger.transactions(scope, { suspense: true, offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE + 1 }),
      ledger.suspenseTotals(scope),
      ledger.projectOptions(scope),
    ])
    const projectItems = [
      { value: '', text: 'Choose a project' },
      ...projects.map((p) => ({ value: String(p.id), text: `${p.reference} ${p.name}` })),
    ]
    return reply.render(
      'ledger/views/suspense.njk',
      {
        title: 'Suspense list',
        section: 'suspense',
        errors,
        errorList: errorList(errors),
        totals: { count: totals.count, money: formatMoney(totals.pence) },
        rows: rows.slice(0, PAGE_SIZE).map((r) => ({ ...r, money: formatMoney(r.amount_pence) })),
        projectItems,
        page,
        next: rows.length > PAGE_SIZE ? page + 1 : null,
        previous: page > 1 ? page - 1 : null,
      },
      status,
    )
  }

  app.get<{ Querystring: { page?: number } }>(
    '/finance/suspense',
    { config: { policy: 'finance.write' }, schema: { querystring: PageQuery } },
    async (request, reply) => renderSuspense(reply, request.actor!, request.query.page ?? 1, {}),
  )

  app.post<{ Params: { transactionId: number }; Body: FormBody }>(
    '/finance/transactions/:transactionId/assign',
    { config: { policy: 'finance.write' }, schema: { params: TransactionParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const t = await ledger.transaction(scopeOf(actor), request.params.transactionId)
      if (!t) throw notFound('Transaction')
      const projectId = optionalInt(field(request.body, 'projectId'))
      const version = optionalInt(field(request.body, 'version')) ?? t.version
      if (projectId === null)
        return renderSuspense(
          reply,
          actor,
          1,
          {
            [`project-${t.id}`]: `Choose the project for the payment to ${t.supplier_name || 'this supplier'}`,
          },
          400,
        )
      try {
        await ledger.assign(actor, t.id, version, projectId)
      } catch (err) {
        if (err instanceof ValidationError)
          return renderSuspense(reply, actor, 1, { [`project-${t.id}`]: 'Choose a project' }, 400)
        if (err instanceof ConflictError) {
          reply.flash('Someone else changed that payment first; it is shown as it is now')
          return reply.redirect('/finance/suspense', 303)
        }
        throw err
      }
      reply.flash(
        `Payment of ${formatMoney(t.amount_pence)} to ${t.supplier_name || 'the supplier'} put on the project`,
      )
      return reply.redirect('/finance/suspense', 303)
    },
  )

  // ---- Cost mapping rules ----
  async function renderRules(
    reply: FastifyReply,
    actor: Actor,
    values: Record<string, string>,
    errors: Record<string, string>,
    status = 200,
  ) {
    const scope = scopeOf(actor)
    const [rules, projects] = await Promise.all([ledger.rules(scope), ledger.projectOptions(scope)])
    return reply.render(
      'ledger/views/rules.njk',
      {
        title: 'Cost mapping rules',
        section: 'rules',
        errors,
        errorList: errorList(errors, ['matchField', 'matchType', 'matchValue', 'projectId', 'priority']),
        rules: rules.map((r) => ({
          ...r,
          fieldLabel: RULE_FIELDS.find((f) => f.value === r.match_field)?.text ?? r.match_field,
          typeLabel: RULE_TYPES.find((f) => f.value === r.match_type)?.text ?? r.match_type,
        })),
        values,
        fieldItems: RULE_FIELDS.map((f) => ({ ...f, selected: f.value === values.matchField })),
        typeItems: RULE_TYPES.map((f) => ({ ...f, checked: f.value === (values.matchType || 'exact') })),
        projectItems: [
          { value: '', text: 'Choose a project' },
          ...projects.map((p) => ({
            value: String(p.id),
            text: `${p.reference} ${p.name}`,
            selected: String(p.id) === values.projectId,
          })),
        ],
      },
      status,
    )
  }

  app.get('/finance/rules', { config: { policy: 'finance.write' } }, async (request, reply) =>
    renderRules(reply, request.actor!, { matchType: 'exact', priority: '100' }, {}),
  )

  app.post<{ Body: FormBody }>(
    '/finance/rules',
    { config: { policy: 'finance.write' }, schema: { body: FormBody } },
    async (request, reply) => {
      const b = request.body
      const values = {
        matchField: field(b, 'matchField'),
        matchType: field(b, 'matchType'),
        matchValue: field(b, 'matchValue'),
        projectId: field(b, 'projectId'),
        priority: field(b, 'priority'),
      }
      const input: RuleInput = {
        ...values,
        projectId: optionalInt(values.projectId),
        priority: values.priority === '' ? null : (optionalInt(values.priority) ?? -1),
      }
      try {
        await ledger.createRule(request.actor!, input)
      } catch (err) {
        if (err instanceof ValidationError && err.fields)
          return renderRules(reply, request.actor!, values, err.fields, 400)
        throw err
      }
      reply.flash('Rule added. Run the rules over the suspense list to move payments it matches.')
      return reply.redirect('/finance/rules', 303)
    },
  )

  app.post<{ Params: { ruleId: number }; Body: FormBody }>(
    '/finance/rules/:ruleId/delete',
    { config: { policy: 'finance.write' }, schema: { params: RuleParams, body: FormBody } },
    async (request, reply) => {
      await ledger.deleteRule(request.actor!, request.params.ruleId)
      reply.flash('Rule deleted. Payments already on projects stay where they are.')
      return reply.redirect('/finance/rules', 303)
    },
  )

  app.post<{ Body: FormBody }>(
    '/finance/rules/apply',
    { config: { policy: 'finance.write' }, schema: { body: FormBody } },
    async (request, reply) => {
      const moved = await ledger.applyRulesToSuspense(request.actor!)
      reply.flash(
        moved === 0
          ? 'No payment in the suspense list matches a rule'
          : `${moved} payments moved from the suspense list to their projects`,
      )
      return reply.redirect('/finance/suspense', 303)
    },
  )

  // ---- Saved column mappings ----
  app.get('/finance/mappings', { config: { policy: 'finance.write' } }, async (request, reply) => {
    const mappings = await ledger.mappings(scopeOf(request.actor!))
    return reply.render('ledger/views/mappings.njk', {
      title: 'Saved column mappings',
      section: 'mappings',
      mappings: mappings.map((m) => {
        const cols = JSON.parse(m.columns_json) as Record<string, string>
        return {
          ...m,
          columns: LEDGER_FIELDS.filter((f) => cols[f.key]).map((f) => `${f.label}: ${cols[f.key]}`),
          dateLabel: DATE_FORMATS.find((d) => d.value === m.date_format)?.label ?? m.date_format,
        }
      }),
    })
  })

  app.post<{ Params: { mappingId: number }; Body: FormBody }>(
    '/finance/mappings/:mappingId/delete',
    { config: { policy: 'finance.write' }, schema: { params: MappingParams, body: FormBody } },
    async (request, reply) => {
      await ledger.deleteMapping(request.actor!, request.params.mappingId)
      reply.flash('Mapping deleted')
      return reply.redirect('/finance/mappings', 303)
    },
  )

  // ---- Transparency Code spend export ----
  app.get<{ Params: { programmeId: number } }>(
    '/programmes/:programmeId/spend.csv',
    { config: { policy: 'portfolio.read' }, schema: { params: ProgrammeParams } },
    async (request, reply) => {
      const actor = request.actor!
      const scope = scopeOf(actor)
      const programme = await programmes.get(scope, request.params.programmeId)
      if (!programme) throw notFound('Programme')
      const today = todayInLondon()
      const orgUri = `${app.config.baseUrl}/organisations/${actor.organisationSlug}`
      // The LGA Transparency Code layout: one column per field, the blank ones included.
      const values: Record<string, (t: SpendRow) => string | number> = {
        OrganisationLabel: () => actor.organisationName,
        OrganisationURI: () => orgUri,
        EffectiveDate: () => today,
        OrganisationalUnit: (t) => t.service_area,
        BeneficiaryName: (t) => t.supplier_name,
        PaymentDate: (t) => t.transaction_date,
        TransactionNumber: (t) => t.transaction_ref ?? '',
        Amount: (t) => t.amount_pence,
        Purpose: (t) => t.description,
        ProclassLabel: (t) => t.expense_type,
        ProfitCentre: (t) => t.cost_centre || t.project_reference,
      }
      const columns = LGA_COLUMNS.map((header) => ({
        header,
        kind:
          header === 'Amount' ? ('money' as const) : header.endsWith('Date') ? ('date' as const) : undefined,
        value: values[header] ?? (() => ''),
      }))
      return sendExport(
        reply,
        'csv',
        actor.organisationSlug,
        { name: `${programme.reference}-spend`, columns },
        ledger.programmeSpend(scope, programme.id),
      )
    },
  )
}
