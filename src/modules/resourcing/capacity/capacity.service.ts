import type { Kysely } from 'kysely'
import type { Scope } from '../../../auth/actor.ts'
import { capacityInMonth } from '../../../domain/capacity.ts'
import type { DB } from '../../../db/schema.ts'
import type { FteHundredths } from '../../../domain/fte.ts'
import { currentPeriod, isPeriod, periodOf, periodsBetween, type Period } from '../../../domain/periods.ts'
import { ValidationError } from '../../../errors.ts'
import { createChangeCache } from '../../audit/change-cache.ts'
import { MAX_CAPACITY_MONTHS, type MonthFte } from './capacity.rules.ts'
import { capacityRepository as repo, NO_SKILL, type CapacityFilter } from './capacity.repository.ts'

// The capacity page and its API (issue 10): demand against allocation against the people's available time,
// by month and by team or skill; who is over their capacity in a month (secondments counted, through
// capacityInMonth); which roles are not filled; and which needed skills nobody holds.

export interface CapacityQuery {
  programmeId?: number
  team?: string
  skillId?: number
  from?: string
  to?: string
  by?: 'skill' | 'team'
}

export interface CapacityCell {
  period: Period
  demand: FteHundredths
  /** Allocated to named people. */
  allocated: FteHundredths
  /** Allocated to vacant posts: planned, not yet anyone's time. */
  toVacantPosts: FteHundredths
  available: FteHundredths
}

export interface CapacityReport {
  filter: CapacityFilter
  months: Period[]
  groups: { name: string; cells: CapacityCell[] }[]
  totals: CapacityCell[]
  overAllocated: { personId: number; name: string; period: Period; allocated: number; available: number }[]
  unfilled: {
    roleId: number
    projectId: number
    projectReference: string
    title: string
    firstPeriod: Period
    months: number
    gap: FteHundredths
    /** Not filled in the project's forecast start month: the forecast start may be moved. */
    atStart: boolean
  }[]
  skillsNobodyHolds: string[]
}

const addMonthsTo = (p: Period, n: number) => {
  const [y, m] = p.split('-').map(Number) as [number, number]
  const i = y * 12 + (m - 1) + n
  return `${String(Math.floor(i / 12)).padStart(4, '0')}-${String((i % 12) + 1).padStart(2, '0')}`
}

/** The months to show: as asked, or the span of the filter's demand (at most two years), or the next 12. */
async function periodOfReport(db: Kysely<DB>, scope: Scope, q: CapacityQuery, by: 'skill' | 'team') {
  const errors: Record<string, string> = {}
  if (q.from !== undefined && !isPeriod(q.from)) errors.from = 'From must be a month like 2019-06'
  if (q.to !== undefined && !isPeriod(q.to)) errors.to = 'To must be a month like 2020-03'
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
  let { from, to } = q
  if (from === undefined && to === undefined) {
    const span = await repo.demandSpan(db, scope, { ...q, by })
    from = span?.first ?? currentPeriod()
    to = span?.last ?? addMonthsTo(from, 11)
    if (to > addMonthsTo(from, 23)) to = addMonthsTo(from, 23)
  }
  from ??= addMonthsTo(to!, -11)
  to ??= addMonthsTo(from, 11)
  if (from > to) throw new ValidationError({ to: 'To must be the same as or after from' })
  if (to > addMonthsTo(from, MAX_CAPACITY_MONTHS - 1))
    throw new ValidationError({ to: `Choose at most ${MAX_CAPACITY_MONTHS} months` })
  return { from, to }
}

const dated = (rows: { starts_on: string; ends_on: string | null; fte_hundredths: number }[]) =>
  rows.map((x) => ({ startsOn: x.starts_on, endsOn: x.ends_on, fteHundredths: x.fte_hundredths }))

export function createCapacityService(db: Kysely<DB>) {
  // A report is remembered until anything in the organisation changes (or the day turns), like the dashboard:
  // its SQL sums every role-month of the portfolio. A few variants only: a whole organisation's report holds
  // thousands of over-allocated person-months.
  const remembered = createChangeCache<CapacityReport>(db, 12)

  return {
    /** The months a person's allocations (all projects) exceed their available capacity: flagged, not refused. */
    async overAllocatedMonths(scope: Scope, personId: number): Promise<Set<Period>> {
      return new Set((await this.overAllocationIf(scope, personId, [], null)).map((o) => o.period))
    },

    /**
     * The months a person would be over their available capacity if an allocation (a new one, or
     * `allocationId` changed) gave these months: what their other allocations give plus these, against
     * capacityInMonth, in these months. With no months, every month they are over now. The page forms warn
     * with this.
     */
    async overAllocationIf(
      scope: Scope,
      personId: number,
      months: readonly MonthFte[],
      allocationId: number | null,
    ): Promise<{ period: Period; allocated: FteHundredths; available: FteHundredths }[]> {
      const load = await repo.personLoad(db, scope, {
        from: '0000-01',
        to: '9999-12',
        personId,
        ...(allocationId === null ? {} : { exceptAllocationId: allocationId }),
      })
      const given = new Map<Period, number>(load.map((l) => [l.period, Number(l.fte)]))
      for (const m of months) given.set(m.period, (given.get(m.period) ?? 0) + m.fteHundredths)
      const c = await repo.commitmentsOf(db, scope.organisationId, personId)
      const secondments = c.secondments.map((s) => ({
        ...dated([s])[0]!,
        direction: s.direction as 'in' | 'out',
      }))
      return [...given]
        .map(([period, allocated]) => ({
          period,
          allocated,
          available: capacityInMonth(dated(c.holdings), secondments, period).available,
        }))
        .filter((o) => o.allocated > o.available)
        .filter((o) => months.length === 0 || months.some((m) => m.period === o.period))
        .sort((a, b) => a.period.localeCompare(b.period))
    },

    /** The capacity report for the filter (read-only: the same object answers until something changes). */
    report(scope: Scope, q: CapacityQuery): Promise<CapacityReport> {
      const variant = JSON.stringify([q.programmeId, q.team, q.skillId, q.from, q.to, q.by ?? 'skill'])
      return remembered(scope, variant, () => computeReport(db, scope, q))
    },
  }
}

async function computeReport(db: Kysely<DB>, scope: Scope, q: CapacityQuery): Promise<CapacityReport> {
  const by = q.by ?? 'skill'
  const { from, to } = await periodOfReport(db, scope, q, by)
  const f: CapacityFilter = { ...q, from, to, by }
  const months = periodsBetween(from, to)
  const [
    demandRows,
    demandTotal,
    allocatedRows,
    allocatedTotal,
    pool,
    load,
    allocatedPeople,
    unfilled,
    missing,
  ] = await Promise.all([
    repo.demand(db, scope, f, false),
    repo.demand(db, scope, f, true),
    repo.allocated(db, scope, f, false),
    repo.allocated(db, scope, f, true),
    repo.people(db, scope, f),
    repo.personLoad(db, scope, f),
    repo.allocatedPeople(db, scope, f),
    repo.unfilled(db, scope, f),
    repo.skillsNobodyHolds(db, scope, f),
  ])

  const named = <T extends { g: string | null }>(rows: T[]) => rows.map((r) => ({ ...r, g: r.g ?? NO_SKILL }))
  const demand = named(demandRows)
  const allocated = named(allocatedRows)
  // Each person's available time by month, from their holdings and secondments (the one capacity rule).
  const byPerson = <T extends { person_id: number }>(rows: T[]) => {
    const m = new Map<number, T[]>()
    for (const r of rows) m.set(r.person_id, [...(m.get(r.person_id) ?? []), r])
    return m
  }
  const holdings = byPerson(pool.holdings)
  const secondments = byPerson(pool.secondments)
  const skills = byPerson(pool.skills)
  const available = new Map<number, number[]>()
  for (const p of pool.people) {
    const h = (holdings.get(p.id) ?? []).map((x) => ({
      startsOn: x.starts_on,
      endsOn: x.ends_on,
      fteHundredths: x.fte_hundredths,
    }))
    const s = (secondments.get(p.id) ?? []).map((x) => ({
      startsOn: x.starts_on,
      endsOn: x.ends_on,
      fteHundredths: x.fte_hundredths,
      direction: x.direction as 'in' | 'out',
    }))
    available.set(
      p.id,
      months.map((m) => capacityInMonth(h, s, m).available),
    )
  }

  const cellsFor = (
    d: { g: string; period: string; fte: number }[],
    a: { g: string; period: string; people: number; posts: number }[],
    avail: number[],
    name: string,
  ): CapacityCell[] =>
    months.map((period, i) => {
      const al = a.find((x) => x.g === name && x.period === period)
      return {
        period,
        demand: Number(d.find((x) => x.g === name && x.period === period)?.fte ?? 0),
        allocated: Number(al?.people ?? 0),
        toVacantPosts: Number(al?.posts ?? 0),
        available: avail[i] ?? 0,
      }
    })

  // Available time by group: a team's people, or the people holding a skill (a person with two skills
  // counts under each).
  const groupAvailable = new Map<string, number[]>()
  const addTo = (g: string, fte: number[]) =>
    groupAvailable.set(
      g,
      (groupAvailable.get(g) ?? months.map(() => 0)).map((v, i) => v + (fte[i] ?? 0)),
    )
  const total = months.map(() => 0)
  for (const p of pool.people) {
    const fte = available.get(p.id)!
    fte.forEach((v, i) => (total[i]! += v))
    if (by === 'team') addTo(p.team, fte)
    else {
      const mine = skills.get(p.id) ?? []
      if (mine.length === 0) addTo(NO_SKILL, fte)
      for (const s of mine) addTo(s.name, fte)
    }
  }
  const names = new Set([...demand.map((d) => d.g), ...allocated.map((a) => a.g)])
  const groups = [...names]
    .sort((a, b) => a.localeCompare(b))
    .map((name) => ({
      name,
      cells: cellsFor(demand, allocated, groupAvailable.get(name) ?? [], name),
    }))

  const names_ = new Map(pool.people.map((p) => [p.id, p.name]))
  const overAllocated = load
    .filter((l) => allocatedPeople.has(l.person_id!) && names_.has(l.person_id!))
    .map((l) => ({
      personId: l.person_id!,
      name: names_.get(l.person_id!)!,
      period: l.period,
      allocated: Number(l.fte),
      available: available.get(l.person_id!)?.[months.indexOf(l.period)] ?? 0,
    }))
    .filter((o) => o.allocated > o.available)
    .sort((a, b) => a.name.localeCompare(b.name) || a.period.localeCompare(b.period))

  return {
    filter: f,
    months,
    groups,
    totals: cellsFor(named(demandTotal), named(allocatedTotal), total, NO_SKILL),
    overAllocated,
    unfilled: unfilled.map((u) => ({
      roleId: u.role_id,
      projectId: u.project_id,
      projectReference: u.project_reference,
      title: u.title,
      firstPeriod: u.first_period,
      months: Number(u.months),
      gap: Number(u.gap),
      atStart: u.forecast_start !== null && periodOf(u.forecast_start) === u.first_period,
    })),
    skillsNobodyHolds: missing,
  }
}

export type CapacityService = ReturnType<typeof createCapacityService>
