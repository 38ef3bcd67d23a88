import { currentPeriod } from '../../domain/periods.ts'
import { formatDate } from '../../domain/dates.ts'
import type { PanelReport } from '../../db/schema.ts'
import { errorList, field, optionalInt, type FormBody } from '../../web/forms.ts'
import type { ReportsService } from './reports.service.ts'
import type { ProgrammesService } from '../programmes/programmes.service.ts'
import type { Scope } from '../../auth/actor.ts'
import { periodOptions, periodValue, REPORT_FIELD_ORDER, type ReportInput } from './reports.rules.ts'

export function readReportForm(body: FormBody): ReportInput {
  return {
    programmeId: optionalInt(field(body, 'programmeId')),
    meetingId: optionalInt(field(body, 'meetingId')),
    period: field(body, 'period'),
    title: field(body, 'title'),
    summary: field(body, 'summary'),
    resourcesNarrative: field(body, 'resourcesNarrative'),
  }
}

export function reportInputOf(r: PanelReport): ReportInput {
  return {
    programmeId: r.programme_id,
    meetingId: r.meeting_id,
    period: periodValue(r.period_from, r.period_to),
    title: r.title,
    summary: r.summary,
    resourcesNarrative: r.resources_narrative,
  }
}

export const emptyReport = (): ReportInput => ({
  programmeId: null,
  meetingId: null,
  period: currentPeriod(),
  title: '',
  summary: '',
  resourcesNarrative: '',
})

/** The select lists and error summary of the report form. */
export async function reportFormContext(
  services: { reports: ReportsService; programmes: ProgrammesService },
  scope: Scope,
  values: ReportInput,
  errors: Record<string, string>,
) {
  const [programmes, meetings] = await Promise.all([
    services.programmes.options(scope),
    services.reports.meetings(scope.organisationId),
  ])
  const periods = periodOptions(currentPeriod(), 72)
  if (values.period && !periods.some((p) => p.value === values.period))
    periods.unshift({ value: values.period, text: values.period })
  return {
    values,
    errors,
    errorList: errorList(errors, REPORT_FIELD_ORDER),
    programmeItems: [
      { value: '', text: 'Select a programme' },
      ...programmes.map((p) => ({
        value: String(p.id),
        text: `${p.reference} ${p.name}`,
        selected: p.id === values.programmeId,
      })),
    ],
    periodItems: periods.map((p) => ({ ...p, selected: p.value === values.period })),
    meetingItems: [
      { value: '', text: 'Not yet on a meeting agenda' },
      ...meetings.map((m) => ({
        value: String(m.id),
        text: `${m.committeeName}, ${formatDate(m.meetingDate)}`,
        selected: m.id === values.meetingId,
      })),
    ],
  }
}
