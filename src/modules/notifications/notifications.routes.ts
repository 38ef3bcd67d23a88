import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Actor } from '../../auth/actor.ts'
import { notFound } from '../../errors.ts'
import { errorList, field, FormBody } from '../../web/forms.ts'
import { EMAIL_PREFERENCES, isEmailPreference, NOTIFICATION_KINDS } from './notifications.service.ts'

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })

/**
 * The unread count in the header of every page. Counted once per page request (signed in, not the API):
 * the session lookup reads it with the person, so normally no query of its own. Kept against the request's
 * actor, which the layout reads through the `unreadNotifications` global.
 */
export const notificationsHeader = fp(
  async function notificationsHeader(app: FastifyInstance) {
    const counts = new WeakMap<Actor, number>()
    app.views.addGlobal('unreadNotifications', (actor: Actor | null) =>
      actor ? (counts.get(actor) ?? 0) : 0,
    )
    // A callback hook: the API and every write pass straight through, without the promise and the turn of
    // the microtask queue an async hook costs each request (bench/profile-list.ts).
    app.addHook('preHandler', (request, _reply, done) => {
      const actor = request.actor
      if (!actor || request.url.startsWith('/api/') || request.method !== 'GET') return done()
      if (actor.unreadNotifications !== undefined) {
        counts.set(actor, actor.unreadNotifications)
        return done()
      }
      app.services.notifications.unreadCount(actor).then((n) => {
        counts.set(actor, n)
        done()
      }, done)
    })
  },
  { name: 'notifications-header', dependencies: ['views'] },
)

export async function notificationsRoutes(app: FastifyInstance) {
  const { notifications } = app.services

  app.get<{ Querystring: { unread?: string } }>(
    '/notifications',
    {
      config: { policy: 'signedIn' },
      schema: { querystring: Type.Object({ unread: Type.Optional(Type.String()) }) },
    },
    async (request, reply) => {
      const actor = request.actor!
      const unreadOnly = request.query.unread === '1'
      const rows = await notifications.list(actor, { unreadOnly, limit: 200 })
      return reply.render('notifications/views/list.njk', {
        title: 'Notifications',
        unreadOnly,
        unread: await notifications.unreadCount(actor),
        items: rows.map((n) => ({ ...n, kindLabel: NOTIFICATION_KINDS[n.kind] ?? n.kind })),
      })
    },
  )

  /** Opening a notification marks it read and takes the person to the record it is about. */
  app.get<{ Params: { id: number } }>(
    '/notifications/:id',
    { config: { policy: 'signedIn' }, schema: { params: IdParams } },
    async (request, reply) => {
      const n = await notifications.markRead(request.actor!, request.params.id)
      if (!n) throw notFound('Notification')
      return reply.redirect(n.url.startsWith('/') && !n.url.startsWith('//') ? n.url : '/notifications', 303)
    },
  )

  app.post(
    '/notifications/read-all',
    { config: { policy: 'signedIn' }, schema: { body: FormBody } },
    async (request, reply) => {
      const n = await notifications.markAllRead(request.actor!)
      reply.flash(n === 1 ? '1 notification marked as read' : `${n} notifications marked as read`)
      return reply.redirect('/notifications', 303)
    },
  )

  const SETTINGS = 'notifications/views/settings.njk'
  const settingsPage = (current: string, errors: Record<string, string>) => ({
    title: 'Notification settings',
    backLink: '/account',
    items: EMAIL_PREFERENCES.map((p) => ({
      value: p.value,
      text: p.text,
      hint: { text: p.hint },
      checked: p.value === current,
    })),
    errors,
    errorList: errorList(errors, ['email']),
  })

  app.get('/account/notifications', { config: { policy: 'signedIn' } }, async (request, reply) =>
    reply.render(SETTINGS, settingsPage(await notifications.preference(request.actor!), {})),
  )

  app.post<{ Body: FormBody }>(
    '/account/notifications',
    { config: { policy: 'signedIn' }, schema: { body: FormBody } },
    async (request, reply) => {
      const email = field(request.body, 'email')
      if (!isEmailPreference(email))
        return reply.render(SETTINGS, settingsPage('', { email: 'Select how you want to get emails' }), 400)
      await notifications.setPreference(request.actor!, email)
      reply.flash('Notification settings saved')
      return reply.redirect('/account/notifications', 303)
    },
  )
}
