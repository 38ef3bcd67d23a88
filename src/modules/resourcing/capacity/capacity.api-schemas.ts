import { Type, type Static } from '@sinclair/typebox'
import { parseFte } from '../../../domain/fte.ts'
import { Nullable, Timestamp } from '../../../web/api-schemas.ts'
import type { MonthFte } from './capacity.rules.ts'
import type { CapacityReport } from './capacity.service.ts'
import type { AllocationRow, RoleRow } from './demand.repository.ts'

// The JSON of demand, allocation and capacity. FTE travels as a decimal (1.5), months as 'YYYY-MM'.

const Period = Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'A month, YYYY-MM' })
const Month = Type.Object(
  { period: Period, fte: Type.Number({ description: 'FTE in the month, like 0.6' }) },
  { additionalProperties: false },
)

export const RoleFields = {
  title: Type.String({ maxLength: 200 }),
  team: Type.String({ maxLength: 200 }),
  skillIds: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 50 }),
  months: Type.Array(Month, {
    maxItems: 120,
    description: 'The FTE the role needs by month: more than 1 when it needs more than one person',
  }),
}

export const AllocationFields = {
  personId: Nullable(
    Type.Integer({ minimum: 1, description: 'The person allocated; null for a vacant post' }),
  ),
  postId: Nullable(Type.Integer({ minimum: 1, description: 'A vacant post the role will be filled from' })),
  months: Type.Array(Month, { maxItems: 120, description: 'The FTE the person gives by month, 0.01 to 1' }),
}

const MonthOut = Type.Object({ period: Type.String(), fte: Type.Number() })

export const RoleSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    projectId: Type.Integer(),
    projectReference: Type.String(),
    title: Type.String(),
    team: Type.String(),
    source: Type.String({ description: '"business_case" when seeded from the business case' }),
    skills: Type.Array(Type.Object({ skillId: Type.Integer(), name: Type.String() })),
    months: Type.Array(MonthOut),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'ProjectRole' },
)

export const AllocationSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    roleId: Type.Integer(),
    roleTitle: Type.String(),
    projectId: Type.Integer(),
    projectReference: Type.String(),
    personId: Nullable(Type.Integer()),
    personName: Nullable(Type.String()),
    postId: Nullable(Type.Integer()),
    postTitle: Nullable(Type.String()),
    months: Type.Array(MonthOut),
    overAllocatedMonths: Type.Array(Type.String(), {
      description: 'Months the person is allocated beyond their available capacity (allowed, but flagged)',
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Allocation' },
)

const Cell = Type.Object({
  period: Type.String(),
  demand: Type.Number(),
  allocated: Type.Number({ description: 'FTE allocated to named people' }),
  toVacantPosts: Type.Number({ description: 'FTE allocated to vacant posts' }),
  available: Type.Number({ description: 'FTE the people have, after secondments' }),
})

export const CapacitySchema = Type.Object(
  {
    from: Type.String(),
    to: Type.String(),
    by: Type.String(),
    months: Type.Array(Type.String()),
    groups: Type.Array(Type.Object({ name: Type.String(), cells: Type.Array(Cell) })),
    totals: Type.Array(Cell),
    overAllocated: Type.Array(
      Type.Object({
        personId: Type.Integer(),
        name: Type.String(),
        period: Type.String(),
        allocated: Type.Number(),
        available: Type.Number(),
      }),
    ),
    unfilled: Type.Array(
      Type.Object({
        roleId: Type.Integer(),
        projectId: Type.Integer(),
        projectReference: Type.String(),
        title: Type.String(),
        firstPeriod: Type.String(),
        months: Type.Integer(),
        gap: Type.Number({ description: 'FTE-months not allocated to anyone' }),
        atStart: Type.Boolean({
          description: 'Not filled in the project’s forecast start month: the forecast start may be moved',
        }),
      }),
    ),
    skillsNobodyHolds: Type.Array(Type.String()),
  },
  { $id: 'Capacity' },
)

export const CapacityQuery = Type.Object({
  programmeId: Type.Optional(Type.Integer({ minimum: 1 })),
  team: Type.Optional(Type.String({ maxLength: 200 })),
  skillId: Type.Optional(Type.Integer({ minimum: 1 })),
  from: Type.Optional(Type.String({ maxLength: 7, description: 'First month, YYYY-MM' })),
  to: Type.Optional(Type.String({ maxLength: 7, description: 'Last month, YYYY-MM' })),
  by: Type.Optional(Type.Union([Type.Literal('skill'), Type.Literal('team')])),
})

/** Months from a body as hundredths; NaN for more than two decimal places (the rules' field error). */
export const monthsFromApi = (months: Static<typeof Month>[]): MonthFte[] =>
  months.map((m) => ({ period: m.period, fteHundredths: parseFte(String(m.fte)) }))

const monthsJson = (rows: { period: string; fte_hundredths: number }[]) =>
  rows.map((m) => ({ period: m.period, fte: m.fte_hundredths / 100 }))

export const roleJson = (
  r: RoleRow,
  months: { period: string; fte_hundredths: number }[],
  skills: { skill_id: number; name: string }[],
): Static<typeof RoleSchema> => ({
  id: r.id,
  version: r.version,
  projectId: r.project_id,
  projectReference: r.project_reference,
  title: r.title,
  team: r.team,
  source: r.source,
  skills: skills.map((s) => ({ skillId: s.skill_id, name: s.name })),
  months: monthsJson(months),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

export const allocationJson = (
  a: AllocationRow,
  months: { period: string; fte_hundredths: number }[],
  overAllocatedMonths: string[],
): Static<typeof AllocationSchema> => ({
  id: a.id,
  version: a.version,
  roleId: a.role_id,
  roleTitle: a.role_title,
  projectId: a.project_id,
  projectReference: a.project_reference,
  personId: a.person_id,
  personName: a.person_name,
  postId: a.post_id,
  postTitle: a.post_title,
  months: monthsJson(months),
  overAllocatedMonths,
  createdAt: a.created_at,
  updatedAt: a.updated_at,
})

export const capacityJson = (r: CapacityReport): Static<typeof CapacitySchema> => {
  const cell = (c: CapacityReport['totals'][number]) => ({
    period: c.period,
    demand: c.demand / 100,
    allocated: c.allocated / 100,
    toVacantPosts: c.toVacantPosts / 100,
    available: c.available / 100,
  })
  return {
    from: r.filter.from,
    to: r.filter.to,
    by: r.filter.by,
    months: r.months,
    groups: r.groups.map((g) => ({ name: g.name, cells: g.cells.map(cell) })),
    totals: r.totals.map(cell),
    overAllocated: r.overAllocated.map((o) => ({
      ...o,
      allocated: o.allocated / 100,
      available: o.available / 100,
    })),
    unfilled: r.unfilled.map((u) => ({ ...u, gap: u.gap / 100 })),
    skillsNobodyHolds: r.skillsNobodyHolds,
  }
}
