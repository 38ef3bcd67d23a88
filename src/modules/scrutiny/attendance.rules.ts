// Who attended a meeting (issue 12). Pure rules: the capacities and statuses a minute uses, and what a
// valid list is. Committee members are listed by the committee; anyone else attending is a named line.

export const ATTENDANCE_STATUSES = [
  { value: 'present', text: 'Present' },
  { value: 'apologies', text: 'Apologies' },
  { value: 'absent', text: 'Absent' },
] as const
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number]['value']

export const CAPACITIES = [
  { value: 'member', text: 'Committee member' },
  { value: 'substitute', text: 'Substitute' },
  { value: 'officer', text: 'Officer' },
  { value: 'other', text: 'Also attending' },
] as const
export type Capacity = (typeof CAPACITIES)[number]['value']

export const MAX_ATTENDEES = 200

export interface AttendeeInput {
  committeeMemberId: number | null
  name: string
  role: string
  capacity: string
  status: string
}

const isStatus = (v: string): v is AttendanceStatus => ATTENDANCE_STATUSES.some((s) => s.value === v)
const isCapacity = (v: string): v is Capacity => CAPACITIES.some((c) => c.value === v)
export const statusText = (v: string) => ATTENDANCE_STATUSES.find((s) => s.value === v)?.text ?? v
export const capacityText = (v: string) => CAPACITIES.find((c) => c.value === v)?.text ?? v

/**
 * A list's problems, keyed as the page and API name them (`attendees[3].name`): a member's line must name one
 * of the committee's members once; any other line needs a name; capacities and statuses from the lists.
 */
export function validateAttendance(list: readonly AttendeeInput[], memberIds: ReadonlySet<number>) {
  const errors: Record<string, string> = {}
  if (list.length > MAX_ATTENDEES) errors.attendees = `List at most ${MAX_ATTENDEES} people`
  const seen = new Set<number>()
  list.forEach((a, i) => {
    const key = `attendees[${i}]`
    if (a.committeeMemberId !== null) {
      if (!memberIds.has(a.committeeMemberId))
        errors[`${key}.committeeMemberId`] = 'Choose a member of this committee'
      else if (seen.has(a.committeeMemberId)) errors[`${key}.committeeMemberId`] = 'List each member once'
      seen.add(a.committeeMemberId)
      if (a.capacity !== 'member') errors[`${key}.capacity`] = 'A committee member attends as a member'
    } else {
      if (a.name.trim() === '') errors[`${key}.name`] = 'Enter the name of the person attending'
      else if (a.name.length > 200) errors[`${key}.name`] = 'Name must be 200 characters or fewer'
      if (!isCapacity(a.capacity) || a.capacity === 'member')
        errors[`${key}.capacity`] = 'Say whether they attended as a substitute, an officer or otherwise'
    }
    if (a.role.length > 200) errors[`${key}.role`] = 'Role must be 200 characters or fewer'
    if (!isStatus(a.status)) errors[`${key}.status`] = 'Select present, apologies or absent'
  })
  return errors
}

/**
 * The page's "also attending" box: one person a line, "Name, role" (the role optional), each present. A
 * line starting "Substitute:" or "Officer:" says in what capacity; otherwise an officer.
 */
export function readOthers(text: string): AttendeeInput[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((line) => {
      const m = /^(substitute|officer|other)\s*:\s*(.*)$/i.exec(line)
      const capacity = m ? m[1]!.toLowerCase() : 'officer'
      const rest = m ? m[2]! : line
      const comma = rest.indexOf(',')
      return {
        committeeMemberId: null,
        name: (comma < 0 ? rest : rest.slice(0, comma)).trim(),
        role: comma < 0 ? '' : rest.slice(comma + 1).trim(),
        capacity,
        status: 'present',
      }
    })
}

/** The same lines back, for the form. */
export function writeOthers(list: ReadonlyArray<{ name: string; role: string; capacity: string }>): string {
  return list
    .map(
      (a) =>
        `${a.capacity === 'officer' ? '' : `${a.capacity[0]!.toUpperCase()}${a.capacity.slice(1)}: `}${a.name}${a.role ? `, ${a.role}` : ''}`,
    )
    .join('\n')
}
