import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../../auth/actor.ts'
import { allows } from '../../../auth/policy.ts'
import { notFound } from '../../../errors.ts'
import { handleForm, readMoneyField } from '../../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../../web/forms.ts'
import { formatMoney } from '../../../domain/money.ts'
import { formatPeriod } from '../../../domain/periods.ts'
import { claimFormContext, readClaimForm } from './claim.form.ts'
import { actorOf, checkedSave, renderForm } from '../shared/finance.forms.ts'
import { claimStatusLabel, validateClaim, validateClaimItem } from '../shared/finance.rules.ts'
import { moneyHelpers } from '../shared/finance.view-model.ts'

const ClaimParams = Type.Object({ claimId: Type.Integer({ minimum: 1 }) })

/** Claims against funding streams, and the items in them with the reason any is ineligible. */
export async function claimsRoutes(app: FastifyInstance) {
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
      return handleForm(reply, {
        save: () =>
          checkedSave(
            errors,
            () => validateClaim(input),
            () => finance.createClaim(request.actor!, input),
          ),
        onInvalid: async (errs) =>
          renderForm(reply, await claimCtx(request, b, (n) => Boolean(errs[n])), errs, 400),
        onSaved: (saved) => {
          reply.flash('Claim added')
          return reply.redirect(`/claims/${saved.id}`, 303)
        },
      })
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
    // An item may name the project's partner recharge it claims for, so the recharge cannot vanish under it.
    const recharges =
      claim.project_id === null
        ? []
        : ((await finance.projectRecharges(scopeOf(actor), claim.project_id)) ?? [])
    const rechargeText = (r: (typeof recharges)[number]) =>
      `${formatPeriod(r.period)}: ${r.description}, ${formatMoney(Number(r.amount_pence))}`
    return reply.render(
      'finance/views/claim.njk',
      {
        ...moneyHelpers,
        title: claim.title,
        breadcrumbs: [
          { text: 'Dashboard', href: '/' },
          { text: 'Claims', href: '/claims' },
        ],
        claim: {
          ...claim,
          statusLabel: claimStatusLabel(claim.status),
          items: claim.items.map((i) => {
            const r = recharges.find((x) => x.id === i.partner_recharge_id)
            return { ...i, rechargeText: r ? rechargeText(r) : '' }
          }),
        },
        rechargeItems: recharges.length
          ? [
              { value: '', text: 'None' },
              ...recharges.map((r) => ({
                value: String(r.id),
                text: rechargeText(r),
                selected: String(r.id) === values.partnerRechargeId,
              })),
            ]
          : [],
        canWrite: allows('finance.write', actor.role),
        values,
        errors,
        errorList: errorList(errors, ['description', 'amount', 'ineligibleReason', 'partnerRechargeId']),
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
        partnerRechargeId: optionalInt(field(b, 'partnerRechargeId')),
      }
      const values = {
        partnerRechargeId: field(b, 'partnerRechargeId'),
        description: input.description,
        amount: field(b, 'amount'),
        eligible: field(b, 'eligible'),
        ineligibleReason: input.ineligibleReason,
      }
      return handleForm(reply, {
        save: () =>
          checkedSave(
            errors,
            () => validateClaimItem(input),
            () => finance.addClaimItem(request.actor!, claim.id, input),
          ),
        onInvalid: (errs) => renderClaim(reply, claim.id, values, errs, 400),
        onSaved: () => {
          reply.flash('Item added to the claim')
          return reply.redirect(`/claims/${claim.id}`, 303)
        },
      })
    },
  )
}
