import type { Kysely } from 'kysely'
import type { Actor } from '../auth/actor.ts'
import { shareProject } from '../auth/visibility.ts'
import type { DB } from '../db/schema.ts'
import { createDecisionsService } from '../modules/decisions/decisions.service.ts'
import { createSeparationService } from '../modules/partnerships/index.ts'
import type { createDemoLoader } from './demo-loader.ts'
import { demoInserter } from './demo-insert.ts'
import type { DemoContext } from './extensions.ts'
import { DEMO_DOMAIN } from './people.ts'

/** The supplier's partner officer, for the README's table of demo accounts. */
export const SUPPLIER_OFFICER_EMAIL = `supplier.officer@${DEMO_DOMAIN}`
const SUPPLIER_OFFICER_NAME = 'Sam Okafor, Account Manager (Goss Interactive)'

/**
 * Marshland's partners as issue 10 tells them: PSPS, the shared-service company; Goss Interactive, the
 * supplier of the online forms platform, whose account manager follows the grants forms project it was
 * shared with (a second partner, who sees none of PSPS's records); and Brecks District Council, the
 * neighbouring council whose strategic partnership ended on 31 March 2021 through the separation process,
 * decided in February 2021. That partner is a record inside Marshland's organisation; the Brecks demo
 * organisation is another council altogether and shares nothing with it.
 */
type DemoLoader = ReturnType<typeof createDemoLoader>

export async function partnershipsDemo(load: DemoLoader, ctx: DemoContext, passwordHash: string) {
  const { trx, organisationId: org, people, now } = ctx
  const partnerId = async (name: string) =>
    (
      await trx
        .selectFrom('partners')
        .select('id')
        .where('organisation_id', '=', org)
        .where('name', '=', name)
        .executeTakeFirstOrThrow()
    ).id
  const projectId = async (reference: string) =>
    (
      await trx
        .selectFrom('projects')
        .select('id')
        .where('organisation_id', '=', org)
        .where('reference', '=', reference)
        .executeTakeFirstOrThrow()
    ).id

  // PSPS as the council's partners register describes it (the loader made it with the organisation).
  await trx
    .updateTable('partners')
    .set({
      kind: 'shared_service',
      agreement_starts_on: '2016-04-01',
      services: [
        'ICT infrastructure and hosting',
        'Service desk and support',
        'Applications (Northgate)',
      ].join('\n'),
    })
    .where('id', '=', await partnerId('PSPS'))
    .execute()

  const goss = await load.partner(org, {
    name: 'Goss Interactive',
    baseContract: 'Online forms platform: licences and hosting',
    annualBaseContractPence: 18_500_00,
  })
  await trx
    .updateTable('partners')
    .set({
      kind: 'supplier',
      agreement_starts_on: '2019-06-03',
      agreement_ends_on: '2024-06-02',
      services: ['Online forms platform', 'Form hosting and support'].join('\n'),
    })
    .where('id', '=', goss)
    .execute()
  await load.person(org, SUPPLIER_OFFICER_EMAIL, SUPPLIER_OFFICER_NAME, 'partner_officer', passwordHash, goss)
  await shareProject(trx, org, await projectId('ICT-04'), [goss])

  // Brecks: the strategic partnership, and the digital lead Brecks seconded to the programme.
  const brecks = await load.partner(org, {
    name: 'Brecks District Council',
    baseContract: 'Strategic partnership: a shared digital lead and joint procurement',
    annualBaseContractPence: 0,
  })
  await trx
    .updateTable('partners')
    .set({
      kind: 'neighbouring_council',
      agreement_starts_on: '2016-04-01',
      services: ['Shared digital lead', 'Joint procurement'].join('\n'),
    })
    .where('id', '=', brecks)
    .execute()
  const add = demoInserter(trx, org, now)
  const lead = {
    id: await add('people', 'person', {
      name: 'Hannah Reeve',
      kind: 'partner_staff',
      partner_id: brecks,
      user_id: null,
      job_title: 'Shared Digital Lead',
      team: 'Brecks District Council',
      email: 'hannah.reeve@brecks.example',
    }),
  }
  const recharge = {
    id: await add('partner_recharges', 'partner_recharge', {
      partner_id: brecks,
      project_id: await projectId('ICT-01'),
      description: 'Shared digital lead, last quarter of the partnership',
      period: '2021-03',
      amount_pence: 4_900_00,
      cost_basis: 'non_base',
    }),
  }

  const admin = people.administrator!
  const actor: Actor = {
    userId: admin.id,
    name: admin.name,
    email: `admin@${DEMO_DOMAIN}`,
    role: 'administrator',
    organisationId: org,
    organisationName: 'Marshland District Council',
    organisationSlug: 'marshland',
    partnerId: null,
    ratingScale: 'ipa5',
    isDemo: true,
    via: 'session',
    sessionId: null,
  }
  const db = trx as unknown as Kysely<DB>
  await createSeparationService(db, createDecisionsService(db)).endIn(
    trx,
    actor,
    brecks,
    {
      endedOn: '2021-03-31',
      reasons:
        'Brecks District Council is moving its digital work to its own team from April 2021. The shared digital ' +
        'lead returns to Brecks; the last quarter of the shared post is shared equally, as the partnership ' +
        'agreement provides for a notice period.',
      choices: [
        { kind: 'person', id: lead.id, choice: 'hand_over' },
        { kind: 'recharge', id: recharge.id, choice: 'split', councilPercent: 50 },
      ],
    },
    '2021-02-11',
  )
}
