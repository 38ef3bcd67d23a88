// The records search finds (issue 13), in one list. Each source is one table: its title and body as SQL over
// the row, the columns the one visibility rule needs, and the page it links to. Database triggers built from
// this list (search-index.sql.ts) keep `search_entries` up to date in the same transaction as every write,
// so no repository has to remember the index. Another source is one entry here and a migration that calls
// `installSearchSources` with its type.

/** How a search entry is confined by `whereSearchEntryVisible` in src/auth/visibility.ts. */
export type SearchVisibility =
  /** Everyone in the organisation, partner officers included (scrutiny is public business). */
  | 'organisation'
  /** A project's record: as the project (`project_id`). */
  | 'project'
  /** A programme: as the programme (`programme_id`). */
  | 'programme'
  /** A decision: as the decision log shows it (through its links to projects). */
  | 'decision'
  /** A whole-programme paper: never a partner officer's. */
  | 'paper'

export interface SearchSource {
  /** The record type, as stored in `search_entries.record_type` and given by the API. */
  readonly type: string
  /** The heading of its group of results, and the name of one. */
  readonly plural: string
  readonly singular: string
  readonly table: string
  /** SQL over the row alias `r` (`new` in a trigger): a text expression, never null. */
  readonly title: (r: string) => string
  readonly body: (r: string) => string
  /** How it is confined: one kind for every row, or SQL over the row choosing one (an attached document's). */
  readonly visibility: SearchVisibility | ((r: string) => string)
  readonly projectId?: (r: string) => string
  readonly programmeId?: (r: string) => string
  /**
   * A table the title or body also reads (through `column`, the row's reference to it): a change to one of
   * its rows rewrites the entries of the rows referring to it, so a renamed committee renames its meetings.
   */
  readonly reads?: { readonly table: string; readonly column: string }
  /** The page a result opens. */
  readonly link: (entry: { recordId: number; projectId: number | null }) => string
}

/** `coalesce(r.a, '') || ' ' || coalesce(r.b, '')`: the same text on SQLite and PostgreSQL. */
const text =
  (...columns: string[]) =>
  (r: string) =>
    columns.map((c) => `coalesce(${r}.${c}, '')`).join(` || ' ' || `)

const column = (name: string) => (r: string) => `${r}.${name}`

export const SEARCH_SOURCES: readonly SearchSource[] = [
  {
    type: 'programme',
    plural: 'Programmes',
    singular: 'Programme',
    table: 'programmes',
    title: text('reference', 'name'),
    body: text('purpose', 'sro', 'portfolio_holder'),
    visibility: 'programme',
    programmeId: column('id'),
    link: (e) => `/programmes/${e.recordId}`,
  },
  {
    type: 'project',
    plural: 'Projects',
    singular: 'Project',
    table: 'projects',
    title: text('reference', 'name'),
    body: text('description', 'project_manager', 'sponsor'),
    visibility: 'project',
    projectId: column('id'),
    programmeId: column('programme_id'),
    link: (e) => `/projects/${e.recordId}`,
  },
  {
    type: 'milestone',
    plural: 'Milestones',
    singular: 'Milestone',
    table: 'milestones',
    title: text('name'),
    body: text('description'),
    visibility: 'project',
    projectId: column('project_id'),
    // A milestone has no page of its own: it is listed on its project's milestones page.
    link: (e) => `/projects/${e.projectId}/milestones`,
  },
  {
    type: 'risk',
    plural: 'Risks',
    singular: 'Risk',
    table: 'risks',
    title: text('title'),
    body: text('cause', 'event', 'effect', 'owner'),
    visibility: 'project',
    projectId: column('project_id'),
    link: (e) => `/risks/${e.recordId}`,
  },
  {
    type: 'issue',
    plural: 'Issues',
    singular: 'Issue',
    table: 'raid_issues',
    title: text('title'),
    body: text('description', 'resolution', 'owner'),
    visibility: 'project',
    projectId: column('project_id'),
    link: (e) => `/projects/${e.projectId}/issues`,
  },
  {
    type: 'status_report',
    plural: 'Status reports',
    singular: 'Status report',
    table: 'status_reports',
    title: (r) => `'Status report ' || ${r}.period`,
    body: text('narrative', 'achievements', 'next_steps', 'key_issues', 'reported_by_name'),
    visibility: 'project',
    projectId: column('project_id'),
    link: (e) => `/status-reports/${e.recordId}`,
  },
  {
    type: 'decision',
    plural: 'Decisions',
    singular: 'Decision',
    table: 'decisions',
    title: text('title'),
    body: text('decision_text', 'options_considered', 'reasons', 'decided_by_name'),
    visibility: 'decision',
    link: (e) => `/decisions/${e.recordId}`,
  },
  {
    type: 'recommendation',
    plural: 'Recommendations',
    singular: 'Recommendation',
    table: 'recommendations',
    title: text('reference'),
    body: text('text', 'addressed_to', 'response_reasons', 'evidence'),
    visibility: 'organisation',
    link: (e) => `/recommendations/${e.recordId}`,
  },
  {
    type: 'meeting',
    plural: 'Meetings',
    singular: 'Meeting',
    table: 'meetings',
    // A meeting is known by its committee and date; the committee's name is read when the meeting is written.
    title: (r) =>
      `coalesce((select c.name from committees c where c.id = ${r}.committee_id), '') || ' ' || ${r}.meeting_date`,
    body: text('place'),
    reads: { table: 'committees', column: 'committee_id' },
    visibility: 'organisation',
    link: (e) => `/meetings/${e.recordId}`,
  },
  {
    type: 'report',
    plural: 'Panel reports',
    singular: 'Panel report',
    table: 'panel_reports',
    title: text('title'),
    body: text('summary', 'resources_narrative'),
    visibility: 'paper',
    programmeId: column('programme_id'),
    link: (e) => `/reports/${e.recordId}`,
  },
  {
    // An attached document (migration 0037), found by its title and file name, confined as the record it is
    // attached to: a project's papers as the project, scrutiny's as the organisation's. A decision's papers
    // are kept from partner officers' searches (confined as a panel paper), since an entry's record is the
    // document, not the decision; they still open them from a decision they can see.
    type: 'document',
    plural: 'Documents',
    singular: 'Document',
    table: 'documents',
    title: text('title'),
    body: text('file_name'),
    visibility: (r) => `case
      when ${r}.parent_type in ('project', 'business_case', 'status_report') then 'project'
      when ${r}.parent_type in ('meeting', 'agenda_item') then 'organisation'
      else 'paper' end`,
    projectId: (r) => `case ${r}.parent_type
      when 'project' then ${r}.parent_id
      when 'business_case' then (select b.project_id from business_cases b where b.id = ${r}.parent_id)
      when 'status_report' then (select sr.project_id from status_reports sr where sr.id = ${r}.parent_id)
      end`,
    link: (e) => `/documents/${e.recordId}`,
  },
]

const BY_TYPE = new Map(SEARCH_SOURCES.map((s) => [s.type, s]))

export function searchSource(type: string): SearchSource | undefined {
  return BY_TYPE.get(type)
}

export const SEARCH_TYPES: readonly string[] = SEARCH_SOURCES.map((s) => s.type)
