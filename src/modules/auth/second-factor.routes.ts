import type { FastifyInstance, FastifyReply } from 'fastify'
import { auditActorOf, type Actor } from '../../auth/actor.ts'
import { ValidationError } from '../../errors.ts'
import { handleForm } from '../../web/form-pages.ts'
import { errorList, field, FormBody } from '../../web/forms.ts'
import { throttledMessage } from './auth.routes.ts'
import type { SecondFactorWho } from './second-factor.service.ts'
import { OTP_ISSUER } from './second-factor-sign-in.routes.ts'
import { groupedSecret, otpauthUri } from './totp.rules.ts'

const STATUS_PAGE = 'auth/views/second-factor.njk'
const SET_UP_PAGE = 'auth/views/second-factor-set-up.njk'
const RECOVERY_PAGE = 'auth/views/recovery-codes.njk'
const HOME = '/account/second-factor'

const whoOf = (actor: Actor): SecondFactorWho => ({
  userId: actor.userId,
  organisationId: actor.organisationId,
  audit: auditActorOf(actor),
})

/** "Your second factor" on /account (issue 13): set it up, replace the recovery codes, turn it off. */
export async function secondFactorRoutes(app: FastifyInstance) {
  const { secondFactor } = app.services
  const signedIn = { config: { policy: 'signedIn' as const } }
  const withBody = { ...signedIn, schema: { body: FormBody } }

  async function statusPage(
    reply: FastifyReply,
    actor: Actor,
    errors?: Record<string, string>,
    status = 200,
  ) {
    return reply.render(
      STATUS_PAGE,
      {
        title: 'Your second factor',
        backLink: '/account',
        ...(await secondFactor.status(actor.userId)),
        ...(errors ? { errors, errorList: errorList(errors) } : {}),
      },
      status,
    )
  }

  /** Codes are shown in this one answer, never stored in the clear and never shown again. */
  function recoveryCodes(reply: FastifyReply, codes: string[]) {
    reply.header('cache-control', 'no-store')
    return reply.render(RECOVERY_PAGE, { title: 'Your recovery codes', codes, continueTo: HOME })
  }

  app.get(HOME, signedIn, async (request, reply) => statusPage(reply, request.actor!))

  async function setUpView(actor: Actor) {
    const secret = await secondFactor.pendingSecret(actor.userId)
    return (
      secret && {
        title: 'Set up a second factor',
        backLink: HOME,
        secret: groupedSecret(secret),
        uri: otpauthUri(secret, OTP_ISSUER, actor.email),
        action: `${HOME}/set-up`,
      }
    )
  }

  app.get(`${HOME}/set-up`, signedIn, async (request, reply) => {
    const view = await setUpView(request.actor!)
    if (!view) return reply.redirect(HOME, 303)
    return reply.render(SET_UP_PAGE, view)
  })

  app.post<{ Body: FormBody }>(`${HOME}/set-up`, withBody, async (request, reply) => {
    const actor = request.actor!
    const code = field(request.body, 'code')
    return handleForm(reply, {
      errors: code === '' ? { code: 'Enter the 6-digit code your authenticator app shows' } : {},
      save: () => secondFactor.confirm(whoOf(actor), code),
      onInvalid: async (errors) => {
        const view = await setUpView(actor)
        if (!view) return statusPage(reply, actor, errors, 400)
        return reply.render(SET_UP_PAGE, { ...view, errors, errorList: errorList(errors) }, 400)
      },
      onSaved: (codes) => recoveryCodes(reply, codes),
    })
  })

  app.post<{ Body: FormBody }>(`${HOME}/recovery-codes`, withBody, async (request, reply) => {
    const actor = request.actor!
    return handleForm(reply, {
      save: () => secondFactor.regenerateRecoveryCodes(whoOf(actor)),
      onInvalid: (errors) =>
        statusPage(reply, actor, { codeOrPassword: errors.code ?? 'Set up a second factor first' }, 400),
      onSaved: (codes) => recoveryCodes(reply, codes),
    })
  })

  app.post<{ Body: FormBody }>(`${HOME}/turn-off`, withBody, async (request, reply) => {
    const actor = request.actor!
    // Passwords are taken as typed (plugins/clean-text.ts leaves a field named for a password alone).
    const proof = typeof request.body.codeOrPassword === 'string' ? request.body.codeOrPassword : ''
    return handleForm(reply, {
      errors:
        proof === '' ? { codeOrPassword: 'Enter a code from your authenticator app, or your password' } : {},
      save: async () => {
        if (!(await secondFactor.status(actor.userId)).enrolled)
          throw new ValidationError({ codeOrPassword: 'Your second factor is not turned on' })
        const checked = await secondFactor.checkProof(actor.userId, request.ip, proof)
        if ('retryAfterSeconds' in checked) {
          reply.header('retry-after', String(checked.retryAfterSeconds))
          throw new ValidationError({ codeOrPassword: throttledMessage(checked.retryAfterSeconds) })
        }
        if (!checked.ok || !checked.proof)
          throw new ValidationError({
            codeOrPassword: 'Enter a correct code from your authenticator app, or your password',
          })
        await secondFactor.turnOff(whoOf(actor), checked.proof)
        return (await secondFactor.status(actor.userId)).required
      },
      onInvalid: (errors) => statusPage(reply, actor, errors, reply.hasHeader('retry-after') ? 429 : 400),
      onSaved: (required) => {
        reply.flash(
          required
            ? 'Your second factor is off. Your organisation requires one, so you will set up a new one when you next sign in.'
            : 'Your second factor is off. You sign in with your password alone.',
        )
        return reply.redirect(HOME, 303)
      },
    })
  })
}
