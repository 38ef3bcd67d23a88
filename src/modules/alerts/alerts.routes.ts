import type { FastifyInstance } from 'fastify'
import { errorList, field, fields, FormBody } from '../../web/forms.ts'
import { ALERT_DELIVERIES, isAlertDelivery } from './alerts.rules.ts'

const PREFERENCES = 'alerts/views/preferences.njk'
const SETTINGS = 'alerts/views/settings.njk'

/** /account/alerts: how each person gets their alerts; /settings/alerts: who else the organisation tells. */
export async function alertsRoutes(app: FastifyInstance) {
  const { alerts } = app.services

  const preferencesPage = (current: string, errors: Record<string, string>) => ({
    title: 'Alert emails',
    backLink: '/account',
    items: ALERT_DELIVERIES.map((d) => ({
      value: d.value,
      text: d.text,
      hint: { text: d.hint },
      checked: d.value === current,
    })),
    errors,
    errorList: errorList(errors, ['delivery']),
  })

  app.get('/account/alerts', { config: { policy: 'signedIn' } }, async (request, reply) =>
    reply.render(PREFERENCES, preferencesPage(await alerts.delivery(request.actor!), {})),
  )

  app.post<{ Body: FormBody }>(
    '/account/alerts',
    { config: { policy: 'signedIn' }, schema: { body: FormBody } },
    async (request, reply) => {
      const delivery = field(request.body, 'delivery')
      if (!isAlertDelivery(delivery))
        return reply.render(
          PREFERENCES,
          preferencesPage('', { delivery: 'Select when you want to get alert emails' }),
          400,
        )
      await alerts.setDelivery(request.actor!, delivery)
      reply.flash('Alert emails saved')
      return reply.redirect('/account/alerts', 303)
    },
  )

  app.get('/settings/alerts', { config: { policy: 'organisation.admin' } }, async (request, reply) => {
    const s = await alerts.settings(request.actor!.organisationId)
    return reply.render(SETTINGS, {
      title: 'Alerts',
      backLink: '/settings',
      items: [
        {
          value: 'portfolioHolder',
          text: 'The Portfolio Holder',
          hint: { text: 'Everyone with the Portfolio Holder role' },
          checked: s.tellPortfolioHolder,
        },
        {
          value: 'panelChair',
          text: 'The panel chair',
          hint: {
            text: 'The chair of the committee a recommendation was made by; for a project, the chairs of the scrutiny panels',
          },
          checked: s.tellPanelChair,
        },
      ],
      publicItems: [
        {
          value: 'yes',
          text: 'Let members of the public subscribe by email',
          hint: {
            text: 'On the public pages, anyone can ask to be emailed when a committee, programme or recommendation changes. Their address is kept only once they confirm it.',
          },
          checked: s.publicSubscriptions,
        },
      ],
    })
  })

  app.post<{ Body: FormBody }>(
    '/settings/alerts',
    { config: { policy: 'organisation.admin' }, schema: { body: FormBody } },
    async (request, reply) => {
      const chosen = new Set(fields(request.body, 'tell'))
      await alerts.configure(request.actor!, {
        tellPortfolioHolder: chosen.has('portfolioHolder'),
        tellPanelChair: chosen.has('panelChair'),
        publicSubscriptions: field(request.body, 'publicSubscriptions') === 'yes',
      })
      reply.flash('Alert settings saved')
      return reply.redirect('/settings/alerts', 303)
    },
  )
}
