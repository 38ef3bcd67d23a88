import { addDays } from '../domain/dates.ts'
import {
  keysBetween,
  lastCompletePeriod,
  monthsOf,
  periodEnd,
  type PeriodKey,
} from '../domain/reporting-periods.ts'
import { demoInserter } from './demo-insert.ts'
import type { DemoContext } from './extensions.ts'

/**
 * Marshland's performance indicators (issue 11). Officers told the panel of a switch "from telephone-based
 * enquiries towards web and social-based enquiries": the channel-shift indicators count contacts each month
 * from April 2019 to last month, and show the Covid switch — offices closed in April 2020, telephone falling
 * and web and social media rising and staying up. Business grants paid during Covid are measured quarterly.
 * The figures are deterministic (a trend, a season and a fixed wobble), so the demo reads the same every time.
 */
export async function outcomesIndicatorsDemo({ trx, organisationId: org, today, now }: DemoContext) {
  const add = demoInserter(trx, org, now)
  const lastMonth = lastCompletePeriod('monthly', today)
  const months = keysBetween('monthly', '2019-04', lastMonth)

  const idOf = async (table: 'programmes' | 'projects', reference: string) =>
    (
      await trx
        .selectFrom(table)
        .select('id')
        .where('organisation_id', '=', org)
        .where('reference', '=', reference)
        .executeTakeFirst()
    )?.id ?? null
  const owner = await trx
    .selectFrom('people')
    .select(['id', 'name'])
    .where('organisation_id', '=', org)
    .where('name', '=', 'Joanne Price')
    .executeTakeFirst()
  const programme = await idOf('programmes', 'ICT-2019')
  const website = await idOf('projects', 'ICT-01')
  const insight = await idOf('projects', 'ICT-03')
  const grantsContent = await idOf('projects', 'ICT-04')

  // Month m (0 = April 2019): a season (busier in spring, quieter at Christmas) and a fixed wobble.
  const season = (m: number) => 1 + 0.08 * Math.cos((2 * Math.PI * m) / 12)
  const wobble = (m: number, k: number) => (((m * 37 + k * 11) % 11) - 5) * 15
  const covid = 12 // April 2020
  const channels: Array<{
    name: string
    polarity: string
    figure: (m: number) => number
    target?: [number, number]
  }> = [
    {
      name: 'Contacts by telephone',
      polarity: 'lower',
      figure: (m) => (m < covid ? 9000 - 25 * m : Math.max(3300, 5600 - 30 * (m - covid))),
      target: [4200, 4600],
    },
    {
      name: 'Contacts by web',
      polarity: 'higher',
      figure: (m) => (m < covid ? 3000 + 45 * m : Math.min(11_500, 7200 + 55 * (m - covid))),
      target: [9000, 8200],
    },
    {
      name: 'Contacts by social media',
      polarity: 'higher',
      figure: (m) => (m < covid ? 350 + 12 * m : Math.min(3400, 1500 + 28 * (m - covid))),
    },
    {
      name: 'Contacts face to face',
      polarity: 'lower',
      // The customer service centre closed from April to June 2020, then opened by appointment.
      figure: (m) =>
        m < covid ? 2400 - 5 * m : m < covid + 3 ? 0 : Math.min(1100, 450 + 12 * (m - covid - 3)),
    },
  ]

  // The ambition the channel shift measures, when the ambitions demo has run before this one.
  const digitalByPreference =
    (
      await trx
        .selectFrom('ambitions')
        .select('id')
        .where('organisation_id', '=', org)
        .where('title', 'like', 'Digital by preference%')
        .executeTakeFirst()
    )?.id ?? null
  const enteredAt = (key: PeriodKey) => `${addDays(periodEnd(key), 9)}T09:30:00.000Z`
  const link = async (
    indicatorId: number,
    ids: Array<['ambition_id' | 'programme_id' | 'project_id', number | null]>,
  ) => {
    for (const [column, id] of ids)
      if (id !== null)
        await trx
          .insertInto('indicator_links')
          .values({ organisation_id: org, indicator_id: indicatorId, [column]: id })
          .execute()
  }
  // Figures are collected each month and dated when they were entered: the tenth day after the period.
  const record = async (
    indicatorId: number,
    values: Array<[PeriodKey, number]>,
    targets: Array<[PeriodKey, number, number]>,
    by: string,
  ) => {
    for (let i = 0; i < values.length; i += 200)
      await trx
        .insertInto('indicator_values')
        .values(
          values.slice(i, i + 200).map(([period, value]) => ({
            organisation_id: org,
            indicator_id: indicatorId,
            period,
            value,
            entered_by: null,
            entered_by_name: by,
            entered_at: enteredAt(period),
            import_id: null,
            created_at: enteredAt(period),
            updated_at: enteredAt(period),
          })),
        )
        .execute()
    for (let i = 0; i < targets.length; i += 200)
      await trx
        .insertInto('indicator_targets')
        .values(
          targets.slice(i, i + 200).map(([period, target, warning]) => ({
            organisation_id: org,
            indicator_id: indicatorId,
            period,
            target,
            warning,
            created_at: `${monthsOf(period)[0]!}-01T09:00:00.000Z`,
            updated_at: `${monthsOf(period)[0]!}-01T09:00:00.000Z`,
          })),
        )
        .execute()
  }

  for (const [k, c] of channels.entries()) {
    const id = await add('indicators', 'indicator', {
      name: c.name,
      description:
        'Contacts received by the customer service centre and online, from the CRM contact reports.',
      unit: 'count',
      scale: 0,
      polarity: c.polarity,
      frequency: 'monthly',
      rollup: 'sum',
      group_name: 'Channel shift',
      data_source: 'CRM contact reports',
      owner_person_id: owner?.id ?? null,
      owner: owner?.name ?? '',
      status: 'active',
    })
    await link(id, [
      ['ambition_id', digitalByPreference],
      ['programme_id', programme],
      ['project_id', website],
      ['project_id', insight],
    ])
    const values = months.map((p, m): [PeriodKey, number] => [
      p,
      Math.max(0, Math.round(c.figure(m) * season(m)) + (c.figure(m) > 0 ? wobble(m, k) : 0)),
    ])
    // Targets were set from 2021/22, when the strategy's channel-shift aims were agreed.
    const targets = c.target
      ? months
          .filter((p) => p >= '2021-04')
          .map((p): [PeriodKey, number, number] => [p, c.target![0], c.target![1]])
      : []
    await record(id, values, targets, 'Joanne Price')
  }

  const grants = await add('indicators', 'indicator', {
    name: '% of grant applications paid within 10 days',
    description:
      'Business support and discretionary grant applications paid within ten working days of a complete application.',
    unit: 'percent',
    scale: 1,
    polarity: 'higher',
    frequency: 'quarterly',
    rollup: 'average',
    group_name: '',
    data_source: 'Grants payment log (Revenues and Benefits)',
    owner_person_id: null,
    owner: '',
    status: 'active',
  })
  await link(grants, [
    ['programme_id', programme],
    ['project_id', grantsContent],
  ])
  const quarters = keysBetween('quarterly', '2020-04', monthsOf(lastCompletePeriod('quarterly', today))[0]!)
  // Slow at first (forms on paper and by email), better once the online form and its content were rebuilt.
  const percent = (q: number) => Math.min(968, 585 + q * 38 - (q % 3) * 9)
  await record(
    grants,
    quarters.map((p, q): [PeriodKey, number] => [p, percent(q)]),
    quarters.filter((p) => p >= '2021/22').map((p): [PeriodKey, number, number] => [p, 900, 800]),
    'Nadia Rahman',
  )
}
