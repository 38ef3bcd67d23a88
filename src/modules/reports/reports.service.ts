import type { IndicatorsService } from '../outcomes/indicators/index.ts'
import type { Kysely, Transaction } from 'kysely'
import { auditActorOf, scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import type { DB, PanelReport } from '../../db/schema.ts'
import type { PaperDocument } from '../../documents/document.model.ts'
import {
  contentHash,
  PAPER_FORMATS,
  renderAll,
  renderOne,
  sha256,
  type PaperFormat,
  type RenderedPaper,
} from '../../documents/render.ts'
import { ConflictError, HttpError, notFound, ValidationError } from '../../errors.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { updateVersioned } from '../audit/versioned-update.ts'
import type { MilestonesService } from '../milestones/milestones.service.ts'
import type { OrganisationService } from '../organisation/organisation.service.ts'
import type { ProgrammesService } from '../programmes/programmes.service.ts'
import type { ProjectsService } from '../projects/projects.service.ts'
import type { StatusReportsService } from '../status-reports/status-reports.service.ts'
import type { FinanceService } from '../finance/finance.service.ts'
import type { RaidService } from '../raid/raid.service.ts'
import type { TolerancesService } from '../tolerances/tolerances.service.ts'
import { assembleReport, REPORT_SECTIONS, type ReportData } from './reports.assembler.ts'
import { gatherReport } from './reports.gather.ts'
import { createReportsRepository } from './reports.repository.ts'
import { parseReportPeriod, validateArea, validateReport, type ReportInput } from './reports.rules.ts'

export interface ReportsDeps {
  programmes: ProgrammesService
  projects: ProjectsService
  milestones: MilestonesService
  statusReports: StatusReportsService
  organisation: OrganisationService
  /** Finance and governance feed the financial summary, Appendix A and the risks and exceptions. */
  finance: FinanceService
  raid: RaidService
  tolerances: Pick<TolerancesService, 'listExceptions'>
  /** Performance indicators measuring the programme (issue 11), as they stood at the paper's date. */
  indicators?: Pick<IndicatorsService, 'forProgrammeAsAt'>
}

export class ReportFrozen extends HttpError {
  constructor() {
    super(409, 'This report has been submitted: it is frozen and can no longer be changed')
  }
}

export function createReportsService(db: Kysely<DB>, deps: ReportsDeps) {
  const repo = createReportsRepository(db)

  async function checked(actor: Actor, input: ReportInput) {
    const errors = validateReport(input)
    if (input.programmeId !== null && !(await deps.programmes.get(scopeOf(actor), input.programmeId)))
      errors.programmeId = 'Select the programme the report is about'
    if (input.meetingId !== null && (await repo.meetings(actor.organisationId, input.meetingId)).length === 0)
      errors.meetingId = 'Select a meeting from the list'
    if (Object.keys(errors).length > 0) throw new ValidationError(errors)
    const period = parseReportPeriod(input.period)!
    return {
      programme_id: input.programmeId!,
      meeting_id: input.meetingId,
      title: input.title.trim(),
      period_from: period.from,
      period_to: period.to,
      summary: input.summary.trim(),
      resources_narrative: input.resourcesNarrative.trim(),
    }
  }

  async function ownerNames(organisationId: number) {
    return new Map((await deps.organisation.members(organisationId)).map((m) => [m.userId, m.name]))
  }

  async function areasOf(organisationId: number, reportId: number) {
    const names = await ownerNames(organisationId)
    return (await repo.areas(organisationId, reportId)).map((a) => ({
      ...a,
      ownerName: (a.owner_user_id !== null && names.get(a.owner_user_id)) || 'No owner',
    }))
  }

  async function gather(actor: Actor, report: PanelReport): Promise<ReportData> {
    const areas = (await areasOf(actor.organisationId, report.id)).map((a) => ({
      text: a.text,
      ownerName: a.ownerName,
    }))
    return gatherReport(db, deps, repo, actor, report, areas)
  }

  async function documentOf(actor: Actor, report: PanelReport): Promise<PaperDocument> {
    if (report.status === 'submitted' && report.snapshot_json)
      return JSON.parse(report.snapshot_json) as PaperDocument
    return assembleReport(await gather(actor, report), REPORT_SECTIONS)
  }

  /** A draft, for changing: refuses a stale version and a submitted report. */
  async function draft(actor: Actor, id: number, version?: number) {
    const current = await repo.get(scopeOf(actor), id)
    if (!current) throw notFound('Report')
    if (current.status !== 'draft') throw new ReportFrozen()
    if (version !== undefined && current.version !== version) throw new ConflictError(current)
    return current
  }

  /**
   * Bumps the draft's version so a change to its areas is seen by anyone holding the old one, and records
   * the change. A submit steps the version too, so a report submitted meanwhile is a conflict, never changed.
   */
  function touch(
    trx: Transaction<DB>,
    actor: Actor,
    current: PanelReport,
    action: 'add_area' | 'remove_area',
    record: { before?: unknown; after?: unknown },
  ) {
    return updateVersioned(trx, {
      table: 'panel_reports',
      entityType: 'panel_report',
      actor,
      current,
      version: current.version,
      changes: {},
      action,
      record,
    })
  }

  return {
    list: (scope: Scope, f: { programmeId?: number; meetingId?: number; offset?: number; limit?: number }) =>
      repo.list(scope, f),
    get: (scope: Scope, id: number) => repo.get(scope, id),
    areas: (organisationId: number, reportId: number) => areasOf(organisationId, reportId),
    meetings: (organisationId: number) => repo.meetings(organisationId),
    meeting: async (organisationId: number, id: number) => (await repo.meetings(organisationId, id))[0],
    owners: (organisationId: number) => deps.organisation.members(organisationId),

    async create(actor: Actor, input: ReportInput): Promise<PanelReport> {
      const row = await checked(actor, input)
      return db.transaction().execute(async (trx) => {
        const at = new Date().toISOString()
        const created = await trx
          .insertInto('panel_reports')
          .values({ ...row, organisation_id: actor.organisationId, created_at: at, updated_at: at })
          .returningAll()
          .executeTakeFirstOrThrow()
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'create',
          entityType: 'panel_report',
          entityId: created.id,
          after: created,
        })
        return created
      })
    },

    async update(actor: Actor, id: number, version: number, input: ReportInput): Promise<PanelReport> {
      const current = await draft(actor, id, version)
      const row = await checked(actor, input)
      return db.transaction().execute((trx) =>
        updateVersioned(trx, {
          table: 'panel_reports',
          entityType: 'panel_report',
          actor,
          current,
          version,
          changes: row,
        }),
      )
    },

    /** Adds an area for consideration, each with the person who will take it forward. */
    async addArea(actor: Actor, id: number, area: { text: string; ownerUserId: number | null }) {
      const current = await draft(actor, id)
      const owners = (await deps.organisation.members(actor.organisationId)).map((m) => m.userId)
      const errors = validateArea(area.text, area.ownerUserId, owners)
      if (Object.keys(errors).length > 0) throw new ValidationError(errors)
      await db.transaction().execute(async (trx) => {
        const existing = await repo.areas(actor.organisationId, id, trx)
        const at = new Date().toISOString()
        const created = await trx
          .insertInto('report_areas')
          .values({
            organisation_id: actor.organisationId,
            report_id: id,
            text: area.text.trim(),
            owner_user_id: area.ownerUserId,
            position: existing.length + 1,
            created_at: at,
            updated_at: at,
          })
          .returningAll()
          .executeTakeFirstOrThrow()
        await touch(trx, actor, current, 'add_area', { after: created })
      })
    },

    async removeArea(actor: Actor, id: number, areaId: number) {
      const current = await draft(actor, id)
      await db.transaction().execute(async (trx) => {
        const gone = await trx
          .deleteFrom('report_areas')
          .where('id', '=', areaId)
          .where('report_id', '=', id)
          .where('organisation_id', '=', actor.organisationId)
          .returningAll()
          .executeTakeFirst()
        if (!gone) throw notFound('Area for consideration')
        await touch(trx, actor, current, 'remove_area', { before: gone })
      })
    },

    /** The paper: the frozen snapshot once submitted, otherwise assembled from today's data. */
    document: documentOf,

    /** A file of the paper: the stored bytes once submitted (never re-rendered), otherwise rendered now. */
    async file(actor: Actor, report: PanelReport, format: PaperFormat): Promise<Buffer> {
      if (report.status === 'submitted') {
        const stored = await repo.file(actor.organisationId, report.id, format)
        if (!stored) throw notFound('File')
        return Buffer.from(stored.content_base64, 'base64')
      }
      return renderOne(await documentOf(actor, report), format)
    },

    /**
     * Freezes the report as the panel will read it: the assembled document and its three files are stored
     * with one content hash, and nothing about the report changes afterwards, however the data moves on.
     */
    async submit(actor: Actor, id: number, version: number): Promise<PanelReport> {
      const current = await draft(actor, id, version)
      // Assembled and rendered before the transaction: on SQLite a read outside it would wait for its connection.
      const doc = assembleReport(await gather(actor, current), REPORT_SECTIONS)
      const snapshot = JSON.stringify(doc)
      const files = await renderAll(doc)
      return db.transaction().execute((trx) => freezeReport(trx, actor, current, snapshot, files))
    },

    /** Submitted papers for a meeting, for its "published papers" list. */
    papersForMeeting: async (scope: Scope, meetingId: number) =>
      (await repo.list(scope, { meetingId, limit: 100 })).filter((r) => r.status === 'submitted'),
  }
}

export type ReportsService = ReturnType<typeof createReportsService>

/**
 * Stores a report as submitted, inside the caller's transaction: the snapshot, its three files and one
 * content hash, only if the report is still the draft at `current.version`.
 */
export async function freezeReport(
  trx: Transaction<DB>,
  actor: Actor,
  current: PanelReport,
  snapshot: string,
  files: RenderedPaper,
): Promise<PanelReport> {
  const hash = contentHash(snapshot, files)
  const at = new Date().toISOString()
  const updated = await trx
    .updateTable('panel_reports')
    .set({
      status: 'submitted',
      snapshot_json: snapshot,
      content_hash: hash,
      submitted_at: at,
      submitted_by: actor.userId,
      submitted_by_name: actor.name,
      // Not updateVersioned: freezing also requires the report still be a draft (where status = 'draft'), and
      // its audit event (with the paper's content hash) is recorded below.
      // eslint-disable-next-line no-restricted-syntax -- see above
      version: current.version + 1,
      updated_at: at,
    })
    .where('id', '=', current.id)
    .where('organisation_id', '=', actor.organisationId)
    .where('version', '=', current.version)
    .where('status', '=', 'draft')
    .returningAll()
    .executeTakeFirst()
  if (!updated) throw new ConflictError(current)
  await trx
    .insertInto('panel_report_files')
    .values(
      PAPER_FORMATS.map((format) => ({
        report_id: current.id,
        organisation_id: actor.organisationId,
        format,
        content_base64: files[format].toString('base64'),
        sha256: sha256(files[format]),
        bytes: files[format].length,
        created_at: at,
      })),
    )
    .execute()
  await recordAudit(trx, {
    organisationId: actor.organisationId,
    actor: auditActorOf(actor),
    action: 'submit',
    entityType: 'panel_report',
    entityId: current.id,
    before: { status: current.status, version: current.version },
    after: { status: 'submitted', version: updated.version, content_hash: hash },
  })
  return updated
}
