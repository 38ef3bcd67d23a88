import { sql } from 'kysely'
import { addDays, formatDate } from '../../../domain/dates.ts'
import { formatPeriod, periodOf } from '../../../domain/periods.ts'
import type { HealthRule } from '../../governance/health.rules.ts'

/**
 * The capacity rule of the governance health check (issue 10): a role the project needs, in a month from its
 * forecast start that falls within the next N weeks (or has already come), with no person allocated for it.
 * It looks no further back than this month, so a project whose past went unstaffed is not flagged for ever.
 */
export const ROLE_UNALLOCATED_RULE = 'role-unallocated-before-start'

export const CAPACITY_HEALTH_RULES: HealthRule[] = [
  {
    id: ROLE_UNALLOCATED_RULE,
    title: 'Required role with no one allocated',
    why: 'The people a project needs must be in place before the work starts: a role still unallocated weeks before it is needed will delay the project or leave the work undone.',
    lesson:
      'The panel heard that "the digital skill set had not existed within the council" and the agreed staff resources were in post nine months after the proposed start date.',
    threshold: {
      label: 'Weeks ahead',
      hint: 'How many weeks before a role is needed it must have someone allocated',
      default: 8,
      min: 0,
      max: 52,
    },
    async evaluate({ db, organisationId, today, threshold }) {
      const horizon = periodOf(addDays(today, 7 * (threshold ?? 8)))
      const rows = await db
        .selectFrom('project_role_months as m')
        .innerJoin('project_roles as r', 'r.id', 'm.role_id')
        .innerJoin('projects as p', 'p.id', 'r.project_id')
        .select([
          'r.id',
          'r.title',
          'p.id as project_id',
          'p.programme_id',
          'p.reference',
          'p.forecast_start',
          sql<string>`min(m.period)`.as('first'),
        ])
        .where('m.organisation_id', '=', organisationId)
        .where('p.stage', 'not in', ['closed', 'cancelled'])
        .where('p.forecast_start', 'is not', null)
        .where('m.fte_hundredths', '>', 0)
        .where('m.period', '>=', periodOf(today))
        .where('m.period', '<=', horizon)
        .where(sql<boolean>`m.period >= substr(p.forecast_start, 1, 7)`)
        .where(
          sql<boolean>`not exists (select 1 from allocation_months am inner join allocations a on a.id = am.allocation_id where a.role_id = r.id and am.period = m.period and a.person_id is not null)`,
        )
        .groupBy(['r.id', 'r.title', 'p.id', 'p.programme_id', 'p.reference', 'p.forecast_start'])
        .orderBy('p.reference')
        .orderBy('r.title')
        .execute()
      return rows.map((r) => ({
        recordType: 'project_role',
        recordId: r.id,
        title: `${r.reference}: ${r.title}`,
        detail: `No one is allocated from ${formatPeriod(r.first)}; the project’s forecast start is ${formatDate(r.forecast_start)}.`,
        url: `/projects/${r.project_id}/roles`,
        programmeId: r.programme_id,
        projectId: r.project_id,
      }))
    },
  },
]
