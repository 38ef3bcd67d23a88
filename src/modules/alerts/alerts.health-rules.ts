import { formatDate } from '../../domain/dates.ts'
import { addWorkingDays, type HolidayPredicate } from '../../domain/working-days.ts'
import type { HealthRule } from '../governance/health.rules.ts'

// The health rules issue 12's alerts need that no area had yet: a scrutiny response falling due within ten
// working days, a recommendation's action past its due date, and a gate overridden rather than passed.
// merge: the recommendation queries belong in scrutiny's repository, the gate query in gates'.

export const RESPONSE_DUE_SOON_DAYS = 10

export function alertHealthRules(deps: {
  holidaysOf: (organisationId: number) => Promise<HolidayPredicate>
}): HealthRule[] {
  return [
    {
      id: 'scrutiny-response-due-soon',
      title: 'Scrutiny response due within 10 working days',
      why: 'The executive answers each recommendation by its due date; telling the addressee ten working days ahead leaves time for a considered response.',
      lesson:
        'The panel noted that "comments from the Performance Monitoring Panel had apparently not been influential".',
      async evaluate({ db, organisationId, today }) {
        const until = addWorkingDays(today, RESPONSE_DUE_SOON_DAYS, await deps.holidaysOf(organisationId))
        const rows = await db
          .selectFrom('recommendations as r')
          .innerJoin('committees as c', 'c.id', 'r.committee_id')
          .select(['r.id', 'r.reference', 'r.response_due_on', 'c.name as committee'])
          .where('r.organisation_id', '=', organisationId)
          .where('r.status', '=', 'awaiting_response')
          .where('r.responded_on', 'is', null)
          .where('r.response_due_on', '>=', today)
          .where('r.response_due_on', '<=', until)
          .orderBy('r.response_due_on')
          .orderBy('r.id')
          .execute()
        return rows.map((r) => ({
          recordType: 'recommendation',
          recordId: r.id,
          title: `${r.reference} (${r.committee})`,
          detail: `Response due ${formatDate(r.response_due_on)}`,
          url: `/recommendations/${r.id}`,
          programmeId: null,
          projectId: null,
        }))
      },
    },
    {
      id: 'recommendation-action-overdue',
      title: 'Recommendation action overdue',
      why: 'An action agreed in response to scrutiny that is past its due date and not done leaves the recommendation unmet; its owner finishes it or says why not.',
      lesson: 'Members asked why "a monitoring process had not been in place".',
      async evaluate({ db, organisationId, today }) {
        const rows = await db
          .selectFrom('recommendation_actions as a')
          .innerJoin('recommendations as r', 'r.id', 'a.recommendation_id')
          .select([
            'a.id',
            'a.text',
            'a.due_on',
            'a.programme_id',
            'a.project_id',
            'r.id as rid',
            'r.reference',
          ])
          .where('a.organisation_id', '=', organisationId)
          .where('a.status', '!=', 'done')
          .where('a.due_on', 'is not', null)
          .where('a.due_on', '<', today)
          .orderBy('a.due_on')
          .orderBy('a.id')
          .execute()
        return rows.map((a) => ({
          recordType: 'recommendation_action',
          recordId: a.id,
          title: `${a.reference}: ${a.text.length > 80 ? `${a.text.slice(0, 79)}…` : a.text}`,
          detail: `Action was due ${formatDate(a.due_on)}`,
          url: `/recommendations/${a.rid}`,
          programmeId: a.programme_id,
          projectId: a.project_id,
        }))
      },
    },
    {
      id: 'gate-overridden',
      title: 'Gate overridden',
      why: 'A project that went past a gate by override rather than by passing it carries the risk the gate was there to catch; those accountable should know it was taken.',
      lesson:
        'The panel found the programme "had been drafted at a high strategic level without an accompanying detailed business case or scoping exercise".',
      async evaluate({ db, organisationId }) {
        const rows = await db
          .selectFrom('project_gates as pg')
          .innerJoin('projects as p', 'p.id', 'pg.project_id')
          .innerJoin('lifecycle_gates as g', 'g.id', 'pg.gate_id')
          .select([
            'pg.id',
            'pg.passed_on',
            'p.id as project_id',
            'p.programme_id',
            'p.reference',
            'p.name',
            'g.name as gate',
          ])
          .where('pg.organisation_id', '=', organisationId)
          .where('pg.status', '=', 'overridden')
          .orderBy('p.reference')
          .orderBy('pg.id')
          .execute()
        return rows.map((r) => ({
          recordType: 'project_gate',
          recordId: r.id,
          title: `${r.reference} ${r.name}`,
          detail: `The ${r.gate} gate was overridden${r.passed_on ? ` on ${formatDate(r.passed_on)}` : ''}`,
          url: `/projects/${r.project_id}/gates`,
          programmeId: r.programme_id,
          projectId: r.project_id,
        }))
      },
    },
  ]
}
