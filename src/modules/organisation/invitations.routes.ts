import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { setSessionCookie } from '../../plugins/auth.ts'
import { handleForm } from '../../web/form-pages.ts'
import { errorList, field, FormBody } from '../../web/forms.ts'
import type { AcceptResult, InvitationLookup } from './invitations.service.ts'

const PAGE = 'organisation/views/invitation.njk'
const Params = Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }) })

/** Why an invitation link no longer works, in the person's words, and the status that goes with it. */
const CLOSED = {
  unknown: {
    status: 404,
    title: 'This invitation link is not valid',
    text: 'Check that you copied the whole link from the email.',
  },
  expired: {
    status: 410,
    title: 'This invitation has expired',
    text: 'Ask the person who invited you to send a new one.',
  },
  accepted: {
    status: 410,
    title: 'This invitation has already been accepted',
    text: 'Sign in to use Oversight.',
  },
  withdrawn: {
    status: 410,
    title: 'This invitation has been withdrawn',
    text: 'Ask the person who invited you if you still need access.',
  },
  wrong_person: {
    status: 403,
    title: 'This invitation is for someone else',
    text: 'It was sent to a different email address. Sign out, then open the link again and sign in with the email address the invitation was sent to.',
  },
} as const

function closed(reply: FastifyReply, reason: keyof typeof CLOSED) {
  const c = CLOSED[reason]
  return reply.render(PAGE, { title: c.title, closed: c, reason }, c.status)
}

/** The page a person reaches from the invitation email (signed in or not: `public`, decided per request). */
export async function invitationRoutes(app: FastifyInstance) {
  const { invitations } = app.services

  function renderOpen(
    reply: FastifyReply,
    found: Extract<InvitationLookup, { ok: true }>,
    token: string,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    return reply.render(
      PAGE,
      {
        title: `Join ${found.organisationName}`,
        organisationName: found.organisationName,
        roleLabel: found.roleLabel,
        hasAccount: found.hasAccount,
        token,
        signInUrl: `/sign-in?returnTo=${encodeURIComponent(`/invitations/${token}`)}`,
        values: { name: found.invitation.name },
        ...extra,
      },
      status,
    )
  }

  // The link names the organisation, which the person accepting may not work in yet: a named exception to row
  // security (db/tenant-context.ts), reading and joining the invitation's organisation by its token.
  app.get<{ Params: { token: string } }>(
    '/invitations/:token',
    { config: { policy: 'public', crossOrganisation: 'invitation' }, schema: { params: Params } },
    async (request, reply) => {
      const found = await invitations.lookup(request.params.token)
      if (!found.ok) return closed(reply, found.reason)
      const actor = request.actor
      if (actor && actor.email.toLowerCase() !== found.invitation.email) return closed(reply, 'wrong_person')
      return renderOpen(reply, found, request.params.token)
    },
  )

  app.post<{ Params: { token: string }; Body: FormBody }>(
    '/invitations/:token',
    {
      config: { policy: 'public', crossOrganisation: 'invitation' },
      schema: { params: Params, body: FormBody },
    },
    async (request, reply) => {
      const { token } = request.params
      const actor = request.actor
      const done = (result: Extract<AcceptResult, { ok: true }>) => {
        if (result.sessionToken) setSessionCookie(reply, result.sessionToken, app.config.secureCookies)
        reply.flash(`You have joined ${result.organisationName}`)
        return reply.redirect('/', 303)
      }
      if (actor) {
        const result = await invitations.acceptSignedIn(actor, token)
        return result.ok ? done(result) : closed(reply, result.reason)
      }
      const input = {
        name: field(request.body, 'name'),
        password: typeof request.body.password === 'string' ? request.body.password : '',
        confirmPassword: typeof request.body.confirmPassword === 'string' ? request.body.confirmPassword : '',
      }
      return handleForm(reply, {
        save: () =>
          invitations.acceptAsNewPerson(token, input, {
            address: request.ip,
            ...(request.headers['user-agent'] ? { userAgent: request.headers['user-agent'] } : {}),
          }),
        onInvalid: async (errors) => {
          const found = await invitations.lookup(token)
          if (!found.ok) return closed(reply, found.reason)
          return renderOpen(
            reply,
            found,
            token,
            {
              values: { name: input.name },
              errors,
              errorList: errorList(errors, ['name', 'password', 'confirmPassword']),
            },
            400,
          )
        },
        onSaved: (saved) => {
          if (!saved.ok) {
            // Someone who has an account signs in to accept; they are sent to the page that says so.
            if (saved.reason === 'wrong_person') return reply.redirect(`/invitations/${token}`, 303)
            return closed(reply, saved.reason)
          }
          return done(saved)
        },
      })
    },
  )
}
