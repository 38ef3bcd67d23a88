import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import { notFound } from '../../errors.ts'
import { dateItems, readDate } from '../../web/form-pages.ts'
import { errorList, field, FormBody } from '../../web/forms.ts'
import { actorOf, radios, renderForm, save } from './finance.forms.ts'
import {
  CLAIM_STATUSES,
  claimStatusLabel,
  readMoneyField,
  validateClaim,
  validateClaimItem,
} from './finance.rules.ts'
import { moneyHelpers } from './finance.view-model.ts'

const ClaimParams = Type.Object({ claimId: Type.Integer({ minimum: 1 }) })

/** Claims against funding streams, and the items in them with the reason any is ineligible. */
export async function financeClaimsRoutes(app: FastifyInstance) {
  const { finance, projects } = app.services

  // Claims
  app.get('/claims', { config: { policy: 'portfolio.read' } }, async (request, reply) =>
    reply.render('finance/views/claims.njk', {
      ...moneyHelpers,
      title: 'Claims',
      claims: (await finance.claims(scopeOf(request.actor!))).map((c) => ({
        ...c,
        statusLabel: claimStatusLabel(c.status),
      })),
      canWrite: allows('finance.write', request.actor!.role),
    }),
  )

  const claimCtx = async (
    request: { actor?: unknown },
    body: FormBody | null,
    hasError: (n: string) => boolean,
  ) => {
    const scope = scopeOf(actorOf(request))
    const streams = await finance.fundingStreams(scope)
    const projectRows = await projects.listProjects(scope, { limit: 500 })
    const v = (n: string) => field(body ?? {}, n)
    return {
      title: 'Add a claim',
      action: '/claims',
      backLink: '/claims',
      submitText: 'Save claim',
      fields: [
        {
          name: 'fundingStreamId',
          type: 'select',
          label: 'Funding stream',
          items: [
            { value: '', text: 'Select a funding stream' },
            ...streams.map((s) => ({
              value: String(s.id),
              text: s.name,
              selected: String(s.id) === v('fundingStreamId'),
            })),
          ],
        },
        {
          name: 'projectId',
          type: 'select',
          label: 'Project',
          items: [
            { value: '', text: 'Not for one project' },
            ...projectRows.map((p) => ({
              value: String(p.id),
              text: `${p.reference} ${p.name}`,
              selected: String(p.id) === v('projectId'),
            })),
          ],
        },
        {
          name: 'title',
          label: 'Title',
          value: v('title'),
          hint: 'For example, overtime in the Grants team',
        },
        { name: 'eligible', type: 'money', label: 'Eligible amount', value: v('eligible') },
        { name: 'claimed', type: 'money', label: 'Amount claimed', value: v('claimed') },
        { name: 'received', type: 'money', label: 'Amount received', value: v('received') },
        {
          name: 'submittedOn',
          type: 'date',
          label: 'Date submitted',
          items: dateItems(body, 'submittedOn', null, hasError('submittedOn')),
        },
        {
          name: 'receivedOn',
          type: 'date',
          label: 'Date money received',
          items: dateItems(body, 'receivedOn', null, hasError('receivedOn')),
        },
        {
          name: 'status',
          type: 'radios',
          label: 'Status',
          items: radios(CLAIM_STATUSES, v('status') || 'draft'),
        },
      ],
    }
  }

  app.get('/claims/new', { config: { policy: 'finance.write' } }, async (request, reply) =>
    renderForm(reply, await claimCtx(request, null, () => false), {}),
  )

  app.post<{ Body: FormBody }>(
    '/claims',
    { config: { policy: 'finance.write' }, schema: { body: FormBody } },
    async (request, reply) => {
      const b = request.body
      const errors: Record<string, string> = {}
      const id = (n: string) => {
        const x = Number(field(b, n))
        return Number.isSafeInteger(x) && x > 0 ? x : null
      }
      const input = {
        fundingStreamId: id('fundingStreamId'),
        projectId: id('projectId'),
        title: field(b, 'title'),
        eligiblePence: readMoneyField(field(b, 'eligible'), 'eligible', 'Eligible amount', errors, false),
        claimedPence: readMoneyField(field(b, 'claimed'), 'claimed', 'Amount claimed', errors, false),
        receivedPence: readMoneyField(field(b, 'received'), 'received', 'Amount received', errors, false),
        submittedOn: readDate(b, 'submittedOn', 'Date submitted', errors),
        receivedOn: readDate(b, 'receivedOn', 'Date received', errors),
        status: field(b, 'status'),
      }
      const result = await save(
        errors,
        () => validateClaim(input),
        () => finance.createClaim(request.actor!, input),
        async (errs) => renderForm(reply, await claimCtx(request, b, (n) => Boolean(errs[n])), errs, 400),
      )
      if (!result.ok) return result.response
      reply.flash('Claim added')
      return reply.redirect(`/claims/${result.value.id}`, 303)
    },
  )

  const renderClaim = async (
    reply: FastifyReply,
    claimId: number,
    values: Record<string, string>,
    errors: Record<string, string>,
    status = 200,
  ) => {
    const actor = reply.request.actor!
    const claim = await finance.claimWithItems(scopeOf(actor), claimId)
    if (!claim) throw notFound('Claim')
    return reply.render(
      'finance/views/claim.njk',
      {
        ...moneyHelpers,
        title: claim.title,
        breadcrumbs: [
          { text: 'Dashboard', href: '/' },
          { text: 'Claims', href: '/claims' },
        ],
        claim: { ...claim, statusLabel: claimStatusLabel(claim.status) },
        canWrite: allows('finance.write', actor.role),
        values,
        errors,
        errorList: errorList(errors, ['description', 'amount', 'ineligibleReason']),
      },
      status,
    )
  }

  app.get<{ Params: { claimId: number } }>(
    '/claims/:claimId',
    { config: { policy: 'portfolio.read' }, schema: { params: ClaimParams } },
    async (request, reply) => renderClaim(reply, request.params.claimId, {}, {}),
  )

  app.post<{ Params: { claimId: number }; Body: FormBody }>(
    '/claims/:claimId/items',
    { config: { policy: 'finance.write' }, schema: { params: ClaimParams, body: FormBody } },
    async (request, reply) => {
      const claim = await finance.claim(scopeOf(request.actor!), request.params.claimId)
      if (!claim) throw notFound('Claim')
      const b = request.body
      const errors: Record<string, string> = {}
      const input = {
        description: field(b, 'description'),
        amountPence: readMoneyField(field(b, 'amount'), 'amount', 'Amount', errors),
        eligible: field(b, 'eligible') !== 'no',
        ineligibleReason: field(b, 'ineligibleReason'),
      }
      const values = {
        description: input.description,
        amount: field(b, 'amount'),
        eligible: field(b, 'eligible'),
        ineligibleReason: input.ineligibleReason,
      }
      const result = await save(
        errors,
        () => validateClaimItem(input),
        () => finance.addClaimItem(request.actor!, claim.id, input),
        (errs) => renderClaim(reply, claim.id, values, errs, 400),
      )
      if (!result.ok) return result.response
      reply.flash('Item added to the claim')
      return reply.redirect(`/claims/${claim.id}`, 303)
    },
  )
}
