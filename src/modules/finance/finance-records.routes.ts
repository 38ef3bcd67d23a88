import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import { currentPeriod } from '../../domain/periods.ts'
import { notFound } from '../../errors.ts'
import { field, FormBody } from '../../web/forms.ts'
import { actorOf, radios, renderForm, save, type Field } from './finance.forms.ts'
import {
  COST_BASES,
  FUNDING_KINDS,
  fundingKindLabel,
  readMoneyField,
  validateFundingStream,
  validatePartner,
  validateRecharge,
} from './finance.rules.ts'
import { moneyHelpers } from './finance.view-model.ts'

const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })

export async function financeRecordsRoutes(app: FastifyInstance) {
  const { finance, projects } = app.services

  // Funding streams
  app.get('/funding-streams', { config: { policy: 'portfolio.read' } }, async (request, reply) => {
    const streams = await finance.fundingStreams(scopeOf(request.actor!))
    return reply.render('finance/views/funding-streams.njk', {
      title: 'Funding streams',
      streams: streams.map((s) => ({ ...s, kindLabel: fundingKindLabel(s.kind) })),
      canWrite: allows('finance.write', request.actor!.role),
    })
  })

  const streamForm = (body: FormBody | null): Field[] => [
    {
      name: 'name',
      label: 'Name',
      value: field(body ?? {}, 'name'),
      hint: 'For example, Covid-19 — relieved cost pressures',
    },
    {
      name: 'kind',
      type: 'radios',
      label: 'Kind of funding',
      items: radios(FUNDING_KINDS, field(body ?? {}, 'kind')),
    },
    {
      name: 'eligibility',
      type: 'textarea',
      label: 'What it may pay for',
      value: field(body ?? {}, 'eligibility'),
    },
    {
      name: 'baseCostsEligible',
      type: 'radios',
      label: 'Can it pay for base costs already in the council budget?',
      items: radios(
        [
          { value: 'yes', text: 'Yes' },
          { value: 'no', text: 'No' },
        ],
        field(body ?? {}, 'baseCostsEligible') || 'yes',
      ),
    },
  ]
  const streamCtx = (body: FormBody | null) => ({
    title: 'Add a funding stream',
    action: '/funding-streams',
    backLink: '/funding-streams',
    submitText: 'Save funding stream',
    fields: streamForm(body),
  })

  app.get('/funding-streams/new', { config: { policy: 'finance.write' } }, async (_request, reply) =>
    renderForm(reply, streamCtx(null), {}),
  )

  app.post<{ Body: FormBody }>(
    '/funding-streams',
    { config: { policy: 'finance.write' }, schema: { body: FormBody } },
    async (request, reply) => {
      const b = request.body
      const input = {
        name: field(b, 'name'),
        kind: field(b, 'kind'),
        eligibility: field(b, 'eligibility'),
        baseCostsEligible: field(b, 'baseCostsEligible') !== 'no',
      }
      const result = await save(
        {},
        () => validateFundingStream(input),
        () => finance.createFundingStream(request.actor!, input),
        (errs) => renderForm(reply, streamCtx(b), errs, 400),
      )
      if (!result.ok) return result.response
      reply.flash(`Funding stream ${result.value.name} added`)
      return reply.redirect('/funding-streams', 303)
    },
  )

  // Partners and their recharges
  app.get('/partners', { config: { policy: 'portfolio.read' } }, async (request, reply) =>
    reply.render('finance/views/partners.njk', {
      ...moneyHelpers,
      title: 'Partners',
      partners: await finance.partners(scopeOf(request.actor!)),
      canWrite: allows('finance.write', request.actor!.role),
    }),
  )

  const partnerCtx = (body: FormBody | null) => ({
    title: 'Add a partner',
    action: '/partners',
    backLink: '/partners',
    submitText: 'Save partner',
    fields: [
      { name: 'name', label: 'Name', value: field(body ?? {}, 'name'), hint: 'For example, PSPS' },
      {
        name: 'baseContract',
        type: 'textarea',
        label: 'What the base contract covers',
        value: field(body ?? {}, 'baseContract'),
      },
      {
        name: 'annualBaseContract',
        type: 'money',
        label: 'Base contract a year',
        value: field(body ?? {}, 'annualBaseContract'),
      },
    ],
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
      const input = {
        name: field(b, 'name'),
        baseContract: field(b, 'baseContract'),
        annualBaseContractPence: readMoneyField(
          field(b, 'annualBaseContract'),
          'annualBaseContract',
          'Base contract a year',
          errors,
          false,
        ),
      }
      const result = await save(
        errors,
        () => validatePartner(input),
        () => finance.createPartner(request.actor!, input),
        (errs) => renderForm(reply, partnerCtx(b), errs, 400),
      )
      if (!result.ok) return result.response
      reply.flash(`Partner ${result.value.name} added`)
      return reply.redirect('/partners', 303)
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
      fields: [
        {
          name: 'partnerId',
          type: 'select',
          label: 'Partner',
          items: [
            { value: '', text: 'Select a partner' },
            ...partners.map((p) => ({
              value: String(p.id),
              text: p.name,
              selected: String(p.id) === field(body ?? {}, 'partnerId'),
            })),
          ],
        },
        {
          name: 'description',
          label: 'What was recharged',
          value: field(body ?? {}, 'description'),
          hint: 'For example, web developer',
        },
        {
          name: 'period',
          label: 'Month',
          value: body ? field(body, 'period') : currentPeriod(),
          hint: 'As YYYY-MM, for example 2025-06',
          classes: 'govuk-input--width-5',
        },
        { name: 'amount', type: 'money', label: 'Amount', value: field(body ?? {}, 'amount') },
        {
          name: 'costBasis',
          type: 'radios',
          label: 'Basis',
          items: radios(COST_BASES, body ? field(body, 'costBasis') : 'non_base'),
        },
      ],
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
      const partnerId = Number(field(b, 'partnerId'))
      const input = {
        partnerId: Number.isSafeInteger(partnerId) && partnerId > 0 ? partnerId : null,
        description: field(b, 'description'),
        period: field(b, 'period'),
        amountPence: readMoneyField(field(b, 'amount'), 'amount', 'Amount', errors),
        costBasis: field(b, 'costBasis'),
      }
      const ctx = await rechargeCtx(request, project.id, project.name, b)
      const result = await save(
        errors,
        () => validateRecharge(input),
        () => finance.createRecharge(request.actor!, project.id, input),
        (errs) => renderForm(reply, ctx, errs, 400),
      )
      if (!result.ok) return result.response
      reply.flash('Partner recharge added')
      return reply.redirect(`/projects/${project.id}/finance`, 303)
    },
  )
}
