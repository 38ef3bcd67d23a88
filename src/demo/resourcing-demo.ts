import type { Insertable } from 'kysely'
import { addMonths } from '../domain/dates.ts'
import type { DB } from '../db/schema.ts'
import { demoInserter } from './demo-insert.ts'
import type { DemoContext } from './extensions.ts'

/**
 * The minute's resourcing story (issue 10): "the digital skill set had not existed within the council and
 * there had not been a post in [the] establishment" — the digital officer post, approved with the programme
 * in April 2019 and vacant for nine months before it was filled in January 2020; the web team "seconded" to
 * the Covid-19 response in 2020; and PSPS's staff, who do the shared-service work. A user researcher post
 * approved nine months ago and still vacant shows how a vacancy's age reads today.
 */
export async function resourcingDemo({ trx, organisationId: org, people, today, now }: DemoContext) {
  const at = now.toISOString()
  const add = demoInserter(trx, org, now)
  const psps = await trx
    .selectFrom('partners')
    .select('id')
    .where('organisation_id', '=', org)
    .where('name', '=', 'PSPS')
    .executeTakeFirstOrThrow()
  const digitalLine = await trx
    .selectFrom('budget_lines as bl')
    .innerJoin('projects as p', 'p.id', 'bl.project_id')
    .select('bl.id')
    .where('bl.organisation_id', '=', org)
    .where('p.reference', '=', 'ICT-06')
    .where('bl.description', '=', 'Digital officer post')
    .executeTakeFirst()

  const person = (
    name: string,
    kind: string,
    jobTitle: string,
    team: string,
    email: string,
    extra: { partnerId?: number; userId?: number } = {},
  ) =>
    add('people', 'person', {
      name,
      kind,
      job_title: jobTitle,
      team,
      email,
      partner_id: extra.partnerId ?? null,
      user_id: extra.userId ?? null,
    })

  const amira = await person(
    'Amira Khan',
    'employee',
    'Digital officer',
    'Digital',
    'amira.khan@marshland.example',
  )
  const sean = await person(
    'Sean Doyle',
    'employee',
    'Web and content officer',
    'Communications',
    'sean.doyle@marshland.example',
  )
  const tom = await person(
    'Tom Fielding',
    'employee',
    'Digital Project Manager',
    'Digital',
    'tom.fielding@marshland.example',
    { ...(people.project_manager ? { userId: people.project_manager.id } : {}) },
  )
  const lee = await person(
    'Lee Harper',
    'partner_staff',
    'Web developer',
    'PSPS Applications',
    'lee.harper@psps.example',
    { partnerId: psps.id },
  )
  await person('Dev Patel', 'partner_staff', 'Head of ICT and Digital', 'PSPS', 'dev.patel@psps.example', {
    partnerId: psps.id,
    ...(people.partner_officer ? { userId: people.partner_officer.id } : {}),
  })
  await person(
    'Cllr Richard Ashby',
    'councillor',
    'Portfolio Holder for Corporate and Communications',
    'Cabinet',
    '',
    { ...(people.portfolio_holder ? { userId: people.portfolio_holder.id } : {}) },
  )

  const post = (title: string, team: string, grade: string, values: Partial<Insertable<DB['posts']>>) =>
    add('posts', 'post', {
      title,
      team,
      grade,
      fte_hundredths: 100,
      funded: 0,
      annual_cost_pence: 0,
      status: 'vacant',
      ...values,
    })

  // The post that did not exist: approved with the programme, advertised late, filled nine months on.
  const digitalOfficer = await post('Digital officer', 'Digital', 'SO1', {
    funded: 1,
    annual_cost_pence: 42_000_00,
    budget_line_id: digitalLine?.id ?? null,
    status: 'filled',
    approved_on: '2019-04-01',
    advertised_on: '2019-09-02',
    appointed_on: '2019-11-29',
    starts_on: '2020-01-06',
  })
  await add('post_holders', 'post_holder', {
    post_id: digitalOfficer,
    person_id: amira,
    starts_on: '2020-01-06',
    ends_on: null,
    fte_hundredths: 100,
  })
  const webOfficer = await post('Web and content officer', 'Communications', 'Scale 6', {
    funded: 1,
    annual_cost_pence: 31_500_00,
    status: 'filled',
  })
  await add('post_holders', 'post_holder', {
    post_id: webOfficer,
    person_id: sean,
    starts_on: '2016-05-03',
    ends_on: null,
    fte_hundredths: 80,
  })
  const pm = await post('Digital project manager', 'Digital', 'PO2', {
    funded: 1,
    annual_cost_pence: 48_000_00,
    status: 'filled',
  })
  await add('post_holders', 'post_holder', {
    post_id: pm,
    person_id: tom,
    starts_on: '2018-10-01',
    ends_on: null,
    fte_hundredths: 100,
  })
  await post('User researcher', 'Digital', 'SO2', {
    annual_cost_pence: 39_000_00,
    approved_on: addMonths(today, -9),
  })

  // Covid-19: the web team went to the council's response in March 2020.
  const covid = (personId: number, fromTeam: string, endsOn: string, fte: number) =>
    add('secondments', 'secondment', {
      person_id: personId,
      direction: 'out',
      from_team: fromTeam,
      from_organisation: '',
      to_team: 'Community hub (Covid-19 response)',
      to_organisation: '',
      starts_on: '2020-03-23',
      ends_on: endsOn,
      reason: 'Covid-19 response',
      fte_hundredths: fte,
    })
  await covid(amira, 'Digital', '2020-08-28', 80)
  await covid(sean, 'Communications', '2020-07-31', 80)

  const skill = async (personId: number, name: string, level: string) => {
    const s = await trx
      .selectFrom('skills')
      .select('id')
      .where('organisation_id', '=', org)
      .where('name', '=', name)
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('person_skills')
      .values({
        organisation_id: org,
        person_id: personId,
        skill_id: s.id,
        level,
        created_at: at,
        updated_at: at,
      })
      .execute()
  }
  await skill(amira, 'Content design', 'practitioner')
  await skill(amira, 'User research', 'working')
  await skill(sean, 'Content design', 'working')
  await skill(tom, 'Delivery management', 'practitioner')
  await skill(lee, 'Web development', 'expert')
  await skill(lee, 'Accessibility testing', 'working')
}
