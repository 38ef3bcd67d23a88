import { addDays, type IsoDate } from '../domain/dates.ts'
import { addWorkingDays } from '../domain/working-days.ts'
import { responseDueOn } from '../domain/due-dates.ts'
import { recordAudit } from '../modules/audit/audit.service.ts'
import { DEMO_ACTOR } from './demo-loader.ts'
import type { DemoContext } from './extensions.ts'
import { MINUTES, PH, POINTS, SIX_POINT_PAPER_REFERENCE, type Point } from './scrutiny-demo-minute.ts'

export { SIX_POINT_PAPER_REFERENCE }

/** The follow-up meeting's date: the minute does not give it, so the demo places it in the summer of 2021. */
export const FOLLOW_UP_MEETING_DATE = '2021-07-08'

/** The Performance Monitoring Panel's scrutiny of the programme: two meetings, the minute, and what it asked for. */
export async function scrutinyDemo({ trx, organisationId, people, today, now }: DemoContext): Promise<void> {
  const at = now.toISOString()
  const audit = (entityType: string, entityId: number, after: unknown) =>
    recordAudit(trx, { organisationId, actor: DEMO_ACTOR, action: 'create', entityType, entityId, after })
  const org = { organisation_id: organisationId }

  const committee = await trx
    .insertInto('committees')
    .values({
      ...org,
      name: 'Performance Monitoring Panel',
      code: 'PMP',
      kind: 'scrutiny_panel',
      description:
        'Monitors the council’s performance and the delivery of its programmes, and makes recommendations to the Executive and Portfolio Holders.',
      response_months: 2,
      created_at: at,
      updated_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  await audit('committee', committee.id, committee)
  const members: Array<{ user_id: number | null; name: string; role: string }> = [
    {
      user_id: people.scrutiny_member?.id ?? null,
      name: people.scrutiny_member?.name ?? 'Cllr Margaret Dunn',
      role: 'chair',
    },
    { user_id: null, name: 'Cllr Peter Hollis', role: 'vice_chair' },
    { user_id: null, name: 'Cllr Anita Sharma', role: 'member' },
    { user_id: null, name: 'Cllr David Keane', role: 'member' },
    { user_id: null, name: 'Cllr Susan Whitby', role: 'member' },
    {
      user_id: people.viewer?.id ?? null,
      name: people.viewer?.name ?? 'Performance and Policy Officer',
      role: 'supporting_officer',
    },
  ]
  await trx
    .insertInto('committee_members')
    .values(members.map((m) => ({ ...org, committee_id: committee.id, ...m, created_at: at })))
    .execute()

  const programme = await trx
    .selectFrom('programmes')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('reference', '=', 'ICT-2019')
    .executeTakeFirst()
  const projects = await trx
    .selectFrom('projects')
    .select(['id', 'reference'])
    .where('organisation_id', '=', organisationId)
    .execute()
  const project = (ref: string) => projects.find((p) => p.reference === ref)?.id ?? null

  async function meeting(date: string, time: string, place: string, status: string) {
    const m = await trx
      .insertInto('meetings')
      .values({
        ...org,
        committee_id: committee.id,
        meeting_date: date,
        start_time: time,
        place,
        status,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await audit('meeting', m.id, m)
    return m
  }
  async function item(
    meetingId: number,
    number: string,
    title: string,
    purpose: string,
    reports: string,
    presenters: string,
    minutes: string,
  ) {
    const i = await trx
      .insertInto('agenda_items')
      .values({
        ...org,
        meeting_id: meetingId,
        number,
        title,
        purpose,
        reports_presented: reports,
        presenters,
        minutes,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await audit('agenda_item', i.id, i)
    if (programme)
      await trx
        .insertInto('agenda_item_links')
        .values({
          ...org,
          agenda_item_id: i.id,
          programme_id: programme.id,
          project_id: null,
          created_at: at,
        })
        .execute()
    return i
  }

  const march = await meeting('2021-03-18', '18:30', 'Online (Microsoft Teams)', 'held')
  const marchItem = await item(
    march.id,
    '6',
    'Digital Work Programme update',
    'To update the panel on the ICT and Digital Work Programme.',
    'Digital Work Programme update (report of the Portfolio Holder)',
    'Programme Manager – Commercialisation',
    'The panel received an update on the Digital Work Programme and asked the Portfolio Holder to review it.',
  )
  const july = await meeting(FOLLOW_UP_MEETING_DATE, '18:30', 'Council Chamber, Marshland House', 'held')
  const julyItem = await item(
    july.id,
    '7',
    'ICT and Digital Work Programme 2019-2022 Progress Update',
    'To provide an update to Performance Monitoring Panel on the progress of the Council’s ICT and Digital Programme.',
    'Progress report of the Portfolio Holder Corporate and Communications, with Appendix A (financial summary)',
    `${PH}; Programme Manager – Commercialisation; Communications Manager; Head of ICT and Digital (PSPS)`,
    MINUTES,
  )
  for (const ref of ['ICT-01', 'ICT-02', 'ICT-05', 'ICT-06']) {
    const id = project(ref)
    if (id !== null)
      await trx
        .insertInto('agenda_item_links')
        .values({ ...org, agenda_item_id: julyItem.id, programme_id: null, project_id: id, created_at: at })
        .execute()
  }
  let position = 0
  async function addPoints(points: Point[], parentId: number | null) {
    for (const p of points) {
      const row = await trx
        .insertInto('item_points')
        .values({
          ...org,
          agenda_item_id: julyItem.id,
          parent_id: parentId,
          kind: p.kind,
          speaker_name: p.who,
          speaker_role: p.role ?? '',
          text: p.text,
          position: ++position,
          created_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      if (p.replies) await addPoints(p.replies, row.id)
    }
  }
  await addPoints(POINTS, null)
  await trx
    .insertInto('resolutions')
    .values({
      ...org,
      agenda_item_id: julyItem.id,
      text: 'That the comments of the meeting be noted and taken forward.',
      position: 1,
      created_at: at,
    })
    .execute()
  // A meeting still to come, so the dashboard and calendar have something ahead.
  await meeting(nextMeetingDate(today), '18:30', 'Council Chamber, Marshland House', 'scheduled')

  const ph = people.portfolio_holder
  const pm = people.programme_manager
  async function recommendation(r: {
    reference: string
    itemId: number
    madeOn: string
    kind: string
    text: string
    addressedTo: string
    addressee: typeof ph
    response?: { value: string; reasons: string; on: string }
    status: string
    evidence?: string
    followUpItemId?: number
  }) {
    const row = await trx
      .insertInto('recommendations')
      .values({
        ...org,
        committee_id: committee.id,
        agenda_item_id: r.itemId,
        reference: r.reference,
        kind: r.kind,
        text: r.text,
        addressed_to: r.addressedTo,
        addressee_user_id: r.addressee?.id ?? null,
        lead_officer_user_id: pm?.id ?? null,
        made_on: r.madeOn,
        response_due_on: responseDueOn(r.madeOn, committee.response_months),
        response: r.response?.value ?? null,
        response_reasons: r.response?.reasons ?? '',
        responded_on: r.response?.on ?? null,
        responded_by_user_id: r.response ? (r.addressee?.id ?? null) : null,
        responded_by_name: r.response ? (r.addressee?.name ?? '') : '',
        status: r.status,
        evidence: r.evidence ?? '',
        follow_up_item_id: r.followUpItemId ?? null,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await audit('recommendation', row.id, row)
    return row
  }

  const first = await recommendation({
    reference: 'PMP/2021/01',
    itemId: marchItem.id,
    madeOn: march.meeting_date,
    kind: 'recommendation',
    text: 'That the Portfolio Holder review the ICT and Digital Work Programme and report its progress, with a financial summary, to a future meeting of the panel.',
    addressedTo: 'portfolio_holder',
    addressee: ph,
    response: {
      value: 'accepted',
      reasons: 'The review will be reported to the panel in July.',
      on: '2021-04-26',
    },
    status: 'accepted_in_progress',
    evidence: 'Progress update with Appendix A presented to the panel on 8 July 2021.',
    followUpItemId: julyItem.id,
  })
  // Implemented at the July meeting, when the progress report was presented: recorded on that day, so the
  // report itself (as at 30 June) shows it still in progress.
  const implemented = await trx
    .updateTable('recommendations')
    // Not updateVersioned: the demo files this change under the day of the meeting (occurredAt).
    // eslint-disable-next-line no-restricted-syntax -- see above
    .set({ status: 'implemented', version: first.version + 1 })
    .where('id', '=', first.id)
    .returningAll()
    .executeTakeFirstOrThrow()
  await recordAudit(trx, {
    organisationId,
    actor: DEMO_ACTOR,
    action: 'update',
    entityType: 'recommendation',
    entityId: first.id,
    before: first,
    after: implemented,
    occurredAt: `${july.meeting_date}T19:00:00.000Z`,
  })
  const paper = await recommendation({
    reference: SIX_POINT_PAPER_REFERENCE,
    itemId: julyItem.id,
    madeOn: july.meeting_date,
    kind: 'request',
    text: 'That a paper be prepared by the Council setting out: a clear explanation of what “Digital” means to the authority; the human and digital resources required to deliver an ICT and Digital Work Programme; the responsible person for the preparation of the paper and a specified timeframe; how and by whom the programme would be delivered; the project implementation timeframe; and how the needs and expectations of the authority would be managed during the interim period.',
    addressedTo: 'portfolio_holder',
    addressee: ph,
    response: {
      value: 'accepted',
      reasons: 'The Programme Manager – Commercialisation will prepare the paper as a programme definition.',
      on: '2021-08-31',
    },
    status: 'accepted_in_progress',
  })
  if (pm) {
    const action = await trx
      .insertInto('recommendation_actions')
      .values({
        ...org,
        recommendation_id: paper.id,
        text: 'Prepare the programme definition paper covering the six points',
        owner_user_id: pm.id,
        owner_name: pm.name,
        due_on: '2021-12-31',
        programme_id: programme?.id ?? null,
        project_id: project('ICT-06'),
        status: 'in_progress',
        evidence_text: 'Draft started; resources and timeframe sections still to write.',
        evidence_url: '',
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, {
      organisationId,
      actor: DEMO_ACTOR,
      action: 'add_action',
      entityType: 'recommendation',
      entityId: paper.id,
      after: action,
    })
  }
  await recommendation({
    reference: 'PMP/2021/04',
    itemId: julyItem.id,
    madeOn: july.meeting_date,
    kind: 'request',
    text: 'That issues be reported to the panel expeditiously when projects encounter difficulties.',
    addressedTo: 'officer',
    addressee: pm,
    response: {
      value: 'partly_accepted',
      reasons:
        'Exceptions will be reported to the programme board at once and to the panel at its next meeting.',
      on: '2021-09-20',
    },
    status: 'accepted_in_progress',
  })
  // Never answered: the monitor and the governance health check show it overdue.
  await recommendation({
    reference: 'PMP/2021/05',
    itemId: julyItem.id,
    madeOn: july.meeting_date,
    kind: 'recommendation',
    text: 'That governance be integral to the delivery of all future strategic projects, with the council’s digital ambitions published.',
    addressedTo: 'executive',
    addressee: ph,
    status: 'awaiting_response',
  })
}

/**
 * The panel's next meeting in the demo: three weeks ahead, moved to the next day the council sits (no
 * meeting on a weekend, a bank holiday or Christmas Day, which loading the demo on 4 December once gave).
 */
export function nextMeetingDate(today: IsoDate): IsoDate {
  return addWorkingDays(addDays(today, 20), 1)
}
