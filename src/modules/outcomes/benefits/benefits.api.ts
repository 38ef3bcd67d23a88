import { Type, type Static, type TOptional, type TSchema } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import { MAX_PENCE } from '../../../domain/money.ts'
import { notFound } from '../../../errors.ts'
import {
  IdParams,
  ListOf,
  Nullable,
  NullableDate,
  Paging,
  PenceTotal,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../../web/api-schemas.ts'
import { apiList } from '../../../web/pagination.ts'
import { inputOf } from './benefits.forms.ts'
import { BENEFIT_TYPES, type BenefitInput } from './benefits.rules.ts'
import type { BenefitView } from './benefits.service.ts'

// The benefits register through the API (issue 11). Values are integers in hundredths: pence for a cashable
// benefit, the value × 100 of its unit otherwise (so 2.5 days is 250): exact, as the register stores them.

const Value = (description: string) =>
  Type.Integer({
    description: `${description}, in hundredths: pence for a cashable benefit, value × 100 otherwise`,
    minimum: -MAX_PENCE,
    maximum: MAX_PENCE,
  })

const ProfileYear = Type.Object(
  {
    year: Type.String({ maxLength: 20, description: 'A financial year, "2025/26"' }),
    planned: Value('The value planned for the year'),
    realised: Type.Optional(Nullable(Value('The value realised in the year; null until recorded'))),
  },
  { additionalProperties: false },
)

const Fields = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 4000 }),
  type: Type.Union(BENEFIT_TYPES.map((t) => Type.Literal(t.value))),
  disBenefit: Type.Boolean(),
  unit: Type.String({
    maxLength: 40,
    description: 'What a non-cashable or societal value counts; ignored for cashable',
  }),
  ownerPersonId: Nullable(Type.Integer({ minimum: 1 })),
  ownerName: Nullable(Type.String({ maxLength: 200, description: 'A person not yet in the register' })),
  ambitionId: Nullable(Type.Integer({ minimum: 1 })),
  indicatorId: Nullable(Type.Integer({ minimum: 1 })),
  baselineYear: Nullable(Type.String({ maxLength: 20, description: 'A financial year, "2019/20"' })),
  baselineValue: Nullable(Value('The baseline')),
  targetValue: Nullable(Value('The target')),
  targetOn: NullableDate,
  mtfs: Type.Boolean({ description: 'A cashable saving counted in the medium-term financial strategy' }),
  profile: Type.Array(ProfileYear, { maxItems: 30, description: 'The whole realisation profile' }),
}

const optional = <T extends Record<string, TSchema>>(o: T) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof T]: TOptional<T[K]>
  }

const { title, type, ...rest } = Fields
const BenefitCreate = Type.Object(
  {
    projectId: Type.Optional(Type.Integer({ minimum: 1, description: 'The project it comes from' })),
    programmeId: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: "A benefit of the whole programme: without a project; else the project's",
      }),
    ),
    title,
    type,
    ...optional(rest),
  },
  { additionalProperties: false },
)
const BenefitPatch = Type.Object(
  { version: Type.Integer({ minimum: 1 }), ...optional(Fields) },
  { additionalProperties: false },
)

export const BenefitSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    projectId: Nullable(Type.Integer({ description: 'Null for a benefit of the whole programme' })),
    projectReference: Nullable(Type.String()),
    programmeId: Type.Integer(),
    programmeReference: Type.String(),
    title: Type.String(),
    description: Type.String(),
    type: Type.String(),
    disBenefit: Type.Boolean(),
    unit: Type.String(),
    ownerPersonId: Nullable(Type.Integer()),
    owner: Type.String(),
    ambitionId: Nullable(Type.Integer()),
    indicatorId: Nullable(Type.Integer()),
    baselineYear: Nullable(Type.String()),
    baselineValue: Nullable(Type.Integer()),
    targetValue: Nullable(Type.Integer()),
    targetOn: Nullable(Type.String()),
    mtfs: Type.Boolean(),
    profile: Type.Array(
      Type.Object({ year: Type.String(), planned: Type.Integer(), realised: Nullable(Type.Integer()) }),
    ),
    plannedTotal: PenceTotal('Planned over every year, in hundredths'),
    realisedToDate: PenceTotal('Realised to date (the sum of the realised values), in hundredths'),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Benefit' },
)

type Body = Partial<Static<typeof BenefitPatch>> & { projectId?: number; programmeId?: number }

const inputFrom = (b: Body, current?: BenefitInput): BenefitInput => ({
  projectId: b.projectId ?? current?.projectId ?? null,
  programmeId: b.programmeId ?? current?.programmeId ?? null,
  title: b.title ?? current?.title ?? '',
  description: b.description ?? current?.description ?? '',
  type: b.type ?? current?.type ?? '',
  disBenefit: b.disBenefit ?? current?.disBenefit ?? false,
  unit: b.unit ?? current?.unit ?? '',
  // A name given alone names the owner: the person the benefit had is not kept over it.
  ownerPersonId:
    b.ownerPersonId !== undefined
      ? b.ownerPersonId
      : b.ownerName != null
        ? null
        : (current?.ownerPersonId ?? null),
  ownerName: b.ownerName ?? (b.ownerPersonId !== undefined ? '' : (current?.ownerName ?? '')),
  ambitionId: b.ambitionId !== undefined ? b.ambitionId : (current?.ambitionId ?? null),
  indicatorId: b.indicatorId !== undefined ? b.indicatorId : (current?.indicatorId ?? null),
  baselineYear: b.baselineYear !== undefined ? (b.baselineYear ?? '') : (current?.baselineYear ?? ''),
  baselineValue: b.baselineValue !== undefined ? b.baselineValue : (current?.baselineValue ?? null),
  targetValue: b.targetValue !== undefined ? b.targetValue : (current?.targetValue ?? null),
  targetOn: b.targetOn !== undefined ? b.targetOn : (current?.targetOn ?? null),
  mtfs: b.mtfs ?? current?.mtfs ?? false,
  profile:
    b.profile?.map((p) => ({ year: p.year, planned: p.planned, realised: p.realised ?? null })) ??
    current?.profile ??
    [],
})

export const benefitJson = (v: BenefitView): Static<typeof BenefitSchema> => {
  const b = v.benefit
  return {
    id: b.id,
    version: b.version,
    projectId: b.project_id,
    projectReference: b.project_reference,
    programmeId: b.programme_id,
    programmeReference: b.programme_reference,
    title: b.title,
    description: b.description,
    type: b.type,
    disBenefit: b.dis_benefit === 1,
    unit: b.unit,
    ownerPersonId: b.owner_person_id,
    owner: b.owner,
    ambitionId: b.ambition_id,
    indicatorId: b.indicator_id,
    baselineYear: b.baseline_year,
    baselineValue: b.baseline_value === null ? null : Number(b.baseline_value),
    targetValue: b.target_value === null ? null : Number(b.target_value),
    targetOn: b.target_on,
    mtfs: b.mtfs === 1,
    profile: v.profile.map((p) => ({ year: p.year, planned: p.planned, realised: p.realised })),
    plannedTotal: v.totals.planned,
    realisedToDate: v.totals.realised,
    createdAt: b.created_at,
    updatedAt: b.updated_at,
  }
}

const Query = Type.Object({
  ...Paging,
  programmeId: Type.Optional(Type.Integer({ minimum: 1 })),
  projectId: Type.Optional(Type.Integer({ minimum: 1 })),
  type: Type.Optional(Fields.type),
  ambitionId: Type.Optional(Type.Integer({ minimum: 1 })),
})

export async function benefitsApi(app: FastifyInstance) {
  const service = app.services.benefits
  const tags = ['Benefits']

  async function one(actor: Actor, id: number) {
    const v = await service.view(scopeOf(actor), id)
    if (!v) throw notFound('Benefit')
    return v
  }

  app.get<{ Querystring: Static<typeof Query> }>(
    '/api/v1/benefits',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List benefits with their realisation profiles',
        querystring: Query,
        response: { 200: ListOf(BenefitSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request.actor!)
      const q = request.query
      const page = await apiList(
        q,
        (w) =>
          service.list(
            scope,
            { programmeId: q.programmeId, projectId: q.projectId, type: q.type, ambitionId: q.ambitionId },
            w,
          ),
        (r) => r,
      )
      return { items: (await service.views(scope, page.items)).map(benefitJson), next: page.next }
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/benefits/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read a benefit and its realisation profile',
        params: IdParams,
        response: { 200: BenefitSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => benefitJson(await one(request.actor!, request.params.id)),
  )

  app.post<{ Body: Static<typeof BenefitCreate> }>(
    '/api/v1/benefits',
    {
      config: { policy: 'project.write' },
      schema: {
        tags,
        summary: 'Record a benefit of a project with its realisation profile',
        body: BenefitCreate,
        response: { 201: BenefitSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const created = await service.create(actor, inputFrom(request.body))
      return reply
        .status(201)
        .header('location', `/api/v1/benefits/${created.id}`)
        .send(benefitJson(await one(actor, created.id)))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof BenefitPatch> }>(
    '/api/v1/benefits/:id',
    {
      config: { policy: 'project.write' },
      schema: {
        tags,
        summary: 'Change a benefit; `profile` replaces the whole realisation profile; a stale version is 409',
        params: IdParams,
        body: BenefitPatch,
        response: { 200: BenefitSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const current = await one(actor, request.params.id)
      const { version, ...body } = request.body
      await service.update(actor, current.benefit.id, version, inputFrom(body, inputOf(current)))
      return benefitJson(await one(actor, current.benefit.id))
    },
  )
}
