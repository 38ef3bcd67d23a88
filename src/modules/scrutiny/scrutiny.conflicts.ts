import type { AgendaItem, Committee, Meeting, Recommendation, RecommendationAction } from '../../db/schema.ts'
import { formatDate } from '../../domain/dates.ts'
import type { ConflictRow } from '../../web/form-pages.ts'
import {
  actionStatusLabel,
  committeeKindLabel,
  meetingStatusLabel,
  responseLabel,
  statusTag,
  type ResponseInput,
  type AgendaItemInput,
  type CommitteeInput,
  type MeetingInput,
} from './scrutiny.rules.ts'
import { readOthers, statusText, writeOthers } from './attendance.rules.ts'

// What the conflict page shows for each scrutiny form: the person's values beside the saved record's.

const row = (label: string, yours: string, saved: string): ConflictRow => ({ label, yours, saved })

export function committeeConflictRows(yours: CommitteeInput, saved: Committee): ConflictRow[] {
  return [
    row('Name', yours.name, saved.name),
    row('Code', yours.code, saved.code),
    row('Kind', committeeKindLabel(yours.kind), committeeKindLabel(saved.kind)),
    row('Description', yours.description, saved.description),
    row('Months to respond', String(yours.responseMonths ?? ''), String(saved.response_months)),
  ]
}

export function meetingConflictRows(yours: MeetingInput, saved: Meeting): ConflictRow[] {
  return [
    row('Date', formatDate(yours.meetingDate), formatDate(saved.meeting_date)),
    row('Start time', yours.startTime, saved.start_time ?? ''),
    row('Place', yours.place, saved.place),
    row('Status', meetingStatusLabel(yours.status), meetingStatusLabel(saved.status)),
  ]
}

export function agendaItemConflictRows(yours: AgendaItemInput, saved: AgendaItem): ConflictRow[] {
  return [
    row('Number', yours.number, saved.number),
    row('Title', yours.title, saved.title),
    row('Purpose', yours.purpose, saved.purpose),
    row('Reports presented', yours.reportsPresented, saved.reports_presented),
    row('Presenters', yours.presenters, saved.presenters),
    row('Minutes', yours.minutes, saved.minutes),
  ]
}

export function responseConflictRows(yours: ResponseInput, saved: Recommendation): ConflictRow[] {
  return [
    row('Response', responseLabel(yours.response), responseLabel(saved.response)),
    row('Reasons', yours.reasons, saved.response_reasons),
    row('Date of the response', formatDate(yours.respondedOn), formatDate(saved.responded_on)),
  ]
}

export function recommendationStatusRows(status: string, saved: Recommendation): ConflictRow[] {
  return [row('Status', statusTag(status).text, statusTag(saved.status).text)]
}

export function actionConflictRows(
  yours: { status: string; evidenceText: string; evidenceUrl: string },
  saved: RecommendationAction,
): ConflictRow[] {
  return [
    row('Status', actionStatusLabel(yours.status), actionStatusLabel(saved.status)),
    row('Evidence', yours.evidenceText, saved.evidence_text),
    row('Evidence link', yours.evidenceUrl, saved.evidence_url),
  ]
}

/** A meeting's attendance: each committee member's status, then the "also attending" lines, yours beside saved. */
export function attendanceConflictRows(
  members: ReadonlyArray<{ id: number; name: string }>,
  yours: { statusOf: Readonly<Record<number, string>>; others: string },
  saved: ReadonlyArray<{
    committee_member_id: number | null
    name: string
    role: string
    capacity: string
    status: string
  }>,
): ConflictRow[] {
  const savedStatus = (id: number) => saved.find((a) => a.committee_member_id === id)?.status ?? ''
  const text = (status: string) => (status === '' ? 'Not recorded' : statusText(status))
  return [
    ...members.map((m) => row(m.name, text(yours.statusOf[m.id] ?? ''), text(savedStatus(m.id)))),
    row(
      'Also attending',
      writeOthers(readOthers(yours.others)),
      writeOthers(saved.filter((a) => a.committee_member_id === null)),
    ),
  ]
}
