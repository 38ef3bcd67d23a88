import type { DemoContext } from './extensions.ts'

/**
 * Who attended the Performance Monitoring Panel of 18 March 2021 (issue 12): the panel's members, one with
 * apologies, and — as the minute says — the Portfolio Holder for Corporate and Communications, the Programme
 * Manager – Commercialisation, the Communications Manager and the Head of ICT and Digital (PSPS), who
 * attended to present the update. Officers are listed by their posts.
 */
export async function attendanceDemo({ trx, organisationId, people, now }: DemoContext) {
  const meeting = await trx
    .selectFrom('meetings')
    .select(['id', 'committee_id'])
    .where('organisation_id', '=', organisationId)
    .where('meeting_date', '=', '2021-03-18')
    .executeTakeFirst()
  if (!meeting) return
  const members = await trx
    .selectFrom('committee_members')
    .select(['id', 'name', 'role'])
    .where('organisation_id', '=', organisationId)
    .where('committee_id', '=', meeting.committee_id)
    .orderBy('id')
    .execute()
  const office: Record<string, string> = {
    chair: 'Chair',
    vice_chair: 'Vice-chair',
    supporting_officer: 'Supporting officer',
  }
  const at = now.toISOString()
  const rows = [
    ...members.map((m) => ({
      committee_member_id: m.id,
      name: m.name,
      role: office[m.role] ?? '',
      capacity: 'member',
      status: m.name === 'Cllr Susan Whitby' ? 'apologies' : 'present',
    })),
    {
      committee_member_id: null,
      name: people.portfolio_holder?.name ?? 'Portfolio Holder',
      // The demo's Portfolio Holder is named with their portfolio already.
      role: people.portfolio_holder ? '' : 'Portfolio Holder for Corporate and Communications',
      capacity: 'other',
      status: 'present',
    },
    ...[
      'Programme Manager – Commercialisation',
      'Communications Manager',
      'Head of ICT and Digital (PSPS)',
    ].map((post) => ({
      committee_member_id: null,
      name: post,
      role: '',
      capacity: 'officer',
      status: 'present',
    })),
  ]
  await trx
    .insertInto('meeting_attendance')
    .values(
      rows.map((r, position) => ({
        ...r,
        organisation_id: organisationId,
        meeting_id: meeting.id,
        position,
        created_at: at,
      })),
    )
    .execute()
}
