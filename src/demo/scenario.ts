import type { Kysely } from 'kysely'
import { hashPassword } from '../auth/passwords.ts'
import { ROLES, type Role } from '../auth/roles.ts'
import { todayInLondon, type IsoDate } from '../domain/dates.ts'
import type { DB } from '../db/schema.ts'
import { brecksProgramme } from './brecks.ts'
import { createDemoLoader, type DemoPerson } from './demo-loader.ts'
import type { DemoProgramme } from './demo-types.ts'
import { partnershipsDemo } from './partnerships-demo.ts'
import { DEMO_EXTENSIONS } from './extensions.ts'
import { ownersDemo } from './owners-demo.ts'
import { grantsProject, insightProject } from './marshland-council-projects.ts'
import { resourcingProject } from './marshland-council-resourcing-project.ts'
import { northgateProject } from './marshland-northgate-project.ts'
import { formsProject, websiteProject } from './marshland-shared-projects.ts'
import {
  DEMO_DOMAIN,
  LOCAL_PARTS,
  OTHER_COUNCIL_ADMIN_EMAIL,
  OTHER_COUNCIL_ADMIN_NAME,
  PEOPLE,
} from './people.ts'

export { DEMO_DOMAIN, OTHER_COUNCIL_ADMIN_EMAIL }

/** One Marshland District Council user per role. */
export const DEMO_EMAILS = ROLES.map((r) => `${LOCAL_PARTS[r]}@${DEMO_DOMAIN}`)

/**
 * The programme from the scrutiny minute (../shared/context/scenario.md): signed off in 2019 at a high
 * strategic level, delayed nine months for staff, absorbed by Covid, reviewed by the Performance
 * Monitoring Panel in 2021 and extended, so some projects are closed and some are still in delivery today.
 */
export function marshlandProgramme(today: IsoDate): DemoProgramme {
  return {
    reference: 'ICT-2019',
    name: 'ICT and Digital Work Programme 2019–2022',
    purpose:
      'Make the council’s services digital where customers want them: a website that meets the accessibility ' +
      'regulations, online forms in place of telephone and paper, insight into customer need from web trends, ' +
      'social media and CRM, and integration with the back-office systems PSPS hosts. Signed off in 2019 at a ' +
      'high strategic level, without a detailed business case or scoping exercise. Extended after the ' +
      'Performance Monitoring Panel’s review in 2021: outstanding work was reviewed for relevance, and ' +
      'governance is now part of delivery.',
    sro: 'Mark Jennings, Assistant Director – Corporate Services',
    portfolioHolder: PEOPLE.portfolio_holder,
    startDate: '2019-04-01',
    endDate: '2022-03-31',
    status: 'active',
    projects: [
      websiteProject(today),
      formsProject(),
      insightProject(),
      grantsProject(),
      northgateProject(today),
      resourcingProject(today),
    ],
  }
}

/** Loads the whole demo in one transaction: all of it or none of it. */
export async function loadDemoScenario(db: Kysely<DB>, password: string): Promise<void> {
  const hash = await hashPassword(password)
  const now = new Date()
  const today = todayInLondon(now)
  await db.transaction().execute(async (trx) => {
    const load = createDemoLoader(trx, now)

    const marshland = await load.organisation({
      slug: 'marshland',
      name: 'Marshland District Council',
      scale: 'ipa5',
    })
    // PSPS, the shared ICT service: the projects it delivers with the council are shared with it, and the
    // demo's partner officer works for it (finance-demo adds its recharges).
    const psps = await load.partner(marshland, {
      name: 'PSPS',
      baseContract: 'ICT infrastructure, hosting and support, shared with the neighbouring council',
      annualBaseContractPence: 1_250_000_00,
    })
    const people: Partial<Record<Role, DemoPerson>> = {}
    for (const role of ROLES) {
      people[role] = await load.person(
        marshland,
        `${LOCAL_PARTS[role]}@${DEMO_DOMAIN}`,
        PEOPLE[role],
        role,
        hash,
        role === 'partner_officer' ? psps : null,
      )
    }
    await load.programme(marshland, marshlandProgramme(today), people, [psps])
    for (const extend of DEMO_EXTENSIONS) await extend({ trx, organisationId: marshland, people, today, now })
    await partnershipsDemo(load, { trx, organisationId: marshland, people, today, now }, hash)

    const brecks = await load.organisation({ slug: 'brecks', name: 'Brecks District Council', scale: 'rag3' })
    const admin = await load.person(
      brecks,
      OTHER_COUNCIL_ADMIN_EMAIL,
      OTHER_COUNCIL_ADMIN_NAME,
      'administrator',
      hash,
    )
    await load.programme(brecks, brecksProgramme(today), { administrator: admin })
    await ownersDemo({ trx, organisationId: brecks, now })
  })
}
