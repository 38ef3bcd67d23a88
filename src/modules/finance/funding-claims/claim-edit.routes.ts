import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../../auth/actor.ts'
import type { Claim } from '../../../db/schema.ts'
import { formatMoney } from '../../../domain/money.ts'
import { ConflictError, notFound } from '../../../errors.ts'
import { handleForm, renderConflict, resubmitFields } from '../../../web/form-pages.ts'
import { FormBody } from '../../../web/forms.ts'
import { claimAsForm, claimFormContext, readClaimForm } from './claim.form.ts'
import { checkedSave, formVersion, renderForm } from '../shared/finance.forms.ts'
import { claimStatusLabel, validateClaim } from '../shared/finance.rules.ts'

const ClaimParams = Type.Object({ claimId: Type.Integer({ minimum: 1 }) })

/** Changing a claim as it moves draft → submitted → received (or rejected, or at risk). */
export async function claimEditRoutes(app: FastifyInstance) {
  const { finance } = app.services

  app.get<{ Params: { claimId: number } }>(
    '/claims/:claimId/edit',
    { config: { policy: 'finance.write' }, schema: { params: ClaimParams } },
    async (request, reply) => {
      const actor = request.actor!
      const claim = await finance.claim(scopeOf(actor), request.params.claimId)
      if (!claim) throw notFound('Claim')
      const ctx = await claimFormContext(app, actor, claimAsForm(claim), () => false, {
        id: claim.id,
        version: claim.version,
      })
      return renderForm(reply, ctx, {})
    },
  )

  app.post<{ Params: { claimId: number }; Body: FormBody }>(
    '/claims/:claimId/edit',
    { config: { policy: 'finance.write' }, schema: { params: ClaimParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const claim = await finance.claim(scopeOf(actor), request.params.claimId)
      if (!claim) throw notFound('Claim')
      const b = request.body
      const errors: Record<string, string> = {}
      const input = readClaimForm(b, errors)
      const version = formVersion(b)
      return handleForm(reply, {
        save: () =>
          checkedSave(
            errors,
            () => validateClaim(input),
            () => finance.updateClaim(actor, claim.id, version, input),
          ),
        onInvalid: async (errs) =>
          renderForm(
            reply,
            await claimFormContext(app, actor, b, (n) => Boolean(errs[n] ?? errors[n]), {
              id: claim.id,
              version,
            }),
            { ...errs, ...errors },
            400,
          ),
        onConflict: (conflict) => {
          if (!(conflict instanceof ConflictError)) throw conflict
          const saved = conflict.current as Claim
          return renderConflict(reply, {
            title: `Claim: ${claim.title}`,
            recordUrl: `/claims/${claim.id}`,
            action: `/claims/${claim.id}/edit`,
            rows: [
              {
                label: 'Status',
                yours: claimStatusLabel(input.status),
                saved: claimStatusLabel(saved.status),
              },
              {
                label: 'Amount claimed',
                yours: formatMoney(input.claimedPence ?? 0),
                saved: formatMoney(Number(saved.claimed_pence)),
              },
              {
                label: 'Amount received',
                yours: formatMoney(input.receivedPence ?? 0),
                saved: formatMoney(Number(saved.received_pence)),
              },
            ],
            resubmit: resubmitFields(b),
            savedVersion: saved.version,
          })
        },
        onSaved: () => {
          reply.flash('Claim updated')
          return reply.redirect(`/claims/${claim.id}`, 303)
        },
      })
    },
  )
}
