import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import type { Notification } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import { IdParams, ListOf, Nullable, Paging, STANDARD_ERRORS, Timestamp } from '../../web/api-schemas.ts'
import { apiList } from '../../web/pagination.ts'

export const NotificationSchema = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.String({ description: 'exception, escalation, …' }),
    title: Type.String(),
    body: Type.String(),
    url: Type.String({ description: 'The page in Oversight it is about' }),
    createdAt: Timestamp,
    readAt: Nullable(Timestamp),
  },
  { $id: 'Notification' },
)

const ListQuery = Type.Object({
  ...Paging,
  unread: Type.Optional(Type.Boolean({ description: 'Only those not yet read' })),
})

const json = (n: Notification): Static<typeof NotificationSchema> => ({
  id: n.id,
  kind: n.kind,
  title: n.title,
  body: n.body,
  url: n.url,
  createdAt: n.created_at,
  readAt: n.read_at,
})

/** The caller's own notifications; no one can read another person's. */
export async function notificationsApi(app: FastifyInstance) {
  const { notifications } = app.services
  const tags = ['Notifications']

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/notifications',
    {
      config: { policy: 'signedIn' },
      schema: {
        tags,
        summary: 'Your notifications, newest first',
        querystring: ListQuery,
        response: { 200: ListOf(NotificationSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      return apiList(
        request.query,
        (window) =>
          notifications.list(request.actor!, {
            unreadOnly: request.query.unread === true,
            ...window,
          }),
        json,
      )
    },
  )

  app.post<{ Params: Static<typeof IdParams> }>(
    '/api/v1/notifications/:id/read',
    {
      config: { policy: 'signedIn' },
      schema: {
        tags,
        summary: 'Mark one of your notifications as read',
        params: IdParams,
        response: { 200: NotificationSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const n = await notifications.markRead(request.actor!, request.params.id)
      if (!n) throw notFound('Notification')
      return json(n)
    },
  )
}
