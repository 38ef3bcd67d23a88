import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { notFound } from '../../errors.ts'
import { buildCalendar } from './ical.ts'

export async function calendarRoutes(app: FastifyInstance) {
  const { calendar } = app.services
  const PAGE = 'calendar/views/account-calendar.njk'

  // The secret URL is the credential (calendar apps cannot sign in): an unknown or revoked one is a 404.
  app.get<{ Params: { token: string } }>(
    '/calendar/:token',
    {
      config: { policy: 'public' },
      schema: { params: Type.Object({ token: Type.String({ maxLength: 120 }) }) },
    },
    async (request, reply) => {
      const m = /^(.+)\.ics$/.exec(request.params.token)
      const owner = m ? await calendar.ownerOf(m[1]!) : null
      if (!owner) throw notFound('Calendar')
      const events = await calendar.events(owner.organisationId, owner.userId)
      return reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .header('referrer-policy', 'no-referrer')
        .send(buildCalendar(`${owner.organisation}: meetings and deadlines`, events))
    },
  )

  app.get('/account/calendar', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const a = request.actor!
    return reply.render(PAGE, {
      title: 'Your calendar feed',
      backLink: '/account',
      feed: await calendar.status(a.organisationId, a.userId),
    })
  })

  app.post('/account/calendar', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const a = request.actor!
    const url = await calendar.create(a.organisationId, a.userId)
    return reply.render(PAGE, {
      title: 'Your calendar feed',
      backLink: '/account',
      feed: await calendar.status(a.organisationId, a.userId),
      newUrl: url,
    })
  })

  app.post('/account/calendar/revoke', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const a = request.actor!
    await calendar.revoke(a.organisationId, a.userId)
    reply.flash('Your calendar feed has been turned off. Calendars using its address will stop updating.')
    return reply.redirect('/account/calendar', 303)
  })
}
