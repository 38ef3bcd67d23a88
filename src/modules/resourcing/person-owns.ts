import type { Kysely } from 'kysely'
import { whereProgrammeVisible, whereProjectVisible, type Scope } from '../../auth/visibility.ts'
import type { DB } from '../../db/schema.ts'

// What a person owns (issue 10): the programmes they are Portfolio Holder of, the projects they manage or
// sponsor, and the risks, mitigating actions, issues and assumptions they own — each only as far as the
// reader may see it (a partner officer: the records of projects shared with their partner).

export interface Owned {
  what: string
  text: string
  href: string
}

export async function ownedBy(db: Kysely<DB>, scope: Scope, personId: number): Promise<Owned[]> {
  const org = scope.organisationId
  const programmes = await whereProgrammeVisible(
    db
      .selectFrom('programmes')
      .select(['id', 'reference', 'name'])
      .where('organisation_id', '=', org)
      .where('portfolio_holder_person_id', '=', personId),
    scope,
    'programmes.id',
  )
    .orderBy('reference')
    .execute()
  const projects = await whereProjectVisible(
    db
      .selectFrom('projects')
      .select(['id', 'reference', 'name', 'project_manager_person_id', 'sponsor_person_id'])
      .where('organisation_id', '=', org)
      .where((eb) =>
        eb.or([eb('project_manager_person_id', '=', personId), eb('sponsor_person_id', '=', personId)]),
      ),
    scope,
    'projects.id',
  )
    .orderBy('reference')
    .execute()
  const risks = await whereProjectVisible(
    db
      .selectFrom('risks')
      .select(['id', 'title', 'status'])
      .where('organisation_id', '=', org)
      .where('owner_person_id', '=', personId),
    scope,
    'risks.project_id',
  )
    .orderBy('id')
    .execute()
  const actions = await whereProjectVisible(
    db
      .selectFrom('risk_actions')
      .innerJoin('risks', 'risks.id', 'risk_actions.risk_id')
      .select(['risk_actions.action', 'risk_actions.done', 'risks.id as riskId'])
      .where('risk_actions.organisation_id', '=', org)
      .where('risk_actions.owner_person_id', '=', personId),
    scope,
    'risks.project_id',
  )
    .orderBy('risk_actions.id')
    .execute()
  const issues = await whereProjectVisible(
    db
      .selectFrom('raid_issues')
      .select(['id', 'title'])
      .where('organisation_id', '=', org)
      .where('owner_person_id', '=', personId),
    scope,
    'raid_issues.project_id',
  )
    .orderBy('id')
    .execute()
  const assumptions = await whereProjectVisible(
    db
      .selectFrom('assumptions')
      .select(['id', 'description'])
      .where('organisation_id', '=', org)
      .where('owner_person_id', '=', personId),
    scope,
    'assumptions.project_id',
  )
    .orderBy('id')
    .execute()
  const roles = (p: (typeof projects)[number]) =>
    [
      p.project_manager_person_id === personId && 'Project manager',
      p.sponsor_person_id === personId && 'Sponsor',
    ]
      .filter(Boolean)
      .join(' and ')
  return [
    ...programmes.map((p) => ({
      what: 'Portfolio Holder',
      text: `${p.reference} – ${p.name}`,
      href: `/programmes/${p.id}`,
    })),
    ...projects.map((p) => ({
      what: roles(p),
      text: `${p.reference} – ${p.name}`,
      href: `/projects/${p.id}`,
    })),
    ...risks.map((r) => ({ what: 'Risk owner', text: r.title, href: `/risks/${r.id}` })),
    ...actions.map((a) => ({
      what: a.done ? 'Mitigating action (done)' : 'Mitigating action',
      text: a.action,
      href: `/risks/${a.riskId}#actions`,
    })),
    ...issues.map((i) => ({ what: 'Issue owner', text: i.title, href: `/issues/${i.id}` })),
    ...assumptions.map((a) => ({
      what: 'Assumption owner',
      text: a.description,
      href: `/assumptions/${a.id}`,
    })),
  ]
}
