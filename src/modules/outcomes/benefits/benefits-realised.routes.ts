import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import type { Benefit } from '../../../db/schema.ts'
import { MAX_PENCE } from '../../../domain/money.ts'
import { notFound, type ConflictError } from '../../../errors.ts'
import { IdParams, Nullable, STANDARD_ERRORS, WRITE_ERRORS } from '../../../web/api-schemas.ts'
import { handleForm, renderConflict, whenStale } from '../../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../../web/forms.ts'
import { benefitJson, BenefitSchema } from './benefits.api.ts'
import { resubmitBenefit } from './benefits.forms.ts'
import { formatValue, readValue, valueText } from './benefits.rules.ts'
import type { BenefitView } from './benefits.service.ts'
import { homeOf } from './benefits.view.ts'

// Finance records what a cashable benefit realised, year by year (issue 11): a page and an API for the
// finance team (policy finance.write), who may not change the benefit itself or the years of its profile.

type Realised = Array<{ year: string; realised: number | null }>

function readRealisedForm(body: FormBody): { realised: Realised; errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  const count = Math.min(optionalInt(field(body, 'rows')) ?? 0, 30)
  const realised: Realised = []
  for (let i = 0; i < count; i++) {
    const year = field(body, `year-${i}`)
    const v = readValue(field(body, `realised-${i}`), 'cashable', `Realised value for ${year}`)
    if (v !== null && typeof v === 'object') errors[`profile-${i}`] = v.error
    realised.push({ year, realised: typeof v === 'number' ? v : null })
  }
  return { realised, errors }
}

const RealisedBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    realised: Type.Array(
      Type.Object(
        {
          year: Type.String({ maxLength: 20, description: 'A year of the profile, "2025/26"' }),
          realised: Nullable(
            Type.Integer({ minimum: -MAX_PENCE, maximum: MAX_PENCE, description: 'In pence; null to clear' }),
          ),
        },
        { additionalProperties: false },
      ),
      { maxItems: 30 },
    ),
  },
  { additionalProperties: false },
)

export async function benefitsRealisedRoutes(app: FastifyInstance) {
  const service = app.services.benefits
  const policy = { policy: 'finance.write' } as const

  async function viewOr404(actor: Actor, id: number) {
    const v = await service.view(scopeOf(actor), id)
    if (!v) throw notFound('Benefit')
    return v
  }

  function showForm(
    reply: FastifyReply,
    v: BenefitView,
    version: number | string,
    /** The post shown again with its errors, as typed; null for the saved values. */
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    return reply.render(
      'outcomes/benefits/views/realised-form.njk',
      {
        title: `Record realised values: ${v.benefit.title}`,
        caption: homeOf(v.benefit).text,
        action: `/benefits/${v.benefit.id}/realised`,
        backLink: `/benefits/${v.benefit.id}`,
        version,
        cashable: v.benefit.type === 'cashable',
        errors,
        errorList: errorList(errors, ['realised', ...v.profile.map((_, i) => `profile-${i}`)]),
        rows: v.profile.map((p, i) => ({
          index: i,
          year: p.year,
          planned: formatValue(p.planned, 'cashable', '£'),
          realised: body ? field(body, `realised-${i}`) : valueText(p.realised, 'cashable'),
          error: errors[`profile-${i}`],
        })),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  app.get<{ Params: { id: number } }>(
    '/benefits/:id/realised',
    { config: policy, schema: { params: IdParams } },
    async (request, reply) => {
      const v = await viewOr404(request.actor!, request.params.id)
      return showForm(reply, v, v.benefit.version, null, {})
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/benefits/:id/realised',
    { config: policy, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const v = await viewOr404(actor, request.params.id)
      const { realised, errors } = readRealisedForm(request.body)
      const version = field(request.body, 'version')
      return handleForm(reply, {
        errors,
        save: () => service.recordRealised(actor, v.benefit.id, optionalInt(version) ?? 0, realised),
        onInvalid: (e) => showForm(reply, v, version, request.body, e),
        onConflict: whenStale(async (err) => {
          const saved = (err as ConflictError<Benefit>).current
          const now = await viewOr404(actor, saved.id)
          const said = (r: number | null) => (r === null ? 'Not recorded' : formatValue(r, 'cashable', '£'))
          return renderConflict(reply, {
            title: saved.title,
            recordUrl: `/benefits/${saved.id}`,
            action: `/benefits/${saved.id}/realised`,
            rows: now.profile.map((p) => ({
              label: `Realised in ${p.year}`,
              yours: said(realised.find((r) => r.year === p.year)?.realised ?? null),
              saved: said(p.realised),
            })),
            resubmit: resubmitBenefit(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: (b: Benefit) => {
          reply.flash(`Realised values of ${b.title} saved`)
          return reply.redirect(`/benefits/${b.id}`, 303)
        },
      })
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/benefits/:id/realised',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags: ['Benefits'],
        summary: "A benefit's realised values by year, with its version: the body the PUT takes",
        params: IdParams,
        response: { 200: RealisedBody, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const v = await viewOr404(request.actor!, request.params.id)
      return {
        version: v.benefit.version,
        realised: v.profile.map((p) => ({ year: p.year, realised: p.realised })),
      }
    },
  )

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof RealisedBody> }>(
    '/api/v1/benefits/:id/realised',
    {
      config: policy,
      schema: {
        tags: ['Benefits'],
        summary: "Record a cashable benefit's realised values by year (finance); other years are kept",
        params: IdParams,
        body: RealisedBody,
        response: { 200: BenefitSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const v = await viewOr404(actor, request.params.id)
      await service.recordRealised(actor, v.benefit.id, request.body.version, request.body.realised)
      return benefitJson(await viewOr404(actor, v.benefit.id))
    },
  )
}
