import { recordAudit } from '../modules/audit/audit.service.ts'
import { DEMO_ACTOR } from './demo-loader.ts'
import type { DemoContext } from './extensions.ts'

/**
 * Issue 11: members said "the council's strategic ambitions relating to digital achievement needed to be
 * transparent", and officers listed what had been delivered from memory. Marshland's ambitions from its 2019
 * digital strategy, owned by the Portfolio Holder for Corporate and Communications, with the programme and
 * projects that contribute; and the outputs the minute lists, on the projects that delivered them, with the
 * dates of the milestones they were delivered at and acceptance by the service manager who owns the service.
 */
export async function outcomesAmbitionsDemo({ trx, organisationId: org, now }: DemoContext) {
  const at = now.toISOString()
  const people = new Map(
    (await trx.selectFrom('people').select(['id', 'name']).where('organisation_id', '=', org).execute()).map(
      (p) => [p.name, p.id],
    ),
  )
  const person = (name: string) => {
    const id = people.get(name)
    if (id === undefined) throw new Error(`The outcomes demo names ${name}, who is not in the register`)
    return { id, name }
  }
  const projects = new Map(
    (
      await trx
        .selectFrom('projects')
        .select(['id', 'reference', 'programme_id'])
        .where('organisation_id', '=', org)
        .execute()
    ).map((p) => [p.reference, p]),
  )
  const project = (reference: string) => {
    const p = projects.get(reference)
    if (!p) throw new Error(`The outcomes demo names project ${reference}, which the scenario does not have`)
    return p
  }
  const programme = await trx
    .selectFrom('programmes')
    .select(['id', 'reference'])
    .where('organisation_id', '=', org)
    .where('reference', '=', 'ICT-2019')
    .executeTakeFirstOrThrow()

  const owner = person('Cllr Richard Ashby')
  async function ambition(
    title: string,
    theme: string,
    horizon: string,
    statement: string,
    references: string[],
  ) {
    const row = await trx
      .insertInto('ambitions')
      .values({
        organisation_id: org,
        title,
        statement,
        theme,
        horizon_on: horizon,
        status: 'active',
        owner_person_id: owner.id,
        owner: owner.name,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    const base = { organisation_id: org, ambition_id: row.id }
    await trx
      .insertInto('ambition_programmes')
      .values({ ...base, programme_id: programme.id })
      .execute()
    for (const r of references)
      await trx
        .insertInto('ambition_projects')
        .values({ ...base, project_id: project(r).id })
        .execute()
    await recordAudit(trx, {
      organisationId: org,
      actor: DEMO_ACTOR,
      action: 'create',
      entityType: 'ambition',
      entityId: row.id,
      after: { ...row, programmes: programme.reference, projects: references.join(', ') },
    })
  }

  const theme = 'Customers and communities: services that are easy to use'
  await ambition(
    'Digital by preference: most contacts start online by 2023',
    theme,
    '2023-03-31',
    'Most residents and businesses choose to contact the council online, because it is quicker and easier than ' +
      'telephoning or calling in; the telephone and the front desk stay for those who need them.',
    ['ICT-02', 'ICT-03', 'ICT-04'],
  )
  await ambition(
    'Accessible online services for everyone',
    theme,
    '2022-03-31',
    'Every page and form on the council website meets the accessibility regulations, and service areas keep ' +
      'their own content clear and up to date.',
    ['ICT-01', 'ICT-02'],
  )
  await ambition(
    'Modern, resilient ICT infrastructure',
    'An efficient council: value for money and resilience',
    '2022-03-31',
    'The systems services rely on are hosted and supported by PSPS, joined up so that customers do not have ' +
      'to tell us twice, and resilient to network failure; the council has the digital skills to run them.',
    ['ICT-05', 'ICT-06'],
  )

  const milestones = await trx
    .selectFrom('milestones')
    .select(['id', 'name', 'project_id'])
    .where('organisation_id', '=', org)
    .execute()
  interface DemoOutput {
    project: string
    title: string
    type: string
    description: string
    planned: string
    delivered?: string
    accepted?: [by: string, on: string]
    milestones: string[]
  }
  async function output(o: DemoOutput) {
    const p = project(o.project)
    const by = o.accepted ? person(o.accepted[0]) : null
    const row = await trx
      .insertInto('outputs')
      .values({
        organisation_id: org,
        project_id: p.id,
        title: o.title,
        type: o.type,
        description: o.description,
        planned_on: o.planned,
        delivered_on: o.delivered ?? null,
        accepted_by_person_id: by?.id ?? null,
        accepted_by: by?.name ?? '',
        accepted_on: o.accepted?.[1] ?? null,
        status: o.accepted ? 'accepted' : o.delivered ? 'delivered' : 'in_progress',
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    for (const name of o.milestones) {
      const m = milestones.find((x) => x.name === name && x.project_id === p.id)
      if (!m)
        throw new Error(`The outcomes demo names milestone "${name}" of ${o.project}, which it does not have`)
      await trx
        .insertInto('output_milestones')
        .values({ organisation_id: org, output_id: row.id, milestone_id: m.id })
        .execute()
    }
    await recordAudit(trx, {
      organisationId: org,
      actor: DEMO_ACTOR,
      action: 'create',
      entityType: 'output',
      entityId: row.id,
      after: { ...row, milestones: o.milestones.join('; ') },
    })
  }

  for (const o of OUTPUTS) await output(o)
}

// What the minute says was delivered, on the project that delivered it. Delivery dates are the milestones'
// actual dates; acceptance is on a working day on or after delivery.
const OUTPUTS = [
  {
    project: 'ICT-03',
    title: 'Web trends and social media analytics',
    type: 'system',
    description:
      'A dashboard of web trends and monthly social media analytics that told officers what customers needed ' +
      'during the pandemic.',
    planned: '2019-12-20',
    delivered: '2020-05-15',
    accepted: ['Joanne Price', '2020-05-20'],
    milestones: [
      'Web analytics dashboard live',
      'Social media analytics reported monthly to management team',
    ],
  },
  {
    project: 'ICT-03',
    title: 'CRM work model for reading customer need',
    type: 'process',
    description:
      'A work model joining web trends, social media analytics and customer relationship management, with ' +
      'agreed CRM contact categories.',
    planned: '2020-03-31',
    delivered: '2020-09-30',
    accepted: ['Joanne Price', '2020-10-05'],
    milestones: ['CRM customer contact categories agreed'],
  },
  {
    project: 'ICT-03',
    title: 'Switch from telephone to web and social enquiries',
    type: 'service',
    description:
      'Customers steered from telephone-based enquiries towards web and social-based enquiries, measured ' +
      'against the August 2020 baseline and handed to Customer Services.',
    planned: '2020-09-30',
    delivered: '2021-12-17',
    accepted: ['Joanne Price', '2021-12-17'],
    milestones: [
      'Channel shift baseline measured: telephone, web and social',
      'Handed over to Customer Services as business as usual',
    ],
  },
  {
    project: 'ICT-04',
    title: 'Business Support and Discretionary grants content',
    type: 'content',
    description:
      'Bespoke content for customers and businesses, with an eligibility checker and online application, to ' +
      'distribute the Covid Business Support and Discretionary grants.',
    planned: '2020-06-01',
    delivered: '2020-06-05',
    accepted: ['Helen Marsh', '2020-06-08'],
    milestones: [
      'Small Business Grant Fund pages and eligibility checker live',
      'Online application for discretionary grants live',
    ],
  },
  {
    project: 'ICT-02',
    title: 'Goss platform updates (with PSPS)',
    type: 'system',
    description: 'The Goss forms platform upgraded to the current release, with PSPS, who host it.',
    planned: '2019-11-29',
    delivered: '2020-09-25',
    accepted: ['Mark Ellis', '2020-09-29'],
    milestones: ['Goss platform upgraded to the current release (with PSPS)'],
  },
  {
    project: 'ICT-02',
    title: 'Better online contact forms',
    type: 'service',
    description: 'The ten most-used contact forms redesigned, so customers can complete them first time.',
    planned: '2020-03-31',
    delivered: '2020-12-18',
    accepted: ['Joanne Price', '2021-01-05'],
    milestones: ['Ten most-used contact forms redesigned'],
  },
  {
    project: 'ICT-05',
    title: 'Northgate integration: council tax change of address',
    type: 'system',
    description:
      'Change of address online goes straight into the Northgate system PSPS hosts, without rekeying.',
    planned: '2020-09-30',
    delivered: '2021-09-17',
    accepted: ['Nadia Rahman', '2021-09-22'],
    milestones: ['Council tax change of address integration live'],
  },
  {
    project: 'ICT-01',
    title: 'Website content updated with PSPS',
    type: 'content',
    description:
      'Every service page audited and brought up to date by its service manager, published with PSPS.',
    planned: '2019-10-31',
    delivered: '2020-12-11',
    accepted: ['Joanne Price', '2020-12-15'],
    milestones: ['Content audit of all service pages complete'],
  },
  {
    project: 'ICT-01',
    title: 'Website accessibility programme',
    type: 'process',
    description:
      'Commenced in autumn 2020 with the accessibility statement; the most-visited pages meet WCAG 2.1 AA and ' +
      'the rest of the site follows under the extended programme.',
    planned: '2022-03-31',
    milestones: [
      'Accessibility statement published',
      'Top 100 most-visited pages meet WCAG 2.1 AA',
      'Accessibility programme handed over to business as usual',
    ],
  },
] satisfies ReadonlyArray<{
  project: string
  title: string
  type: string
  description: string
  planned: string
  delivered?: string
  accepted?: [string, string]
  milestones: string[]
}>
