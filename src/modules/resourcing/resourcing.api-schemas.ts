import { Type, type Static, type TSchema } from '@sinclair/typebox'
import type { Secondment, Skill } from '../../db/schema.ts'
import { parseFte } from '../../domain/fte.ts'
import { MoneyPence, Nullable, NullableDate, IsoDate, Timestamp } from '../../web/api-schemas.ts'
import type { PersonRow } from './people.repository.ts'
import type { PostSummary } from './posts.service.ts'
import { PERSON_KINDS, POST_STATUSES, SECONDMENT_DIRECTIONS, SKILL_LEVELS } from './resourcing.rules.ts'
import { shownCost, shownEmail, shownGrade, type ResourcingAccess } from './resourcing.view.ts'

export const oneOf = (list: readonly { value: string }[], description?: string) =>
  Type.Union(
    list.map((x) => Type.Literal(x.value)),
    description ? { description } : {},
  )

/** FTE in a body: a decimal like 0.6 (two places at most), checked by the rules so the error names the field. */
export const Fte = (description: string) => Type.Number({ description: `${description}, 0.01 to 1` })

/** The API's FTE as hundredths; NaN (a field error from the rules) for more than two decimal places. */
export const fteFromApi = (fte: number) => parseFte(String(fte))

/** Every field optional, and the version: a PATCH body. */
export function patchOf(fields: Record<string, TSchema>) {
  return Type.Object(
    {
      version: Type.Integer({ minimum: 1 }),
      ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])),
    },
    { additionalProperties: false },
  )
}

export const PersonFields = {
  name: Type.String({ maxLength: 200 }),
  kind: oneOf(PERSON_KINDS),
  partnerId: Nullable(
    Type.Integer({ minimum: 1, description: 'The partner that employs them; null: the council' }),
  ),
  userId: Nullable(
    Type.Integer({ minimum: 1, description: 'Their user account in this organisation, if any' }),
  ),
  jobTitle: Type.String({ maxLength: 200 }),
  team: Type.String({ maxLength: 200 }),
  email: Type.String({ maxLength: 320 }),
}

export const PersonSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    ...PersonFields,
    employer: Type.String({ description: 'The partner that employs them, or the organisation itself' }),
    email: Nullable(
      Type.String({ description: 'Personal data: null for a reader whose role may not see it' }),
    ),
    skills: Type.Array(Type.Object({ skillId: Type.Integer(), name: Type.String(), level: Type.String() })),
    leftOn: Nullable(
      Type.String({ format: 'date', description: 'The day they left the organisation, once recorded' }),
    ),
    erasedAt: Nullable(
      Type.String({
        format: 'date-time',
        description: 'When their personal details were erased (UK GDPR); their name is then a placeholder',
      }),
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Person' },
)

export function personJson(
  p: PersonRow,
  access: ResourcingAccess,
  organisationName: string,
  skills: Array<{ skill_id: number; name: string; level: string }>,
): Static<typeof PersonSchema> {
  return {
    id: p.id,
    version: p.version,
    name: p.name,
    kind: p.kind,
    partnerId: p.partner_id,
    userId: p.user_id,
    jobTitle: p.job_title,
    team: p.team,
    email: shownEmail(p, access),
    employer: p.partner_name ?? organisationName,
    skills: skills.map((s) => ({ skillId: s.skill_id, name: s.name, level: s.level })),
    leftOn: p.left_on,
    erasedAt: p.erased_at,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  }
}

export const PostFields = {
  title: Type.String({ maxLength: 200 }),
  team: Type.String({ maxLength: 200 }),
  grade: Type.String({ maxLength: 50 }),
  fte: Fte('The post’s FTE'),
  funded: Type.Boolean(),
  annualCostPence: MoneyPence({ description: 'Annual cost', minimum: 0 }),
  budgetLineId: Nullable(Type.Integer({ minimum: 1, description: 'The budget line that funds it' })),
  fundingStreamId: Nullable(Type.Integer({ minimum: 1, description: 'The funding stream that funds it' })),
  status: oneOf(POST_STATUSES),
  approvedOn: NullableDate,
  advertisedOn: NullableDate,
  appointedOn: NullableDate,
  startsOn: NullableDate,
}

export const PostSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    ...PostFields,
    grade: Nullable(
      Type.String({ description: 'Null for a reader who may not see the grade of a named holder' }),
    ),
    annualCostPence: Nullable(
      MoneyPence({ description: 'Annual cost; null for a reader who may not see costs' }),
    ),
    currentHolders: Type.Array(Type.String()),
    vacantSince: NullableDate,
    vacancyMonths: Nullable(Type.Integer({ description: 'Whole calendar months vacant, for a vacant post' })),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Post' },
)

export function postJson(s: PostSummary, access: ResourcingAccess): Static<typeof PostSchema> {
  const p = s.post
  return {
    id: p.id,
    version: p.version,
    title: p.title,
    team: p.team,
    grade: shownGrade(s, access),
    fte: p.fte_hundredths / 100,
    funded: p.funded === 1,
    annualCostPence: shownCost(s, access),
    budgetLineId: p.budget_line_id,
    fundingStreamId: p.funding_stream_id,
    status: p.status,
    approvedOn: p.approved_on,
    advertisedOn: p.advertised_on,
    appointedOn: p.appointed_on,
    startsOn: p.starts_on,
    currentHolders: s.currentHolders,
    vacantSince: s.vacancy?.since ?? null,
    vacancyMonths: s.vacancy?.months ?? null,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  }
}

export const HolderFields = {
  personId: Type.Integer({ minimum: 1 }),
  startsOn: IsoDate,
  endsOn: NullableDate,
  fte: Fte('Contracted FTE'),
}

export const HolderSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    postId: Type.Integer(),
    postTitle: Type.String(),
    personName: Type.String(),
    ...HolderFields,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'PostHolder' },
)

export const SecondmentFields = {
  personId: Type.Integer({ minimum: 1 }),
  direction: oneOf(SECONDMENT_DIRECTIONS, 'out: their time goes elsewhere; in: it comes to us'),
  fromTeam: Type.String({ maxLength: 200 }),
  fromOrganisation: Type.String({ maxLength: 200 }),
  toTeam: Type.String({ maxLength: 200 }),
  toOrganisation: Type.String({ maxLength: 200 }),
  startsOn: IsoDate,
  endsOn: NullableDate,
  reason: Type.String({ maxLength: 2000, description: 'Why, for example "Covid-19 response"' }),
  fte: Fte('The FTE the secondment takes away (or brings)'),
}

export const SecondmentSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    ...SecondmentFields,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Secondment' },
)

export function secondmentJson(s: Secondment): Static<typeof SecondmentSchema> {
  return {
    id: s.id,
    version: s.version,
    personId: s.person_id,
    direction: s.direction,
    fromTeam: s.from_team,
    fromOrganisation: s.from_organisation,
    toTeam: s.to_team,
    toOrganisation: s.to_organisation,
    startsOn: s.starts_on,
    endsOn: s.ends_on,
    reason: s.reason,
    fte: s.fte_hundredths / 100,
    createdAt: s.created_at,
    updatedAt: s.updated_at,
  }
}

export const SkillFields = {
  name: Type.String({ maxLength: 100 }),
  description: Type.String({ maxLength: 1000 }),
  retired: Type.Boolean({
    description: 'A retired skill is kept for the people who hold it, not offered anew',
  }),
}

export const SkillSchema = Type.Object(
  { id: Type.Integer(), version: Type.Integer(), ...SkillFields, createdAt: Timestamp, updatedAt: Timestamp },
  { $id: 'Skill' },
)

export const skillJson = (s: Skill): Static<typeof SkillSchema> => ({
  id: s.id,
  version: s.version,
  name: s.name,
  description: s.description,
  retired: s.retired === 1,
  createdAt: s.created_at,
  updatedAt: s.updated_at,
})

export const PersonSkillsBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'The person’s version' }),
    skills: Type.Array(Type.Object({ skillId: Type.Integer({ minimum: 1 }), level: oneOf(SKILL_LEVELS) }), {
      maxItems: 200,
    }),
  },
  { additionalProperties: false },
)
