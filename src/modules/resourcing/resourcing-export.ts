import type { Table } from '../../web/exports.ts'
import type { PersonRow } from './people.repository.ts'
import type { PostSummary } from './posts.service.ts'
import { labelOf, PERSON_KINDS, POST_STATUSES } from './resourcing.rules.ts'
import { employerOf, shownCost, shownEmail, shownGrade, type ResourcingAccess } from './resourcing.view.ts'

/**
 * The people register and the establishment as tables for CSV and Excel. The columns a reader may not see
 * (email addresses, grades of named people, costs) are left out, not blanked: the export says no more than
 * the page. Text cells are neutralised against formulas (src/web/exports.ts).
 */

export function peopleTable(rows: PersonRow[], access: ResourcingAccess, organisationName: string): Table {
  return {
    name: 'People',
    header: [
      'Name',
      'Kind',
      'Employed by',
      'Job title',
      'Team',
      ...(access.personal ? ['Email address'] : []),
    ],
    rows: rows.map((p) => [
      p.name,
      labelOf(PERSON_KINDS, p.kind),
      employerOf(p, organisationName),
      p.job_title,
      p.team,
      ...(access.personal ? [shownEmail(p, access)] : []),
    ]),
    money: [],
  }
}

export function postsTable(posts: PostSummary[], access: ResourcingAccess): Table {
  const costCol = 9
  return {
    name: 'Posts',
    header: [
      'Post',
      'Team',
      'Grade',
      'FTE',
      'Status',
      'Held by',
      'Vacant since',
      'Months vacant',
      'Funded by',
      ...(access.costs ? ['Annual cost (£)'] : []),
      'Approved',
      'Advertised',
      'Appointed',
      'Start date',
    ],
    rows: posts.map((s) => {
      const cost = shownCost(s, access)
      return [
        s.post.title,
        s.post.team,
        shownGrade(s, access) ?? '',
        s.post.fte_hundredths / 100,
        labelOf(POST_STATUSES, s.post.status),
        s.currentHolders.join('; '),
        s.vacancy?.since ?? '',
        s.vacancy?.months ?? '',
        s.post.budget_line_label ??
          s.post.funding_stream_name ??
          (s.post.funded === 1 ? 'Funded' : 'Not funded'),
        ...(access.costs ? [cost] : []),
        s.post.approved_on,
        s.post.advertised_on,
        s.post.appointed_on,
        s.post.starts_on,
      ]
    }),
    money: access.costs ? [costCol] : [],
    dates: [6, ...[10, 11, 12, 13].map((i) => (access.costs ? i : i - 1))],
  }
}
