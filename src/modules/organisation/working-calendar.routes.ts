import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Actor } from '../../auth/actor.ts'
import { formatDate } from '../../domain/dates.ts'
import { HOLIDAY_REGIONS } from '../../domain/working-days.ts'
import { notFound } from '../../errors.ts'
import type { Organisation } from '../../db/schema.ts'
import {
  dateItems,
  handleForm,
  readDate,
  renderConflict,
  resubmitFields,
  whenStale,
} from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'

const PAGE = 'organisation/views/working-days.njk'

/** /settings/working-days: the bank-holiday region and the closure days, for administrators. */
export async function workingCalendarRoutes(app: FastifyInstance) {
  const { workingCalendar } = app.services
  const policy = { policy: 'organisation.admin' as const }

  async function render(
    reply: FastifyReply,
    actor: Actor,
    form: { region?: string; body?: FormBody; errors?: Record<string, string> } = {},
    status = 200,
  ) {
    const c = await workingCalendar.get(actor.organisationId)
    const region = form.region ?? c.region
    const errors = form.errors ?? {}
    return reply.render(
      PAGE,
      {
        title: 'Working days',
        backLink: '/settings',
        calendar: c,
        regionItems: Object.entries(HOLIDAY_REGIONS).map(([value, text]) => ({
          value,
          text,
          checked: value === region,
        })),
        closures: c.closureDays.map((d) => ({ day: d.day, label: formatDate(d.day), reason: d.reason })),
        dateItems: dateItems(form.body ?? null, 'date', null, Boolean(errors.date)),
        reason: form.body ? field(form.body, 'reason') : '',
        errors,
        errorList: errorList(errors, ['region', 'date', 'reason']),
      },
      status,
    )
  }

  app.get('/settings/working-days', { config: policy }, async (request, reply) =>
    render(reply, request.actor!),
  )

  app.post<{ Body: FormBody }>(
    '/settings/working-days',
    { config: policy, schema: { body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const region = field(request.body, 'region')
      const version = optionalInt(field(request.body, 'version')) ?? 0
      return handleForm(reply, {
        save: () => workingCalendar.setRegion(actor, region, version),
        onInvalid: (errors) => render(reply, actor, { region, errors }, 400),
        onConflict: whenStale((conflict) => {
          const saved = conflict.current as Organisation
          const regionName = (v: string) => HOLIDAY_REGIONS[v as keyof typeof HOLIDAY_REGIONS] ?? v
          return renderConflict(reply, {
            title: 'Working days',
            recordUrl: '/settings/working-days',
            action: '/settings/working-days',
            rows: [
              {
                label: 'Bank holidays of',
                yours: regionName(region),
                saved: regionName(saved.holiday_region),
              },
            ],
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: (saved) => {
          reply.flash(`Working days now skip the bank holidays of ${HOLIDAY_REGIONS[saved.region]}`)
          return reply.redirect('/settings/working-days', 303)
        },
      })
    },
  )

  app.post<{ Body: FormBody }>(
    '/settings/working-days/closures',
    { config: policy, schema: { body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const errors: Record<string, string> = {}
      const date = readDate(request.body, 'date', 'The date the offices are closed', errors, true)
      const reason = field(request.body, 'reason')
      if (reason.trim() === '') errors.reason = 'Enter why the offices are closed'
      if (date === null || Object.keys(errors).length > 0)
        return render(reply, actor, { body: request.body, errors }, 400)
      return handleForm(reply, {
        save: () => workingCalendar.addClosureDay(actor, { date, reason }),
        onInvalid: (fieldErrors) => render(reply, actor, { body: request.body, errors: fieldErrors }, 400),
        onSaved: (saved) => {
          reply.flash(`${formatDate(saved.day)} is now a closure day`)
          return reply.redirect('/settings/working-days', 303)
        },
      })
    },
  )

  app.post<{ Params: { date: string }; Body: FormBody }>(
    '/settings/working-days/closures/:date/delete',
    { config: policy, schema: { body: FormBody } },
    async (request, reply) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(request.params.date)) throw notFound('Closure day')
      await workingCalendar.removeClosureDay(request.actor!, request.params.date)
      reply.flash(`${formatDate(request.params.date)} is a working day again`)
      return reply.redirect('/settings/working-days', 303)
    },
  )
}
