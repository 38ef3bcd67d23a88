import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { wholeOrganisation } from '../../auth/visibility.ts'
import { ROLES, ROLE_LABELS } from '../../auth/roles.ts'
import { RATING_SCALES } from '../../domain/dca.ts'
import type { Organisation } from '../../db/schema.ts'
import { ValidationError } from '../../errors.ts'
import { handleForm, renderConflict, resubmitFields, whenStale } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'

const roleItems = (selected: string) =>
  ROLES.map((r) => ({ value: r, text: ROLE_LABELS[r], selected: r === selected }))

export async function organisationRoutes(app: FastifyInstance) {
  const { organisation, invitations } = app.services
  const SETTINGS = 'organisation/views/settings.njk'
  const PEOPLE = 'organisation/views/people.njk'

  const scaleItems = (selected: string) =>
    Object.values(RATING_SCALES).map((s) => ({
      value: s.id,
      text: s.name,
      checked: s.id === selected,
      hint: { text: s.ratings.map((r) => r.label).join(', ') },
    }))

  app.get('/settings', { config: { policy: 'organisation.admin' } }, async (request, reply) => {
    const org = await organisation.get(request.actor!.organisationId)
    return reply.render(SETTINGS, {
      title: 'Organisation settings',
      org,
      scales: scaleItems(org.rating_scale),
    })
  })

  app.post<{ Body: FormBody }>(
    '/settings',
    { config: { policy: 'organisation.admin' }, schema: { body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const scale = field(request.body, 'ratingScale')
      const version = optionalInt(field(request.body, 'version')) ?? 0
      return handleForm(reply, {
        save: () => organisation.setRatingScale(actor, scale, version),
        onInvalid: async (errors) => {
          const org = await organisation.get(actor.organisationId)
          return reply.render(
            SETTINGS,
            {
              title: 'Organisation settings',
              org,
              scales: scaleItems(scale),
              errors,
              errorList: errorList(errors),
            },
            400,
          )
        },
        onConflict: whenStale((conflict) => {
          const saved = conflict.current as Organisation
          const scaleName = (v: string) => RATING_SCALES[v as keyof typeof RATING_SCALES]?.name ?? v
          return renderConflict(reply, {
            title: 'Organisation settings',
            recordUrl: '/settings',
            action: '/settings',
            rows: [{ label: 'Rating scale', yours: scaleName(scale), saved: scaleName(saved.rating_scale) }],
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: (saved) => {
          reply.flash(
            `The rating scale is now: ${RATING_SCALES[saved.rating_scale as keyof typeof RATING_SCALES].name}`,
          )
          return reply.redirect('/settings', 303)
        },
      })
    },
  )

  /** The People page: members, invitations waiting to be accepted, and the form to invite someone. */
  async function peoplePage(organisationId: number, extra: Record<string, unknown>) {
    return {
      title: 'People and roles',
      backLink: '/settings',
      members: await organisation.members(organisationId),
      partners: await app.services.finance.partners(wholeOrganisation(organisationId)),
      invitations: await invitations.pending(organisationId),
      // Without SMTP an invitation waits in the outbox and nobody receives its link: say so before sending.
      mailConfigured: app.services.mailer.configured,
      roleItems: roleItems('viewer'),
      values: { role: 'viewer' },
      ...extra,
    }
  }

  app.get('/settings/people', { config: { policy: 'organisation.admin' } }, async (request, reply) => {
    return reply.render(PEOPLE, await peoplePage(request.actor!.organisationId, {}))
  })

  // A partner officer sees the projects shared with the partner their membership names.
  app.post<{ Params: { userId: number }; Body: FormBody }>(
    '/settings/people/:userId/partner',
    {
      config: { policy: 'organisation.admin' },
      schema: { params: Type.Object({ userId: Type.Integer({ minimum: 1 }) }), body: FormBody },
    },
    async (request, reply) => {
      const actor = request.actor!
      const chosen = field(request.body, 'partnerId')
      const partnerId = chosen === '' ? null : optionalInt(chosen)
      const key = `partner-${request.params.userId}`
      return handleForm(reply, {
        save: () =>
          partnerId === null && chosen !== ''
            ? Promise.reject(new ValidationError({ partnerId: 'Select a partner from the list' }))
            : organisation.setPartner(actor, request.params.userId, partnerId),
        onInvalid: async (errors) =>
          reply.render(
            PEOPLE,
            await peoplePage(actor.organisationId, {
              errors: { [key]: errors.partnerId ?? 'Select a partner' },
              errorList: [{ text: errors.partnerId ?? 'Select a partner', href: `#${key}` }],
            }),
            400,
          ),
        onSaved: () => {
          reply.flash('Partner changed. The person now sees the projects shared with it.')
          return reply.redirect('/settings/people', 303)
        },
      })
    },
  )

  app.post<{ Body: FormBody }>(
    '/settings/people',
    { config: { policy: 'organisation.admin' }, schema: { body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const values = {
        name: field(request.body, 'name'),
        email: field(request.body, 'email'),
        role: field(request.body, 'role'),
      }
      return handleForm(reply, {
        save: () => invitations.invite(actor, values),
        onInvalid: async (errors) =>
          reply.render(
            PEOPLE,
            await peoplePage(actor.organisationId, {
              roleItems: roleItems(values.role),
              values,
              errors,
              errorList: errorList(errors, ['name', 'email', 'role']),
            }),
            400,
          ),
        onSaved: () => {
          // The same answer whether or not the address has an account elsewhere: nothing about it is revealed.
          reply.flash(`An invitation has been sent to ${values.email.trim().toLowerCase()}`)
          return reply.redirect('/settings/people', 303)
        },
      })
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/settings/people/invitations/:id/withdraw',
    {
      config: { policy: 'organisation.admin' },
      schema: { params: Type.Object({ id: Type.Integer({ minimum: 1 }) }), body: FormBody },
    },
    async (request, reply) => {
      await invitations.withdraw(request.actor!, request.params.id)
      reply.flash('The invitation has been withdrawn. Its link no longer works.')
      return reply.redirect('/settings/people', 303)
    },
  )

  // Issue 10: a leaver's sessions and API tokens end at once; an administrator can reinstate them.
  const PERSON = {
    config: { policy: 'organisation.admin' as const },
    schema: { params: Type.Object({ userId: Type.Integer({ minimum: 1 }) }), body: FormBody },
  }
  app.post<{ Params: { userId: number }; Body: FormBody }>(
    '/settings/people/:userId/leaver',
    PERSON,
    async (request, reply) => {
      const actor = request.actor!
      const key = `leaver-${request.params.userId}`
      return handleForm(reply, {
        save: () => organisation.markLeaver(actor, request.params.userId),
        onInvalid: async (errors) => {
          const text = errors.leaver ?? 'This person cannot be marked as a leaver'
          return reply.render(
            PEOPLE,
            await peoplePage(actor.organisationId, {
              errors: { [key]: text },
              errorList: [{ text, href: `#${key}` }],
            }),
            400,
          )
        },
        onSaved: () => {
          reply.flash(
            'Marked as a leaver. Their sessions and API tokens here have ended, and they cannot sign in here.',
          )
          return reply.redirect('/settings/people', 303)
        },
      })
    },
  )

  app.post<{ Params: { userId: number }; Body: FormBody }>(
    '/settings/people/:userId/sessions/end',
    PERSON,
    async (request, reply) => {
      await organisation.endSessions(request.actor!, request.params.userId)
      reply.flash('Their sessions in this organisation have ended. They must sign in again.')
      return reply.redirect('/settings/people', 303)
    },
  )

  app.post<{ Params: { userId: number }; Body: FormBody }>(
    '/settings/people/:userId/reinstate',
    PERSON,
    async (request, reply) => {
      await organisation.reinstate(request.actor!, request.params.userId)
      reply.flash('Reinstated. They can sign in again; API tokens ended when they left stay ended.')
      return reply.redirect('/settings/people', 303)
    },
  )

  app.post<{ Params: { userId: number }; Body: FormBody }>(
    '/settings/people/:userId/role',
    {
      config: { policy: 'organisation.admin' },
      schema: { params: Type.Object({ userId: Type.Integer({ minimum: 1 }) }), body: FormBody },
    },
    async (request, reply) => {
      const actor = request.actor!
      const role = field(request.body, `role`)
      return handleForm(reply, {
        save: () => organisation.changeRole(actor, request.params.userId, role),
        onInvalid: async (errors) =>
          reply.render(
            PEOPLE,
            await peoplePage(actor.organisationId, {
              errors: { [`role-${request.params.userId}`]: errors.role ?? 'Select a role' },
              errorList: [{ text: errors.role ?? 'Select a role', href: `#role-${request.params.userId}` }],
            }),
            400,
          ),
        onSaved: () => {
          reply.flash(
            'Role changed. The person’s current sessions have ended, so the new role applies from their next sign-in.',
          )
          return reply.redirect('/settings/people', 303)
        },
      })
    },
  )
}
