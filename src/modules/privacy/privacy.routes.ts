import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import { formatDate, todayInLondon } from '../../domain/dates.ts'
import { notFound } from '../../errors.ts'
import { IdParams } from '../../web/api-schemas.ts'
import { dateItems, handleForm, readDate } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import {
  AUDIT_RETENTION,
  erasureProblem,
  REASON_MAX,
  RETENTION_KINDS,
  validatePeriods,
  type RetentionPeriods,
} from './privacy.rules.ts'
import { subjectAccessExport } from './subject-access.ts'

const NOTICE = 'privacy/views/privacy-notice.njk'
const SETTINGS = 'privacy/views/privacy-settings.njk'
const LEFT = 'privacy/views/person-left.njk'
const ERASE = 'privacy/views/person-erase.njk'

const CONTACT_MAX = 500

/** The retention periods as the notice and the settings page list them: one list, one wording. */
const periodRows = (periods: RetentionPeriods) =>
  RETENTION_KINDS.map((k) => ({
    key: k.key,
    label: k.label,
    action: k.action,
    days: periods[k.key],
    defaultDays: k.defaultDays,
  }))

/**
 * Personal data (UK GDPR): the privacy notice anyone can read, the administrator's retention settings, and
 * for a person in the register, recording that they left, erasing them and exporting what is held.
 */
export async function privacyRoutes(app: FastifyInstance) {
  const { privacy, resourcing } = app.services
  const db = app.database.db

  app.get('/privacy', { config: { policy: 'public' } }, async (request, reply) => {
    const orgId = request.actor?.organisationId ?? (await privacy.soleOrganisation())
    const s = orgId === null ? null : await privacy.settings(orgId)
    return reply.render(NOTICE, {
      title: 'Privacy notice',
      organisationName: s?.organisationName ?? null,
      contact: s?.contact ?? '',
      periods: periodRows(s?.periods ?? (await privacy.periods(0))),
      auditRetention: AUDIT_RETENTION,
    })
  })

  async function settingsPage(reply: FastifyReply, body: FormBody | null, errors: Record<string, string>) {
    const s = await privacy.settings(reply.request.actor!.organisationId)
    return reply.render(
      SETTINGS,
      {
        title: 'Personal data and retention',
        backLink: '/settings',
        periods: periodRows(s.periods).map((p) => ({
          ...p,
          value: body ? field(body, p.key) : String(p.days),
        })),
        contact: body ? field(body, 'contact') : s.contact,
        version: body ? field(body, 'version') : s.version,
        errors,
        errorList: errorList(errors, ['contact', ...RETENTION_KINDS.map((k) => k.key)]),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  app.get('/settings/privacy', { config: { policy: 'organisation.admin' } }, async (_request, reply) =>
    settingsPage(reply, null, {}),
  )

  app.post<{ Body: FormBody }>(
    '/settings/privacy',
    { config: { policy: 'organisation.admin' }, schema: { body: FormBody } },
    async (request, reply) => {
      const body = request.body
      const { periods, errors } = validatePeriods(
        Object.fromEntries(RETENTION_KINDS.map((k) => [k.key, field(body, k.key)])),
      )
      const contact = field(body, 'contact').trim()
      if (contact.length > CONTACT_MAX)
        errors.contact = `The data protection contact must be ${CONTACT_MAX} characters or fewer`
      return handleForm(reply, {
        errors,
        save: () =>
          privacy.saveSettings(request.actor!, optionalInt(field(body, 'version')) ?? 0, periods, contact),
        onInvalid: (e) => settingsPage(reply, body, e),
        onSaved: () => {
          reply.flash('Personal data settings saved')
          return reply.redirect('/settings/privacy', 303)
        },
      })
    },
  )

  async function personOr404(actor: Actor, id: number) {
    const p = await resourcing.people.get(scopeOf(actor), id)
    if (!p) throw notFound('Person')
    return p
  }

  async function leftPage(
    reply: FastifyReply,
    id: number,
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    const p = await personOr404(reply.request.actor!, id)
    return reply.render(
      LEFT,
      {
        title: `Record that ${p.name} has left`,
        backLink: `/people/${p.id}`,
        action: `/people/${p.id}/left`,
        version: body ? field(body, 'version') : p.version,
        leftOnItems: dateItems(body, 'leftOn', p.left_on, Boolean(errors.leftOn)),
        errors,
        errorList: errorList(errors, ['leftOn']),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  app.get<{ Params: { id: number } }>(
    '/people/:id/left',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams } },
    async (request, reply) => leftPage(reply, request.params.id, null, {}),
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/people/:id/left',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const p = await personOr404(request.actor!, request.params.id)
      const errors: Record<string, string> = {}
      const leftOn = readDate(request.body, 'leftOn', 'The day they left', errors, true)
      return handleForm(reply, {
        errors,
        save: () =>
          resourcing.people.recordLeaving(
            request.actor!,
            p.id,
            optionalInt(field(request.body, 'version')) ?? 0,
            leftOn,
          ),
        onInvalid: (e) => leftPage(reply, p.id, request.body, e),
        onSaved: (saved) => {
          reply.flash(`Recorded that ${saved.name} left on ${formatDate(saved.left_on)}`)
          return reply.redirect(`/people/${p.id}`, 303)
        },
      })
    },
  )

  async function erasePage(
    reply: FastifyReply,
    id: number,
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    const p = await personOr404(reply.request.actor!, id)
    return reply.render(
      ERASE,
      {
        title: `Erase ${p.name}’s details`,
        backLink: `/people/${p.id}`,
        action: `/people/${p.id}/erase`,
        person: p,
        leftOn: p.left_on ? formatDate(p.left_on) : null,
        problem: erasureProblem(p, todayInLondon()),
        userName: p.user_name,
        version: body ? field(body, 'version') : p.version,
        reason: body ? field(body, 'reason') : '',
        reasonMax: REASON_MAX,
        errors,
        errorList: errorList(errors, ['confirm', 'reason']),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  app.get<{ Params: { id: number } }>(
    '/people/:id/erase',
    { config: { policy: 'organisation.admin' }, schema: { params: IdParams } },
    async (request, reply) => erasePage(reply, request.params.id, null, {}),
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/people/:id/erase',
    { config: { policy: 'organisation.admin' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const p = await personOr404(request.actor!, request.params.id)
      return handleForm(reply, {
        save: () =>
          privacy.erase(
            request.actor!,
            p.id,
            optionalInt(field(request.body, 'version')) ?? 0,
            field(request.body, 'reason'),
          ),
        onInvalid: (e) => erasePage(reply, p.id, request.body, e),
        onSaved: () => {
          reply.flash(`The person’s details have been erased. The audit trail records the erasure.`)
          return reply.redirect(`/people/${p.id}`, 303)
        },
      })
    },
  )

  app.get<{ Params: { id: number } }>(
    '/people/:id/personal-data.json',
    { config: { policy: 'organisation.admin' }, schema: { params: IdParams } },
    async (request, reply) => {
      const data = await subjectAccessExport(db, request.actor!, request.params.id)
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="personal-data-person-${request.params.id}.json"`,
        )
        .header('cache-control', 'no-store')
        .send(JSON.stringify(data, null, 2))
    },
  )
}
