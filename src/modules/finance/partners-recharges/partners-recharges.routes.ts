import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../../auth/actor.ts'
import { allows } from '../../../auth/policy.ts'
import { notFound } from '../../../errors.ts'
import { handleForm } from '../../../web/form-pages.ts'
import { FormBody } from '../../../web/forms.ts'
import { partnerFields, readPartnerForm, readRechargeForm, rechargeFields } from './record.forms.ts'
import { actorOf, checkedSave, renderForm } from '../shared/finance.forms.ts'
import { partnerKindLabel, servicesList, validatePartner, validateRecharge } from '../shared/finance.rules.ts'
import { formatDate } from '../../../domain/dates.ts'
import { formatMoney } from '../../../domain/money.ts'
import { moneyHelpers } from '../shared/finance.view-model.ts'

const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })
const PartnerParams = Type.Object({ partnerId: Type.Integer({ minimum: 1 }) })

/** Shared-service partners, and the recharges they make to projects. */
export async function partnersRechargesRoutes(app: FastifyInstance) {
  const { finance, projects, resourcing } = app.services

  app.get('/partners', { config: { policy: 'portfolio.read' } }, async (request, reply) =>
    reply.render('finance/views/partners.njk', {
      ...moneyHelpers,
      title: 'Partners',
      partners: await finance.partners(scopeOf(request.actor!)),
      kindLabel: partnerKindLabel,
      canWrite: allows('finance.write', request.actor!.role),
    }),
  )

  app.get<{ Params: { partnerId: number } }>(
    '/partners/:partnerId',
    { config: { policy: 'portfolio.read' }, schema: { params: PartnerParams } },
    async (request, reply) => {
      const scope = scopeOf(request.actor!)
      const partner = await finance.partner(scope, request.params.partnerId)
      if (!partner) throw notFound('Partner')
      const staff = await resourcing.people.list(scope, { partnerId: partner.id })
      return reply.render('finance/views/partner.njk', {
        title: partner.name,
        partner,
        endedOn: formatDate(partner.ended_on),
        separationId: partner.ended_on ? partner.id : null,
        facts: [
          { label: 'Kind', text: partnerKindLabel(partner.kind) },
          {
            label: 'Agreement',
            text: partner.agreement_starts_on
              ? `From ${formatDate(partner.agreement_starts_on)}${partner.agreement_ends_on ? ` to ${formatDate(partner.agreement_ends_on)}` : ', no end date'}`
              : 'Not recorded',
          },
          { label: 'What the base contract covers', text: partner.base_contract || '—' },
          { label: 'Base contract a year', text: formatMoney(Number(partner.annual_base_contract_pence)) },
        ],
        services: servicesList(partner.services),
        staff,
        canWrite: allows('finance.write', request.actor!.role),
        canEnd: allows('partnership.end', request.actor!.role),
      })
    },
  )

  const partnerCtx = (body: FormBody | null) => ({
    title: 'Add a partner',
    action: '/partners',
    backLink: '/partners',
    submitText: 'Save partner',
    fields: partnerFields(body),
  })

  app.get('/partners/new', { config: { policy: 'finance.write' } }, async (_request, reply) =>
    renderForm(reply, partnerCtx(null), {}),
  )

  app.post<{ Body: FormBody }>(
    '/partners',
    { config: { policy: 'finance.write' }, schema: { body: FormBody } },
    async (request, reply) => {
      const b = request.body
      const errors: Record<string, string> = {}
      const input = readPartnerForm(b, errors)
      return handleForm(reply, {
        save: () =>
          checkedSave(
            errors,
            () => validatePartner(input),
            () => finance.createPartner(request.actor!, input),
          ),
        onInvalid: (errs) => renderForm(reply, partnerCtx(b), errs, 400),
        onSaved: (saved) => {
          reply.flash(`Partner ${saved.name} added`)
          return reply.redirect(`/partners/${saved.id}`, 303)
        },
      })
    },
  )

  const rechargeCtx = async (
    request: { actor?: unknown },
    projectId: number,
    name: string,
    body: FormBody | null,
  ) => {
    const partners = await finance.partners(scopeOf(actorOf(request)))
    return {
      title: `Add a partner recharge to ${name}`,
      action: `/projects/${projectId}/recharges`,
      backLink: `/projects/${projectId}/finance`,
      submitText: 'Save recharge',
      intro:
        'A cost the shared-service partner charges to this project, such as a web developer. Non-base costs are on top of the base contract.',
      fields: rechargeFields(partners, body),
    }
  }

  app.get<{ Params: { projectId: number } }>(
    '/projects/:projectId/recharges/new',
    { config: { policy: 'finance.write' }, schema: { params: ProjectParams } },
    async (request, reply) => {
      const project = await projects.get(scopeOf(request.actor!), request.params.projectId)
      if (!project) throw notFound('Project')
      return renderForm(reply, await rechargeCtx(request, project.id, project.name, null), {})
    },
  )

  app.post<{ Params: { projectId: number }; Body: FormBody }>(
    '/projects/:projectId/recharges',
    { config: { policy: 'finance.write' }, schema: { params: ProjectParams, body: FormBody } },
    async (request, reply) => {
      const project = await projects.get(scopeOf(request.actor!), request.params.projectId)
      if (!project) throw notFound('Project')
      const b = request.body
      const errors: Record<string, string> = {}
      const input = readRechargeForm(b, errors)
      const ctx = await rechargeCtx(request, project.id, project.name, b)
      return handleForm(reply, {
        save: () =>
          checkedSave(
            errors,
            () => validateRecharge(input),
            () => finance.createRecharge(request.actor!, project.id, input),
          ),
        onInvalid: (errs) => renderForm(reply, ctx, errs, 400),
        onSaved: () => {
          reply.flash('Partner recharge added')
          return reply.redirect(`/projects/${project.id}/finance`, 303)
        },
      })
    },
  )
}
