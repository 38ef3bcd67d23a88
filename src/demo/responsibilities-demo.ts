import { recordAudit } from '../modules/audit/audit.service.ts'
import { labelOf, RACI } from '../modules/responsibilities/responsibilities.rules.ts'
import { DEMO_ACTOR } from './demo-loader.ts'
import { demoInserter } from './demo-insert.ts'
import type { DemoContext } from './extensions.ts'

/**
 * The matrix the panel asked for (issue 10): members asked "the difference between what constituted digital
 * content and infrastructure", and officers answered that "content belongs to the service managers" while the
 * Goss platform and PSPS's hosting are infrastructure. Website sections are owned by their service areas —
 * except the planning pages, which nobody in Planning has taken on (a gap); the forms platform, Northgate, the
 * CRM, the network and hosting are run by PSPS with the council's ICT client team accountable.
 */
export async function responsibilitiesDemo({ trx, organisationId: org, now }: DemoContext) {
  const at = now.toISOString()
  const add = demoInserter(trx, org, now)
  const psps = await trx
    .selectFrom('partners')
    .select('id')
    .where('organisation_id', '=', org)
    .where('name', '=', 'PSPS')
    .executeTakeFirstOrThrow()

  // The service managers who own web content, and the ICT client manager: the teams the matrix names.
  const people = new Map<string, number>()
  for (const [name, jobTitle, team] of [
    ['Nadia Rahman', 'Revenues and Benefits Manager', 'Revenues and Benefits'],
    ['Gareth Owen', 'Waste and Recycling Manager', 'Waste and Recycling'],
    ['Helen Marsh', 'Economic Development Manager', 'Economic Development'],
    ['Joanne Price', 'Customer Services Manager', 'Customer Services'],
    ['Mark Ellis', 'ICT Client Manager', 'ICT Client'],
  ] as const) {
    const id = await add('people', 'person', { name, kind: 'employee', job_title: jobTitle, team, email: '' })
    people.set(name, id)
  }
  for (const row of await trx
    .selectFrom('people')
    .select(['id', 'name'])
    .where('organisation_id', '=', org)
    .execute())
    people.set(row.name, row.id)

  const projectIds = new Map(
    (
      await trx
        .selectFrom('projects')
        .select(['id', 'reference'])
        .where('organisation_id', '=', org)
        .execute()
    ).map((p) => [p.reference, p.id]),
  )
  const riskIds = new Map(
    (await trx.selectFrom('risks').select(['id', 'title']).where('organisation_id', '=', org).execute()).map(
      (r) => [r.title, r.id],
    ),
  )
  const NETWORK_RISK = 'Network failure takes online services offline'
  const HOSTING_RISK = 'PSPS hosting outage'

  const personId = (name: string) => {
    const id = people.get(name)
    if (id === undefined) throw new Error(`The demo's matrix names ${name}, who is not in the register`)
    return id
  }

  type Party = [role: string, kind: 'team' | 'person' | 'partner', who: string]
  async function asset(
    name: string,
    kind: string,
    description: string,
    parties: Party[],
    projects: string[],
    risks: string[] = [],
  ) {
    const row = await trx
      .insertInto('service_assets')
      .values({
        organisation_id: org,
        name,
        kind,
        description,
        status: 'live',
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    const base = { organisation_id: org, asset_id: row.id }
    for (const [role, partyKind, who] of parties)
      await trx
        .insertInto('asset_responsibilities')
        .values({
          ...base,
          role,
          party_kind: partyKind,
          team: partyKind === 'team' ? who : null,
          person_id: partyKind === 'person' ? personId(who) : null,
          partner_id: partyKind === 'partner' ? psps.id : null,
        })
        .execute()
    const linked = projects.flatMap((r) => (projectIds.has(r) ? [projectIds.get(r)!] : []))
    for (const project_id of linked)
      await trx
        .insertInto('asset_projects')
        .values({ ...base, project_id })
        .execute()
    const atRisk = risks.flatMap((t) => (riskIds.has(t) ? [riskIds.get(t)!] : []))
    for (const risk_id of atRisk)
      await trx
        .insertInto('asset_risks')
        .values({ ...base, risk_id })
        .execute()
    await recordAudit(trx, {
      organisationId: org,
      actor: DEMO_ACTOR,
      action: 'create',
      entityType: 'service_asset',
      entityId: row.id,
      after: {
        ...row,
        matrix: parties.map(([role, , who]) => `${who}: ${labelOf(RACI, role)}`).join('; '),
        projects: projects.filter((r) => projectIds.has(r)).join(', '),
      },
    })
  }

  const content = 'Web pages the service area writes and keeps up to date; Communications publishes them.'
  await asset(
    'Council tax and benefits web pages',
    'content',
    content,
    [
      ['A', 'team', 'Revenues and Benefits'],
      ['R', 'team', 'Communications'],
      ['C', 'team', 'Digital'],
    ],
    ['ICT-01'],
  )
  await asset(
    'Bins and recycling web pages',
    'content',
    content,
    [
      ['A', 'team', 'Waste and Recycling'],
      ['R', 'team', 'Communications'],
    ],
    ['ICT-01'],
  )
  await asset(
    'Business support and grants web pages',
    'content',
    content,
    [
      ['A', 'team', 'Economic Development'],
      ['R', 'team', 'Communications'],
      ['C', 'team', 'Digital'],
    ],
    ['ICT-04', 'ICT-01'],
  )
  // The gap: the web officer keeps the planning pages up to date, but no one in Planning owns what they say.
  await asset(
    'Planning web pages',
    'content',
    'Planning applications, policy and guidance pages. Kept up to date by the web team; no planning officer owns them.',
    [
      ['A', 'person', 'Tom Fielding'],
      ['R', 'person', 'Sean Doyle'],
      ['I', 'partner', 'PSPS'],
    ],
    ['ICT-01'],
  )
  await asset(
    'Online forms platform (Goss)',
    'infrastructure',
    'Online forms and customer accounts, cloud hosted on the Goss platform; linked back to systems PSPS hosts.',
    [
      ['A', 'team', 'Digital'],
      ['R', 'partner', 'PSPS'],
      ['C', 'team', 'Communications'],
    ],
    ['ICT-02', 'ICT-05'],
    [NETWORK_RISK],
  )
  await asset(
    'Revenues and benefits system (Northgate)',
    'service',
    'Council tax, business rates and benefits; hosted and supported by PSPS.',
    [
      ['A', 'team', 'Revenues and Benefits'],
      ['R', 'partner', 'PSPS'],
      ['C', 'team', 'ICT Client'],
    ],
    ['ICT-05'],
    [HOSTING_RISK],
  )
  await asset(
    'Customer relationship management (CRM)',
    'service',
    'Customer contact records and categories used by Customer Services.',
    [
      ['A', 'team', 'Customer Services'],
      ['R', 'team', 'Digital'],
      ['C', 'partner', 'PSPS'],
    ],
    ['ICT-03'],
  )
  await asset(
    'Network',
    'infrastructure',
    'The council’s offices and the data centre share a single network route.',
    [
      ['A', 'team', 'ICT Client'],
      ['R', 'partner', 'PSPS'],
      ['I', 'team', 'Digital'],
    ],
    [],
    [NETWORK_RISK],
  )
  await asset(
    'Hosting',
    'infrastructure',
    'PSPS’s data centre: Northgate, the intranet and the links the Goss platform uses.',
    [
      ['A', 'team', 'ICT Client'],
      ['R', 'partner', 'PSPS'],
      ['C', 'person', 'Dev Patel'],
    ],
    ['ICT-05'],
    [HOSTING_RISK],
  )
}
