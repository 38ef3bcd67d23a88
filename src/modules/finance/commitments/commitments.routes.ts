import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { scopeOf } from '../../../auth/actor.ts'
import type { Commitment } from '../../../db/schema.ts'
import { financialYearOf } from '../../../domain/periods.ts'
import { ConflictError, notFound } from '../../../errors.ts'
import {
  dateItems,
  handleForm,
  readDate,
  readMoneyField,
  renderConflict,
  resubmitFields,
} from '../../../web/form-pages.ts'
import { field, FormBody } from '../../../web/forms.ts'
import { commitmentStatusLabel, validateCommitment, type CommitmentInput } from './commitments.service.ts'
import { checkedSave, renderForm } from '../shared/finance.forms.ts'
import { moneyHelpers, yearSlug } from '../shared/finance.view-model.ts'

/** Back to the project's finance in the year the order was raised, where it counts. */
const financePage = (projectId: number, raisedOn: string) =>
  `/projects/${projectId}/finance?year=${yearSlug(financialYearOf(raisedOn).label)}#commitments`

const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })
const CommitmentParams = Type.Object({ commitmentId: Type.Integer({ minimum: 1 }) })
/** Purchase orders raised but not yet invoiced: added per project, then marked invoiced or cancelled. */
export async function commitmentsRoutes(app: FastifyInstance) {
  const { finance, projects } = app.services

  const formCtx = (projectId: number, body: FormBody | null, hasError: (n: string) => boolean) => {
    const v = (n: string) => field(body ?? {}, n)
    return {
      title: 'Add a commitment',
      intro:
        'A purchase order raised but not yet invoiced. It counts against the budget until it is invoiced or cancelled.',
      action: `/projects/${projectId}/commitments`,
      backLink: `/projects/${projectId}/finance#commitments`,
      submitText: 'Save commitment',
      fields: [
        { name: 'supplierName', label: 'Supplier', value: v('supplierName') },
        {
          name: 'reference',
          label: 'Purchase order number',
          value: v('reference'),
          classes: 'govuk-input--width-10',
        },
        { name: 'description', label: 'What was ordered (optional)', value: v('description') },
        { name: 'amountPence', type: 'money', label: 'Amount ordered', value: v('amountPence') },
        {
          name: 'raisedOn',
          type: 'date',
          label: 'Date raised',
          hint: 'For example, 27 3 2026',
          items: dateItems(body, 'raisedOn', null, hasError('raisedOn')),
        },
      ],
    }
  }

  const projectOr404 = async (request: FastifyRequest, projectId: number) => {
    const p = await projects.get(scopeOf(request.actor!), projectId)
    if (!p) throw notFound('Project')
    return p
  }

  app.get<{ Params: Static<typeof ProjectParams> }>(
    '/projects/:projectId/commitments/new',
    { config: { policy: 'finance.write' }, schema: { params: ProjectParams } },
    async (request, reply) => {
      await projectOr404(request, request.params.projectId)
      return renderForm(
        reply,
        formCtx(request.params.projectId, null, () => false),
        {},
      )
    },
  )

  app.post<{ Params: Static<typeof ProjectParams>; Body: FormBody }>(
    '/projects/:projectId/commitments',
    { config: { policy: 'finance.write' }, schema: { params: ProjectParams, body: FormBody } },
    async (request, reply) => {
      const { projectId } = request.params
      await projectOr404(request, projectId)
      const b = request.body
      const errors: Record<string, string> = {}
      const input: CommitmentInput = {
        supplierName: field(b, 'supplierName'),
        reference: field(b, 'reference'),
        description: field(b, 'description'),
        amountPence: readMoneyField(field(b, 'amountPence'), 'amountPence', 'Amount ordered', errors),
        raisedOn: readDate(b, 'raisedOn', 'Date raised', errors),
      }
      return handleForm(reply, {
        save: () =>
          checkedSave(
            errors,
            () => validateCommitment(input),
            () => finance.createCommitment(request.actor!, projectId, input),
          ),
        onInvalid: (errs) =>
          renderForm(
            reply,
            formCtx(projectId, b, (n) => Boolean(errs[n])),
            errs,
            400,
          ),
        onSaved: (saved) => {
          reply.flash(`Commitment ${saved.reference} added`)
          return reply.redirect(financePage(projectId, saved.raised_on), 303)
        },
      })
    },
  )

  app.post<{ Params: Static<typeof CommitmentParams>; Body: FormBody }>(
    '/commitments/:commitmentId/status',
    { config: { policy: 'finance.write' }, schema: { params: CommitmentParams, body: FormBody } },
    async (request, reply) => {
      const scope = scopeOf(request.actor!)
      const current = await finance.commitment(scope, request.params.commitmentId)
      if (!current) throw notFound('Commitment')
      const b = request.body
      const status = field(b, 'status')
      const chosen = status === 'invoiced' ? 'invoiced' : status === 'cancelled' ? 'cancelled' : ''
      const back = financePage(current.project_id, current.raised_on)
      return handleForm(reply, {
        save: () =>
          finance.setCommitmentStatus(request.actor!, current.id, Number(field(b, 'version')), chosen),
        // A button that names neither status: the page reloads with the order as it stands.
        onInvalid: () => {
          reply.flash('Choose whether the order was invoiced or cancelled')
          return reply.redirect(back, 303)
        },
        // Two people closing the same order: both versions side by side, nothing overwritten.
        onConflict: (err) => {
          if (!(err instanceof ConflictError)) throw err
          const saved = err.current as Commitment
          return renderConflict(reply, {
            title: `Order ${saved.reference}: ${saved.supplier_name}`,
            recordUrl: back,
            action: `/commitments/${current.id}/status`,
            rows: [
              {
                label: 'Status',
                yours: commitmentStatusLabel(chosen),
                saved: commitmentStatusLabel(saved.status),
              },
            ],
            resubmit: resubmitFields(b),
            savedVersion: saved.version,
          })
        },
        onSaved: (c) => {
          reply.flash(
            `Order ${c.reference} (${moneyHelpers.money(Number(c.amount_pence))}) marked ${c.status === 'invoiced' ? 'invoiced' : 'cancelled'}`,
          )
          return reply.redirect(back, 303)
        },
      })
    },
  )
}
