import type { Person } from '../../db/schema.ts'

// Personal data rules (UK GDPR). How long Oversight keeps each kind of record that holds personal data
// (Article 5(1)(e), storage limitation). One list: the settings page, the privacy notice and the retention job all read it, so what
// the notice promises is what the job does. An organisation may set its own number of days for each.

interface RetentionKind {
  key: RetentionKey
  label: string
  /** What happens once the period has passed, in the privacy notice's words. */
  action: string
  defaultDays: number
}

type RetentionKey = 'leavers' | 'sessions' | 'api_tokens' | 'notifications' | 'import_files'

export const RETENTION_KINDS: readonly RetentionKind[] = [
  {
    key: 'leavers',
    label: 'People who have left',
    action:
      'after they left, their name, email address, job title and team are erased; the audit trail records the erasure',
    // Six years: the limitation period for claims about employment and contracts.
    defaultDays: 6 * 365,
  },
  {
    key: 'sessions',
    label: 'Sign-in sessions',
    action: 'after they were last used, they are deleted (with the browser and address they recorded)',
    defaultDays: 30,
  },
  {
    key: 'api_tokens',
    label: 'API tokens that were revoked or expired',
    action: 'after they were revoked or expired, they are deleted',
    defaultDays: 365,
  },
  {
    key: 'notifications',
    label: 'Notifications',
    action: 'after they were sent, they are deleted',
    defaultDays: 365,
  },
  {
    key: 'import_files',
    label: 'Uploaded import files and their checked rows',
    action:
      'after the import finished, the file, its staged rows and the rows it refused are deleted; the import’s summary stays',
    defaultDays: 90,
  },
]

/** The audit trail is kept for as long as the organisation uses Oversight: its integrity is the point. */
export const AUDIT_RETENTION =
  'The audit trail is kept for as long as the organisation uses Oversight. Its events are never edited or deleted, so that the record of who changed what can be checked; the personal details of an erased person are shown as “erased” wherever it is read.'

const MIN_DAYS = 1
const MAX_DAYS = 36500

export type RetentionPeriods = Record<RetentionKey, number>

const isRetentionKey = (v: string): v is RetentionKey => RETENTION_KINDS.some((k) => k.key === v)

/** The periods in force: the organisation's own where it set one, otherwise the default. */
export function periodsFrom(rows: ReadonlyArray<{ record_type: string; days: number }>): RetentionPeriods {
  const periods = Object.fromEntries(RETENTION_KINDS.map((k) => [k.key, k.defaultDays])) as RetentionPeriods
  for (const r of rows) if (isRetentionKey(r.record_type)) periods[r.record_type] = r.days
  return periods
}

/** Reads the settings form's text: a whole number of days in range, or a field error in GOV.UK wording. */
export function validatePeriods(input: Record<string, string>): {
  periods: Partial<RetentionPeriods>
  errors: Record<string, string>
} {
  const periods: Partial<RetentionPeriods> = {}
  const errors: Record<string, string> = {}
  for (const k of RETENTION_KINDS) {
    const raw = (input[k.key] ?? '').trim()
    if (!/^\d{1,6}$/.test(raw)) {
      errors[k.key] = `Enter the number of days to keep ${k.label.toLowerCase()}, like ${k.defaultDays}`
      continue
    }
    const days = Number(raw)
    if (days < MIN_DAYS || days > MAX_DAYS)
      errors[k.key] =
        `The number of days to keep ${k.label.toLowerCase()} must be between ${MIN_DAYS} and ${MAX_DAYS}`
    else periods[k.key] = days
  }
  return { periods, errors }
}

/** The day before which something is past its period: `now` less `days`, as an ISO timestamp. */
export const cutoffOf = (now: Date, days: number): string =>
  new Date(now.getTime() - days * 24 * 60 * 60 * 1000).toISOString()

// Erasure (UK GDPR Article 17): only of someone who has left, once, with a reason the trail records.

export const REASON_MAX = 1000

/** Whether the person may be erased today: only someone recorded as having left, and only once. */
export function erasureProblem(p: Pick<Person, 'left_on' | 'erased_at'>, today: string): string | null {
  if (p.erased_at !== null) return 'This person’s details have already been erased'
  if (p.left_on === null || p.left_on > today)
    return 'Only a person who has left can be erased: record the day they left first'
  return null
}

/** The name an erased person's record keeps: the record stays, so what refers to it still has a label. */
export const erasedName = (id: number) => `Erased person #${id}`
