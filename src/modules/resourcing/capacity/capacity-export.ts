import type { Table } from '../../../web/exports.ts'
import { unfilledOf } from './capacity.heat-map.ts'
import type { CapacityReport } from './capacity.service.ts'
import type { AllocationRow } from './demand.repository.ts'

// The capacity table and the allocations as tables for CSV and Excel (the resourcing export path). FTE is
// given as a decimal number, as on the page.

export function capacityTable(r: CapacityReport, groupLabel: (name: string) => string): Table {
  return {
    name: 'Capacity',
    header: [
      r.filter.by === 'team' ? 'Team' : 'Skill',
      'Month',
      'Demand (FTE)',
      'Allocated to people (FTE)',
      'Allocated to vacant posts (FTE)',
      'Available (FTE)',
      'Unfilled (FTE)',
    ],
    rows: r.groups.flatMap((g) =>
      g.cells.map((c) => [
        groupLabel(g.name),
        c.period,
        c.demand / 100,
        c.allocated / 100,
        c.toVacantPosts / 100,
        c.available / 100,
        unfilledOf(c) / 100,
      ]),
    ),
    money: [],
  }
}

export function allocationsTable(
  rows: AllocationRow[],
  months: { allocation_id: number; period: string; fte_hundredths: number }[],
): Table {
  const byId = new Map(rows.map((a) => [a.id, a]))
  return {
    name: 'Allocations',
    header: ['Project', 'Role', 'Person', 'Vacant post', 'Month', 'FTE'],
    rows: months
      .filter((m) => byId.has(m.allocation_id))
      .map((m) => {
        const a = byId.get(m.allocation_id)!
        return [
          a.project_reference,
          a.role_title,
          a.person_name ?? '',
          a.post_title ?? '',
          m.period,
          m.fte_hundredths / 100,
        ]
      }),
    money: [],
  }
}
