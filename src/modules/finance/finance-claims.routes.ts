import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import { notFound } from '../../errors.ts'
import { errorList, field, FormBody } from '../../web/forms.ts'
import { claimFormContext, readClaimForm } from './finance-claim-form.ts'
import { actorOf, renderForm, save } from './finance.forms.ts'
import { claimStatusLabel, readMoneyField, validateClaim, validateClaimItem } from './finance.rules.ts'
import { moneyHelpers } from './finance.view-model.ts'

const ClaimParams = Type.Object({ claimId: Type.Integer({ minimum: 1 }) })

/** Claims against funding streams, and the items in them with the reason any is ineligible. */
export async function financeClaimsRoutes(app: FastifyInstance) {
  const { finance } = app.services

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

  const claimCtx = (request: { actor?: unknown }, body: FormBody | null, hasError: (n: string) => boolean) =>
    claimFormContext(app, actorOf(request), body, hasError)

  app.get('/claims/new', { config: { policy: 'finance.write' } }, async (request, reply) =>
    renderForm(reply, await claimCtx(request, null, () => false), {}),
  )

  app.post<{ Body: FormBody }>(
    '/claims',
    { config: { policy: 'finance.write' }, schema: { body: FormBody } },
    async (request, reply) => {
      const b = request.body
      const errors: Record<string, string> = {}
      const input = readClaimForm(b, errors)
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
