import { addDays, addMonths, type IsoDate } from '../domain/dates.ts'
import { recordAudit } from '../modules/audit/audit.service.ts'
import { updateVersioned } from '../modules/audit/versioned-update.ts'
import { DEMO_ACTOR } from './demo-loader.ts'
import type { DemoContext } from './extensions.ts'

/** The next Monday to Friday on or after `d` (the demo's dates avoid weekends, as the council's diary does). */
function weekday(d: IsoDate): IsoDate {
  let day = d
  while ([0, 6].includes(new Date(`${day}T12:00:00Z`).getUTCDay())) day = addDays(day, 1)
  return day
}

/**
 * The areas for consideration in the July 2021 progress report (papers-demo.ts) as the Portfolio Holder took
 * them forward: two done with their progress notes, one in progress on a revised date, and the publication of
 * the digital ambitions still open and overdue, as members complained it was.
 */
export async function scrutinyLoopDemo({
  trx,
  organisationId,
  people,
  today,
  now,
}: DemoContext): Promise<void> {
  const ph = people.portfolio_holder
  if (!ph) return
  const areas = await trx
    .selectFrom('report_areas')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('owner_user_id', '=', ph.id)
    .orderBy('position')
    .execute()
  const plan: Array<{
    starts: string
    status: string
    dueOn: IsoDate
    notes: Array<{ on: IsoDate; text: string }>
  }> = [
    {
      starts: 'Review outstanding work',
      status: 'done',
      dueOn: '2021-10-29',
      notes: [
        {
          on: '2021-09-14',
          text: 'Outstanding items of the 2019 strategy reviewed with the Digital team: three dropped as no longer relevant, two carried into the new digital plan.',
        },
        { on: '2021-10-26', text: 'Reported to the Portfolio Holder briefing. Done.' },
      ],
    },
    {
      starts: 'Make governance integral',
      status: 'done',
      dueOn: '2021-12-17',
      notes: [
        {
          on: '2021-11-23',
          text: 'Business case template and gate reviews adopted for strategic projects by the programme board; no project starts delivery without an approved scope.',
        },
      ],
    },
    {
      starts: 'Report issues to the panel',
      status: 'in_progress',
      // Re-planned: the exception route to the panel chair is in place, the panel's own standing item is not yet.
      dueOn: weekday(addMonths(today, 2)),
      notes: [
        {
          on: '2021-10-05',
          text: 'Exception reports now go to the panel chair within 10 working days of being raised.',
        },
      ],
    },
    { starts: 'Publish the council', status: 'open', dueOn: '2021-12-31', notes: [] },
  ]
  const at = now.toISOString()
  for (const step of plan) {
    const area = areas.find((a) => a.text.startsWith(step.starts))
    if (!area) continue
    await updateVersioned(trx, {
      table: 'report_areas',
      entityType: 'report_area',
      actor: { organisationId, system: DEMO_ACTOR },
      current: area,
      version: area.version,
      changes: { status: step.status, due_on: step.dueOn },
    })
    for (const note of step.notes) {
      const created = await trx
        .insertInto('report_area_notes')
        .values({
          organisation_id: organisationId,
          area_id: area.id,
          noted_on: note.on,
          text: note.text,
          author_name: ph.name,
          created_at: at,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await recordAudit(trx, {
        organisationId,
        actor: DEMO_ACTOR,
        action: 'note',
        entityType: 'report_area',
        entityId: area.id,
        after: created,
      })
    }
  }
}
