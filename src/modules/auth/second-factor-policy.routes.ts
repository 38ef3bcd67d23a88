import type { FastifyInstance } from 'fastify'
import type { Organisation } from '../../db/schema.ts'
import { handleForm, renderConflict, resubmitFields, whenStale } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import {
  isSecondFactorPolicy,
  SECOND_FACTOR_POLICIES,
  SECOND_FACTOR_POLICY_LABELS,
} from './second-factor-policy.ts'

const PAGE = 'auth/views/second-factor-policy.njk'
const TITLE = 'Second factor at sign-in'
const HINTS = {
  none: 'People may turn on a second factor for themselves.',
  administrators:
    'Administrators must sign in with a code from an authenticator app as well as their password.',
  everyone: 'Everyone must sign in with a code from an authenticator app as well as their password.',
} as const

const labelOf = (v: string) => (isSecondFactorPolicy(v) ? SECOND_FACTOR_POLICY_LABELS[v] : v)

/** An administrator's setting (issue 13): who in the organisation must sign in with a second factor. */
export async function secondFactorPolicyRoutes(app: FastifyInstance) {
  const { organisation, secondFactor } = app.services
  const items = (selected: string) =>
    SECOND_FACTOR_POLICIES.map((p) => ({
      value: p,
      text: SECOND_FACTOR_POLICY_LABELS[p],
      hint: { text: HINTS[p] },
      checked: p === selected,
    }))

  app.get('/settings/second-factor', { config: { policy: 'organisation.admin' } }, async (request, reply) => {
    const org = await organisation.get(request.actor!.organisationId)
    return reply.render(PAGE, {
      title: TITLE,
      backLink: '/settings',
      org,
      items: items(org.second_factor_required),
    })
  })

  app.post<{ Body: FormBody }>(
    '/settings/second-factor',
    { config: { policy: 'organisation.admin' }, schema: { body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const chosen = field(request.body, 'secondFactorRequired')
      const version = optionalInt(field(request.body, 'version')) ?? 0
      return handleForm(reply, {
        save: () => secondFactor.setPolicy(actor, chosen, version),
        onInvalid: async (errors) => {
          const org = await organisation.get(actor.organisationId)
          return reply.render(
            PAGE,
            {
              title: TITLE,
              backLink: '/settings',
              org,
              items: items(chosen),
              errors,
              errorList: errorList(errors),
            },
            400,
          )
        },
        onConflict: whenStale((conflict) => {
          const saved = conflict.current as Organisation
          return renderConflict(reply, {
            title: TITLE,
            recordUrl: '/settings/second-factor',
            action: '/settings/second-factor',
            rows: [
              {
                label: 'Second factor',
                yours: labelOf(chosen),
                saved: labelOf(saved.second_factor_required),
              },
            ],
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: (saved) => {
          reply.flash(
            `Second factor at sign-in: ${labelOf(saved.second_factor_required)}. This applies from each person’s next sign-in.`,
          )
          return reply.redirect('/settings/second-factor', 303)
        },
      })
    },
  )
}
