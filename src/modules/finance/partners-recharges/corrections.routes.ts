import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import type { Partner, PartnerRecharge } from '../../../db/schema.ts'
import { formatMoney } from '../../../domain/money.ts'
import { formatPeriod } from '../../../domain/periods.ts'
import { ConflictError, notFound } from '../../../errors.ts'
import { errorList, FormBody } from '../../../web/forms.ts'
import { RechargeInUseError } from './corrections.service.ts'
import {
  partnerAsForm,
  partnerFields,
  readPartnerForm,
  readRechargeForm,
  rechargeAsForm,
  rechargeUrl,
  rechargeFields,
} from './record.forms.ts'
import {
  COST_BASES,
  partnerKindLabel,
  servicesList,
  validatePartner,
  validateRecharge,
} from '../shared/finance.rules.ts'
import { formatDate } from '../../../domain/dates.ts'
import { formVersion } from '../shared/finance.forms.ts'
import { correctionPages } from '../shared/record-correction.routes.ts'
import { moneyHelpers } from '../shared/finance.view-model.ts'

const basisLabel = (v: string) => COST_BASES.find((c) => c.value === v)?.text ?? v
const money = (p: number | null) => formatMoney(p ?? 0)

/** Correcting partners and partner recharges, and removing a recharge entered in error. */
export async function correctionsRoutes(app: FastifyInstance) {
  const { finance, projects } = app.services

  correctionPages<Partner, ReturnType<typeof readPartnerForm>>(app, {
    path: '/partners/:partnerId/edit',
    param: 'partnerId',
    what: 'Partner',
    history: 'partner',
    load: (scope, id) => finance.partner(scope, id),
    form: async (_actor, p, body) => ({
      title: `Change the partner ${p.name}`,
      backLink: `/partners/${p.id}`,
      fields: partnerFields(body),
    }),
    asForm: partnerAsForm,
    read: readPartnerForm,
    rules: validatePartner,
    update: (actor, id, version, input) => finance.updatePartner(actor, id, version, input),
    conflict: (input, saved) => [
      { label: 'Name', yours: input.name, saved: saved.name },
      { label: 'Kind of partner', yours: partnerKindLabel(input.kind), saved: partnerKindLabel(saved.kind) },
      {
        label: 'Agreement',
        yours: `${formatDate(input.agreementStartsOn)} to ${formatDate(input.agreementEndsOn)}`,
        saved: `${formatDate(saved.agreement_starts_on)} to ${formatDate(saved.agreement_ends_on)}`,
      },
      {
        label: 'Services provided',
        yours: input.services.join(', '),
        saved: servicesList(saved.services).join(', '),
      },
      { label: 'What the base contract covers', yours: input.baseContract, saved: saved.base_contract },
      {
        label: 'Base contract a year',
        yours: money(input.annualBaseContractPence),
        saved: money(Number(saved.annual_base_contract_pence)),
      },
    ],
    label: (p) => `Partner ${p.name}`,
    done: (p) => ({ flash: `Partner ${p.name} updated`, url: `/partners/${p.id}` }),
  })

  correctionPages<PartnerRecharge, ReturnType<typeof readRechargeForm>>(app, {
    path: '/recharges/:rechargeId/edit',
    param: 'rechargeId',
    what: 'Partner recharge',
    history: 'partner_recharge',
    load: (scope, id) => finance.recharge(scope, id),
    form: async (actor, r, body) => {
      const project = await projects.get(scopeOf(actor), r.project_id)
      return {
        title: `Change a partner recharge to ${project?.name ?? 'the project'}`,
        backLink: rechargeUrl(r),
        fields: rechargeFields(await finance.partners(scopeOf(actor)), body),
      }
    },
    asForm: rechargeAsForm,
    read: readRechargeForm,
    rules: validateRecharge,
    update: (actor, id, version, input) => finance.updateRecharge(actor, id, version, input),
    conflict: (input, saved) => [
      { label: 'What was recharged', yours: input.description, saved: saved.description },
      { label: 'Month', yours: input.period, saved: saved.period },
      { label: 'Amount', yours: money(input.amountPence), saved: money(Number(saved.amount_pence)) },
      { label: 'Basis', yours: basisLabel(input.costBasis), saved: basisLabel(saved.cost_basis) },
    ],
    label: (r) => `Partner recharge for ${formatPeriod(r.period)}: ${r.description}`,
    done: (r) => ({ flash: 'Partner recharge updated', url: rechargeUrl(r) }),
  })

  // Removing a recharge entered in error: a confirmation page first, and a refusal while a claim relies on it.
  const RechargeParams = Type.Object({ rechargeId: Type.Integer({ minimum: 1 }) })
  const confirmRemoval = async (
    reply: FastifyReply,
    actor: Actor,
    r: PartnerRecharge,
    problem: string | null,
    status = 200,
  ) => {
    const scope = scopeOf(actor)
    const [project, partner, claims] = await Promise.all([
      projects.get(scope, r.project_id),
      finance.partner(scope, r.partner_id),
      finance.claimsRelyingOn(scope, r.id),
    ])
    const refusal = problem ?? (claims.length > 0 ? new RechargeInUseError(claims).message : null)
    return reply.render(
      'finance/views/recharge-remove.njk',
      {
        ...moneyHelpers,
        title: 'Remove this partner recharge?',
        backLink: rechargeUrl(r),
        recharge: r,
        projectName: project?.name ?? '',
        partnerName: partner?.name ?? '',
        month: formatPeriod(r.period),
        basis: basisLabel(r.cost_basis),
        refusal,
        errorList: refusal ? errorList({ remove: refusal }) : [],
        inUse: claims.length > 0,
      },
      status,
    )
  }

  app.get<{ Params: { rechargeId: number } }>(
    '/recharges/:rechargeId/remove',
    { config: { policy: 'finance.write' }, schema: { params: RechargeParams } },
    async (request, reply) => {
      const r = await finance.recharge(scopeOf(request.actor!), request.params.rechargeId)
      if (!r) throw notFound('Partner recharge')
      return confirmRemoval(reply, request.actor!, r, null)
    },
  )

  app.post<{ Params: { rechargeId: number }; Body: FormBody }>(
    '/recharges/:rechargeId/remove',
    { config: { policy: 'finance.write' }, schema: { params: RechargeParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const r = await finance.recharge(scopeOf(actor), request.params.rechargeId)
      if (!r) throw notFound('Partner recharge')
      try {
        await finance.removeRecharge(actor, r.id, formVersion(request.body))
      } catch (err) {
        if (err instanceof RechargeInUseError) return confirmRemoval(reply, actor, r, err.message, 409)
        if (err instanceof ConflictError) {
          const problem =
            'This recharge was changed by someone else after you opened this page. Check it before removing it.'
          return confirmRemoval(reply, actor, r, problem, 409)
        }
        throw err
      }
      reply.flash(`Partner recharge for ${formatPeriod(r.period)} removed`)
      return reply.redirect(rechargeUrl(r), 303)
    },
  )
}
