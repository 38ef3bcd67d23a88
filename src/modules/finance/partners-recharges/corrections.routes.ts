import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor, type Scope } from '../../../auth/actor.ts'
import type { FundingStream, Partner, PartnerRecharge } from '../../../db/schema.ts'
import { formatMoney } from '../../../domain/money.ts'
import { formatPeriod } from '../../../domain/periods.ts'
import { ConflictError, notFound } from '../../../errors.ts'
import { handleForm, renderConflict, resubmitFields, type ConflictRow } from '../../../web/form-pages.ts'
import { errorList, FormBody } from '../../../web/forms.ts'
import { RechargeInUseError } from './corrections.service.ts'
import {
  formVersion,
  partnerAsForm,
  partnerFields,
  readPartnerForm,
  readRechargeForm,
  readStreamForm,
  rechargeAsForm,
  rechargeUrl,
  rechargeFields,
  streamAsForm,
  streamFields,
} from './record.forms.ts'
import { checkedSave, renderForm, type Field } from '../shared/finance.forms.ts'
import {
  COST_BASES,
  fundingKindLabel,
  validateFundingStream,
  validatePartner,
  validateRecharge,
} from '../shared/finance.rules.ts'
import { moneyHelpers } from '../shared/finance.view-model.ts'

interface Versioned {
  id: number
  version: number
}

/** One kind of record that finance can correct: how to find it, show it, read the form and save it. */
interface Editor<R extends Versioned, I> {
  path: string
  param: string
  what: string
  load: (scope: Scope, id: number) => Promise<R | undefined>
  form: (
    actor: Actor,
    record: R,
    body: FormBody,
  ) => Promise<{ title: string; backLink: string; intro?: string; fields: Field[] }>
  asForm: (record: R) => FormBody
  read: (body: FormBody, errors: Record<string, string>) => I
  rules: (input: I) => Record<string, string>
  update: (actor: Actor, id: number, version: number, input: I) => Promise<R>
  conflict: (input: I, saved: R) => ConflictRow[]
  /** The record as the conflict page names it. */
  label: (record: R) => string
  done: (saved: R) => { flash: string; url: string }
  history: string
}

const basisLabel = (v: string) => COST_BASES.find((c) => c.value === v)?.text ?? v
const money = (p: number | null) => formatMoney(p ?? 0)

/** The change page and its save: GOV.UK error summary for bad input, the conflict page for a stale version. */
function editor<R extends Versioned, I>(app: FastifyInstance, e: Editor<R, I>) {
  const params = Type.Object({ [e.param]: Type.Integer({ minimum: 1 }) })
  const idOf = (request: { params: unknown }) => (request.params as Record<string, number>)[e.param]!
  const show = async (
    reply: FastifyReply,
    actor: Actor,
    record: R,
    body: FormBody,
    version: number,
    errors = {},
  ) =>
    renderForm(
      reply,
      {
        ...(await e.form(actor, record, body)),
        action: e.path.replace(`:${e.param}`, String(record.id)),
        submitText: 'Save changes',
        version,
        historyUrl: `/history/${e.history}/${record.id}`,
      },
      errors,
      Object.keys(errors).length > 0 ? 400 : 200,
    )

  app.get(e.path, { config: { policy: 'finance.write' }, schema: { params } }, async (request, reply) => {
    const record = await e.load(scopeOf(request.actor!), idOf(request))
    if (!record) throw notFound(e.what)
    return show(reply, request.actor!, record, e.asForm(record), record.version)
  })

  app.post<{ Body: FormBody }>(
    e.path,
    { config: { policy: 'finance.write' }, schema: { params, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const record = await e.load(scopeOf(actor), idOf(request))
      if (!record) throw notFound(e.what)
      const b = request.body
      const errors: Record<string, string> = {}
      const input = e.read(b, errors)
      const version = formVersion(b)
      return handleForm(reply, {
        save: () =>
          checkedSave(
            errors,
            () => e.rules(input),
            () => e.update(actor, record.id, version, input),
          ),
        onInvalid: (errs) => show(reply, actor, record, b, version, errs),
        onConflict: (conflict) => {
          if (!(conflict instanceof ConflictError)) throw conflict
          const saved = conflict.current as R
          return renderConflict(reply, {
            title: e.label(saved),
            recordUrl: e.done(saved).url,
            action: e.path.replace(`:${e.param}`, String(record.id)),
            rows: e.conflict(input, saved),
            resubmit: resubmitFields(b),
            savedVersion: saved.version,
          })
        },
        onSaved: (saved) => {
          const { flash, url } = e.done(saved)
          reply.flash(flash)
          return reply.redirect(url, 303)
        },
      })
    },
  )
}

/** Correcting funding streams, partners and partner recharges, and removing a recharge entered in error. */
export async function correctionsRoutes(app: FastifyInstance) {
  const { finance, projects } = app.services

  editor<FundingStream, ReturnType<typeof readStreamForm>>(app, {
    path: '/funding-streams/:streamId/edit',
    param: 'streamId',
    what: 'Funding stream',
    history: 'funding_stream',
    load: (scope, id) => finance.fundingStream(scope, id),
    form: async (_actor, s, body) => ({
      title: `Change the funding stream ${s.name}`,
      backLink: '/funding-streams',
      fields: streamFields(body),
    }),
    asForm: streamAsForm,
    read: (b) => readStreamForm(b),
    rules: validateFundingStream,
    update: (actor, id, version, input) => finance.updateFundingStream(actor, id, version, input),
    conflict: (input, saved) => [
      { label: 'Name', yours: input.name, saved: saved.name },
      { label: 'Kind of funding', yours: fundingKindLabel(input.kind), saved: fundingKindLabel(saved.kind) },
      { label: 'What it may pay for', yours: input.eligibility, saved: saved.eligibility },
      {
        label: 'Base costs eligible',
        yours: input.baseCostsEligible ? 'Yes' : 'No',
        saved: saved.base_costs_eligible ? 'Yes' : 'No',
      },
    ],
    label: (s) => `Funding stream ${s.name}`,
    done: (s) => ({ flash: `Funding stream ${s.name} updated`, url: '/funding-streams' }),
  })

  editor<Partner, ReturnType<typeof readPartnerForm>>(app, {
    path: '/partners/:partnerId/edit',
    param: 'partnerId',
    what: 'Partner',
    history: 'partner',
    load: (scope, id) => finance.partner(scope, id),
    form: async (_actor, p, body) => ({
      title: `Change the partner ${p.name}`,
      backLink: '/partners',
      fields: partnerFields(body),
    }),
    asForm: partnerAsForm,
    read: readPartnerForm,
    rules: validatePartner,
    update: (actor, id, version, input) => finance.updatePartner(actor, id, version, input),
    conflict: (input, saved) => [
      { label: 'Name', yours: input.name, saved: saved.name },
      { label: 'What the base contract covers', yours: input.baseContract, saved: saved.base_contract },
      {
        label: 'Base contract a year',
        yours: money(input.annualBaseContractPence),
        saved: money(Number(saved.annual_base_contract_pence)),
      },
    ],
    label: (p) => `Partner ${p.name}`,
    done: (p) => ({ flash: `Partner ${p.name} updated`, url: '/partners' }),
  })

  editor<PartnerRecharge, ReturnType<typeof readRechargeForm>>(app, {
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
