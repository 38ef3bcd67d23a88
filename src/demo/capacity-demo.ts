import { periodsBetween } from '../domain/periods.ts'
import { demoInserter } from './demo-insert.ts'
import type { DemoContext } from './extensions.ts'

/**
 * Demand and allocation (issue 10) for the resourcing story: the digital role ICT-06 needed from its forecast
 * start in April 2019, with no post and no one allocated for nine months until the digital officer started in
 * January 2020; the web team seconded to the Covid-19 response in 2020, which shows as capacity lost against
 * their allocations; and PSPS's web developer allocated to the shared website programme.
 */
export async function capacityDemo({ trx, organisationId: org, now }: DemoContext) {
  const add = demoInserter(trx, org, now)
  const idOf = async (table: 'projects' | 'people' | 'skills', column: 'reference' | 'name', value: string) =>
    (
      await trx
        .selectFrom(table)
        .select('id')
        .where('organisation_id', '=', org)
        .where(column as never, '=', value as never)
        .executeTakeFirstOrThrow()
    ).id
  const months = (from: string, to: string, fte: number) =>
    periodsBetween(from, to).map((period) => ({ period, fte }))

  async function role(
    project: string,
    title: string,
    team: string,
    skills: string[],
    need: { period: string; fte: number }[],
  ) {
    const id = await add('project_roles', 'project_role', {
      project_id: await idOf('projects', 'reference', project),
      title,
      team,
      source: '',
    })
    for (const s of skills)
      await trx
        .insertInto('project_role_skills')
        .values({ organisation_id: org, role_id: id, skill_id: await idOf('skills', 'name', s) })
        .execute()
    await trx
      .insertInto('project_role_months')
      .values(
        need.map((m) => ({ organisation_id: org, role_id: id, period: m.period, fte_hundredths: m.fte })),
      )
      .execute()
    return id
  }
  async function allocate(roleId: number, person: string, given: { period: string; fte: number }[]) {
    const id = await add('allocations', 'allocation', {
      role_id: roleId,
      person_id: await idOf('people', 'name', person),
      post_id: null,
    })
    await trx
      .insertInto('allocation_months')
      .values(
        given.map((m) => ({
          organisation_id: org,
          allocation_id: id,
          period: m.period,
          fte_hundredths: m.fte,
        })),
      )
      .execute()
  }

  // The post that did not exist: needed from April 2019, no one until the digital officer started in January 2020.
  const digital = await role(
    'ICT-06',
    'Web developer / content designer',
    'Digital',
    ['Content design', 'Web development'],
    months('2019-04', '2021-03', 100),
  )
  await allocate(digital, 'Amira Khan', months('2020-01', '2021-03', 100))

  // The web team kept its allocations to the website programme while seconded to the Covid-19 response.
  const content = await role(
    'ICT-01',
    'Content designer',
    'Communications',
    ['Content design'],
    months('2020-04', '2021-03', 50),
  )
  await allocate(content, 'Sean Doyle', months('2020-04', '2021-03', 50))

  // PSPS's web developer, whose time the shared ICT service gives the council's programme.
  await add('secondments', 'secondment', {
    person_id: await idOf('people', 'name', 'Lee Harper'),
    direction: 'in',
    from_team: 'PSPS Applications',
    from_organisation: 'PSPS',
    to_team: 'Digital',
    to_organisation: '',
    starts_on: '2020-04-01',
    ends_on: '2021-03-31',
    reason: 'Shared ICT service: website programme',
    fte_hundredths: 60,
  })
  const web = await role(
    'ICT-01',
    'Web developer',
    'PSPS Applications',
    ['Web development', 'Accessibility testing'],
    months('2020-04', '2021-03', 60),
  )
  await allocate(web, 'Lee Harper', months('2020-04', '2021-03', 60))
}
