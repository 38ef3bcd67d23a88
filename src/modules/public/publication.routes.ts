import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { formatMoney } from '../../domain/money.ts'
import { handleForm, renderConflict, resubmitFields, whenStale } from '../../web/form-pages.ts'
import { errorList, field, fields, FormBody, optionalInt } from '../../web/forms.ts'
import {
  PUBLISHED_TYPES,
  WITHHOLDABLE,
  WITHHOLDING_REASONS,
  reasonLabel,
  withholdableLabel,
} from './publication.rules.ts'

const PAGE = 'public/views/publication-settings.njk'
const URL = '/settings/publication'

/** The administrator's page: what the organisation publishes, the cost threshold, and the withheld records. */
export async function publicationRoutes(app: FastifyInstance) {
  const { publication } = app.services.publicSite

  const pounds = (pence: number) => (pence / 100).toFixed(2).replace(/\.00$/, '')

  async function page(
    reply: FastifyReply,
    organisationId: number,
    opts: {
      types?: string[]
      threshold?: string
      withholding?: Record<string, string>
      errors?: Record<string, string>
    } = {},
    status?: number,
  ) {
    const settings = await publication.get(organisationId)
    const withheld = await publication.withheld(organisationId)
    const names = await publication.names(organisationId, withheld)
    const chosen = opts.types ?? settings.types
    const withholding = opts.withholding ?? {}
    const errors = opts.errors ?? {}
    return reply.render(
      PAGE,
      {
        title: 'Public site and open data',
        backLink: '/settings',
        settings,
        siteUrl: `${app.config.publicBasePath}/${(await app.services.organisation.get(organisationId)).slug}/`,
        typeItems: PUBLISHED_TYPES.map((t) => ({
          value: t.value,
          text: t.text,
          checked: chosen.includes(t.value),
        })),
        threshold: opts.threshold ?? pounds(settings.thresholdPence),
        kindItems: [
          { value: '', text: 'Select the kind of record' },
          ...WITHHOLDABLE.map((k) => ({
            value: k.value,
            text: k.text,
            selected: withholding.recordType === k.value,
          })),
        ],
        reasonItems: WITHHOLDING_REASONS.map((r) => ({
          value: r.value,
          text: r.text,
          checked: withholding.reason === r.value,
        })),
        withholding,
        withheld: withheld.map((w) => ({
          name: names.get(`${w.record_type}:${w.record_id}`) ?? '',
          id: w.id,
          kind: withholdableLabel(w.record_type),
          recordId: w.record_id,
          reason: reasonLabel(w.reason),
        })),
        errors,
        errorList: errorList(errors),
      },
      status,
    )
  }

  app.get(URL, { config: { policy: 'organisation.admin' } }, async (request, reply) =>
    page(reply, request.actor!.organisationId),
  )

  app.post<{ Body: FormBody }>(
    URL,
    { config: { policy: 'organisation.admin' }, schema: { body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const types = fields(request.body, 'types')
      const threshold = field(request.body, 'threshold')
      const version = optionalInt(field(request.body, 'version')) ?? 0
      const describeTypes = (chosen: readonly string[]) =>
        PUBLISHED_TYPES.filter((t) => chosen.includes(t.value))
          .map((t) => t.text)
          .join('; ') || 'Nothing'
      return handleForm(reply, {
        save: () => publication.save(actor, { types, threshold }, version),
        onInvalid: (errors) => page(reply, actor.organisationId, { types, threshold, errors }, 400),
        onConflict: whenStale(async () => {
          const saved = await publication.get(actor.organisationId)
          return renderConflict(reply, {
            title: 'Public site and open data',
            recordUrl: URL,
            action: URL,
            rows: [
              { label: 'Published', yours: describeTypes(types), saved: describeTypes(saved.types) },
              { label: 'Cost threshold', yours: `£${threshold}`, saved: formatMoney(saved.thresholdPence) },
            ],
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: () => {
          reply.flash('Publication settings saved')
          return reply.redirect(URL, 303)
        },
      })
    },
  )

  app.post<{ Body: FormBody }>(
    `${URL}/withheld`,
    { config: { policy: 'organisation.admin' }, schema: { body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const input = {
        recordType: field(request.body, 'recordType'),
        recordId: field(request.body, 'recordId'),
        reason: field(request.body, 'reason'),
      }
      return handleForm(reply, {
        save: () => publication.withhold(actor, input),
        onInvalid: (errors) => page(reply, actor.organisationId, { withholding: input, errors }, 400),
        onSaved: (w) => {
          reply.flash(`${withholdableLabel(w.record_type)} ${w.record_id} is withheld from the public site`)
          return reply.redirect(URL, 303)
        },
      })
    },
  )

  app.post<{ Params: { id: number } }>(
    `${URL}/withheld/:id/release`,
    {
      config: { policy: 'organisation.admin' },
      schema: { params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) }) },
    },
    async (request, reply) => {
      await publication.release(request.actor!, request.params.id)
      reply.flash('The record is no longer withheld')
      return reply.redirect(URL, 303)
    },
  )
}
