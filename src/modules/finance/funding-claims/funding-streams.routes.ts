import type { FastifyInstance } from 'fastify'
import type { FundingStream } from '../../../db/schema.ts'
import { scopeOf } from '../../../auth/actor.ts'
import { allows } from '../../../auth/policy.ts'
import { handleForm } from '../../../web/form-pages.ts'
import { FormBody } from '../../../web/forms.ts'
import { readStreamForm, streamAsForm, streamFields } from './funding-stream.forms.ts'
import { correctionPages } from '../shared/record-correction.routes.ts'
import { checkedSave, renderForm } from '../shared/finance.forms.ts'
import { fundingKindLabel, validateFundingStream } from '../shared/finance.rules.ts'

/** The funding streams that budget lines are paid from and claims are made against: listed, added, corrected. */
export async function fundingStreamsRoutes(app: FastifyInstance) {
  const { finance } = app.services

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
      return handleForm(reply, {
        save: () =>
          checkedSave(
            {},
            () => validateFundingStream(input),
            () => finance.createFundingStream(request.actor!, input),
          ),
        onInvalid: (errs) => renderForm(reply, streamCtx(b), errs, 400),
        onSaved: (saved) => {
          reply.flash(`Funding stream ${saved.name} added`)
          return reply.redirect('/funding-streams', 303)
        },
      })
    },
  )

  correctionPages<FundingStream, ReturnType<typeof readStreamForm>>(app, {
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
}
