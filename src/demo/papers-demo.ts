import type { Kysely } from 'kysely'
import type { Actor } from '../auth/actor.ts'
import type { DB } from '../db/schema.ts'
import { isRatingScaleId } from '../domain/dca.ts'
import { renderAll } from '../documents/render.ts'
import { recordAudit } from '../modules/audit/audit.service.ts'
import { createMilestonesService } from '../modules/milestones/milestones.service.ts'
import { createOrganisationService } from '../modules/organisation/organisation.service.ts'
import { createProgrammesService } from '../modules/programmes/programmes.service.ts'
import { createProjectsService } from '../modules/projects/projects.service.ts'
import { createReportsService, freezeReport } from '../modules/reports/reports.service.ts'
import { createStatusReportsService } from '../modules/status-reports/status-reports.service.ts'
import { createFinanceService } from '../modules/finance/finance.service.ts'
import { createRaidService } from '../modules/raid/raid.service.ts'
import { createTolerancesRepository } from '../modules/tolerances/tolerances.repository.ts'
import { DEMO_ACTOR } from './demo-loader.ts'
import type { DemoContext } from './extensions.ts'
import { FOLLOW_UP_MEETING_DATE, SIX_POINT_PAPER_REFERENCE } from './scrutiny-demo.ts'

/**
 * The papers the panel reads: the programme definition the July 2021 meeting asked for (a draft that does not
 * yet answer every point), and the progress report presented to that meeting, submitted and frozen, with the
 * areas for consideration the Portfolio Holder took forward (section 10.11 of the officers' report).
 */
export async function papersDemo({ trx, organisationId, people, now }: DemoContext): Promise<void> {
  const at = now.toISOString()
  const audit = (entityType: string, entityId: number, after: unknown) =>
    recordAudit(trx, { organisationId, actor: DEMO_ACTOR, action: 'create', entityType, entityId, after })
  const org = await trx
    .selectFrom('organisations')
    .selectAll()
    .where('id', '=', organisationId)
    .executeTakeFirstOrThrow()
  const programme = await trx
    .selectFrom('programmes')
    .select(['id'])
    .where('organisation_id', '=', organisationId)
    .where('reference', '=', 'ICT-2019')
    .executeTakeFirst()
  const pm = people.programme_manager
  const ph = people.portfolio_holder
  if (!programme || !pm || !ph) return
  const recommendation = await trx
    .selectFrom('recommendations')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('reference', '=', SIX_POINT_PAPER_REFERENCE)
    .executeTakeFirst()
  const meeting = await trx
    .selectFrom('meetings')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('meeting_date', '=', FOLLOW_UP_MEETING_DATE)
    .executeTakeFirst()

  // The six-point paper, started but not finished: resources and the implementation timeframe are still to write.
  const definition = await trx
    .insertInto('programme_definitions')
    .values({
      organisation_id: organisationId,
      programme_id: programme.id,
      recommendation_id: recommendation?.id ?? null,
      title: 'ICT and Digital Work Programme: a clear route forward',
      digital_meaning:
        'For Marshland, ‘Digital’ means residents and businesses can find information and complete common tasks online, at any time, with services designed around their needs.\n\nIt covers the website and its content (owned by service managers), online forms on the Goss platform, and the insight from web trends, social media and customer records that tells us what people need. The infrastructure behind it is provided by PSPS.',
      digital_principles:
        'Online first, but never online only\nService managers own their content; PSPS owns the infrastructure\nAccessible to WCAG 2.2 AA\nDecisions based on customer insight',
      human_resources: '',
      digital_resources: '',
      resources_narrative: '',
      responsible_user_id: pm.id,
      paper_due_on: '2021-12-31',
      delivered_by:
        'The council’s Digital team, with PSPS providing infrastructure and a recharged web developer',
      delivery_narrative:
        'Each project has a named project manager and reports monthly to the programme board. Governance is integral: no project enters delivery without an approved business case and scope.',
      implementation_start: null,
      implementation_end: null,
      timeframe_narrative: '',
      interim_narrative:
        'Until the paper is agreed, the website accessibility programme and online forms improvements continue, and the panel receives a quarterly progress report with any exceptions reported as they arise.',
      interim_owner_user_id: ph.id,
      created_at: at,
      updated_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  await audit('programme_definition', definition.id, definition)

  // The report is assembled exactly as the pages do it, from the services, reading inside the demo's transaction.
  const db = trx as unknown as Kysely<DB>
  const programmes = createProgrammesService(db)
  const projects = createProjectsService(db, programmes)
  const reports = createReportsService(db, {
    programmes,
    projects,
    milestones: createMilestonesService(db, projects),
    statusReports: createStatusReportsService(db, projects),
    organisation: createOrganisationService(db),
    finance: createFinanceService(db),
    raid: createRaidService(db),
    tolerances: createTolerancesRepository(db),
  })
  const actor: Actor = {
    userId: pm.id,
    name: pm.name,
    email: '',
    role: 'programme_manager',
    organisationId,
    organisationName: org.name,
    organisationSlug: org.slug,
    ratingScale: isRatingScaleId(org.rating_scale) ? org.rating_scale : 'ipa5',
    isDemo: true,
    via: 'session',
    partnerId: null,
    sessionId: null,
  }
  const draft = await trx
    .insertInto('panel_reports')
    .values({
      organisation_id: organisationId,
      programme_id: programme.id,
      meeting_id: meeting?.id ?? null,
      title: 'ICT and Digital Work Programme 2019–2022: progress update',
      period_from: '2021-04',
      period_to: '2021-06',
      summary:
        'The programme was signed off in 2019. This report, written from a programme and project management perspective, follows the update to the panel on 18 March 2021.\n\nThe council’s staff resources arrived nine months after the proposed start date, and the Covid pandemic absorbed the resources that remained. The strategic partnership with Brecks District Council separated in 2021, which had not been anticipated at the outset.',
      resources_narrative:
        'The digital skill set did not exist within the council and there was no post in the establishment for project delivery or day-to-day work. During the pandemic the team was seconded to the Digital team. PSPS recharges a web developer as a non-base contract cost (Appendix A).',
      created_at: at,
      updated_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  await audit('panel_report', draft.id, draft)
  const areas = [
    'Review outstanding work from the original strategy to make sure it is still relevant',
    'Make governance integral to future strategic projects, with a business case and scope before delivery',
    'Report issues to the panel promptly when a project runs into difficulty',
    'Publish the council’s digital ambitions so they are transparent',
  ]
  await trx
    .insertInto('report_areas')
    .values(
      areas.map((text, i) => ({
        organisation_id: organisationId,
        report_id: draft.id,
        text,
        owner_user_id: ph.id,
        position: i + 1,
        created_at: at,
        updated_at: at,
      })),
    )
    .execute()
  const doc = await reports.document(actor, draft)
  const snapshot = JSON.stringify(doc)
  await freezeReport(trx, actor, draft, snapshot, await renderAll(doc))
}
