import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import { notFound } from '../../errors.ts'
import { FormBody } from '../../web/forms.ts'
import {
  partnerFields,
  readPartnerForm,
  readRechargeForm,
  readStreamForm,
  rechargeFields,
  streamFields,
} from './finance-record-forms.ts'
import { actorOf, renderForm, save } from './finance.forms.ts'
import {
  fundingKindLabel,
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

  const streamCtx = (body: FormBody | null) => ({
    title: 'Add a funding stream',
    action: '/funding-streams',
    backLink: '/funding-streams',
    submitText: 'Save funding stream',
    fields: streamFields(body),
  })

  app.get('/funding-streams/new', { config: { policy: 'finance.write' } }, async (_request, reply) =>
    renderForm(reply, streamCtx(null), {}),
  )

  app.post<{ Body: FormBody }>(
    '/funding-streams',
    { config: { policy: 'finance.write' }, schema: { body: FormBody } },
    async (request, reply) => {
      const b = request.body
      const input = readStreamForm(b)
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
