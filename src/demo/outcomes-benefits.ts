import type { Transaction } from 'kysely'
import type { DB } from '../db/schema.ts'
import { financialYear, financialYearOf } from '../domain/periods.ts'
import { demoInserter } from './demo-insert.ts'
import type { DemoContext } from './extensions.ts'

/**
 * Marshland's benefits register (issue 11), from the 2019 digital strategy: the switch "from telephone-based
 * enquiries towards web and social-based enquiries" (fewer telephone contacts, far more than planned once
 * Covid closed the offices in 2020), business grants paid faster, the channel-shift saving in Customer
 * Services counted in the medium-term financial strategy, and the forms platform's licence as a dis-benefit.
 * Realised values stop at the year now in progress; the years after it are planned only. The ambition and the
 * indicator are found by name when their demo has made them, and left empty otherwise.
 */

/** Values by financial year from 2020/21, in the benefit's unit (pounds or a count); the last repeats. */
interface DemoBenefit {
  project: string
  title: string
  description: string
  type: 'cashable' | 'non_cashable' | 'societal'
  disBenefit?: boolean
  unit: string
  owner: string
  mtfs?: boolean
  ambitionLike?: string
  indicatorLike?: string
  baseline: number | null
  target: number | null
  targetOn: string | null
  planned: number[]
  realised: number[]
}

const BENEFITS: DemoBenefit[] = [
  {
    project: 'ICT-03',
    title: 'Fewer telephone contacts',
    description:
      'Enquiries move from the telephone to the website, online forms and social media, as the 2019 strategy set out.',
    type: 'non_cashable',
    unit: 'telephone contacts avoided',
    owner: 'Joanne Price',
    ambitionLike: 'Digital by preference%',
    indicatorLike: '%elephone%',
    baseline: 0,
    target: 12000,
    targetOn: '2023-03-31',
    planned: [6000, 9000, 12000],
    realised: [14800, 11200, 12650, 11900, 12400, 12100],
  },
  {
    project: 'ICT-04',
    title: 'Grants paid faster',
    description:
      'Business grants applied for and checked online are paid in days rather than weeks: days of waiting saved across all grants paid.',
    type: 'societal',
    unit: 'days of waiting saved',
    owner: 'Helen Marsh',
    baseline: 0,
    target: 2500,
    targetOn: '2022-03-31',
    planned: [1500, 2500, 2500],
    realised: [9600, 3100, 2450, 2600, 2550, 2500],
  },
  {
    project: 'ICT-02',
    title: 'Channel shift saving in Customer Services',
    description:
      'Two posts in the contact centre not refilled as online forms replace telephone requests: a saving in the medium-term financial strategy.',
    type: 'cashable',
    unit: '£',
    owner: 'Joanne Price',
    mtfs: true,
    ambitionLike: 'Digital by preference%',
    baseline: null,
    target: 60000,
    targetOn: '2023-03-31',
    planned: [0, 45000, 60000],
    realised: [0, 38500, 61200, 60000, 60000, 60000],
  },
  {
    project: 'ICT-02',
    title: 'Forms platform licence',
    description:
      'The Goss forms platform is licensed each year: a cost the channel-shift saving has to cover.',
    type: 'cashable',
    disBenefit: true,
    unit: '£',
    owner: 'Mark Ellis',
    baseline: null,
    target: null,
    targetOn: null,
    planned: [12000, 12000, 12360],
    realised: [12000, 12000, 12360, 12730, 13110, 13500],
  },
]

const FIRST_YEAR = 2020

const lookUp = async (
  trx: Transaction<DB>,
  org: number,
  table: 'ambitions' | 'indicators',
  like?: string,
) => {
  if (!like) return null
  const column = table === 'ambitions' ? 'title' : 'name'
  const row = await trx
    .selectFrom(table)
    .select('id')
    .where('organisation_id', '=', org)
    .where(column, 'like', like)
    .orderBy('id')
    .executeTakeFirst()
  return row?.id ?? null
}

export async function outcomesBenefitsDemo({ trx, organisationId: org, now, today }: DemoContext) {
  const add = demoInserter(trx, org, now)
  const projects = new Map(
    (
      await trx
        .selectFrom('projects')
        .select(['id', 'reference', 'programme_id'])
        .where('organisation_id', '=', org)
        .execute()
    ).map((p) => [p.reference, p]),
  )
  const people = new Map(
    (await trx.selectFrom('people').select(['id', 'name']).where('organisation_id', '=', org).execute()).map(
      (p) => [p.name, p.id],
    ),
  )
  // Realised up to the year in progress; one further year planned.
  const current = financialYearOf(today).startYear
  const years = Array.from({ length: current - FIRST_YEAR + 2 }, (_, i) => FIRST_YEAR + i)
  const hundredths = (v: number) => v * 100
  for (const b of BENEFITS) {
    const project = projects.get(b.project)
    if (project === undefined) continue
    const id = await add('benefits', 'benefit', {
      programme_id: project.programme_id,
      project_id: project.id,
      title: b.title,
      description: b.description,
      type: b.type,
      dis_benefit: b.disBenefit ? 1 : 0,
      unit: b.unit,
      // A name the register lacks is matched or added by the owners demo, as a form would.
      owner_person_id: people.get(b.owner) ?? null,
      owner: b.owner,
      ambition_id: await lookUp(trx, org, 'ambitions', b.ambitionLike),
      indicator_id: await lookUp(trx, org, 'indicators', b.indicatorLike),
      baseline_year: '2019/20',
      baseline_value: b.baseline === null ? null : hundredths(b.baseline),
      target_value: b.target === null ? null : hundredths(b.target),
      target_on: b.targetOn,
      mtfs: b.mtfs ? 1 : 0,
    })
    await trx
      .insertInto('benefit_profile')
      .values(
        years.map((start, i) => ({
          organisation_id: org,
          benefit_id: id,
          financial_year: financialYear(start).label,
          planned_value: hundredths(b.planned[Math.min(i, b.planned.length - 1)]!),
          realised_value:
            start <= current ? hundredths(b.realised[Math.min(i, b.realised.length - 1)]!) : null,
        })),
      )
      .execute()
  }
}
