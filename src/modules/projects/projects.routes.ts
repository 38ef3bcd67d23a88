import { indicatorsMeasuring } from '../outcomes/indicators/index.ts'
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { Project } from '../../db/schema.ts'
import { isRatingOnScale, RATING_SCALES } from '../../domain/dca.ts'
import { currentPeriod } from '../../domain/periods.ts'
import { ConflictError, notFound } from '../../errors.ts'
import { handleForm, renderConflict, resubmitFields } from '../../web/form-pages.ts'
import { field, FormBody, optionalInt } from '../../web/forms.ts'
import { EXPORT_FORMATS, exportLinks, inBatches, sendExport } from '../../web/exports.ts'
import { decodeCursor, encodeCursor } from '../../web/pagination.ts'
import { projectsExport } from './projects.export.ts'
import {
  blankProject,
  gatePassesContext,
  projectConflictRows,
  projectFormContext,
  readGatePasses,
  readProjectForm,
} from './projects.forms.ts'
import { PROJECT_SORTS, type ProjectListFilter, type ProjectSort } from './projects.repository.ts'
import { isProjectStage, PROJECT_STAGES, validateProject, type ProjectInput } from './projects.rules.ts'
import { StageChangeRefused, toProjectInput } from './projects.service.ts'
import { projectRowView } from './projects.view-model.ts'
import { personChoices } from '../resourcing/person-refs.ts'
import { outputRow } from '../outcomes/outputs/index.ts'
import { documentsSection } from '../attachments/attachments.section.ts'

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })
const PAGE_SIZE = 100
const FORM = 'projects/views/form.njk'

// A GET form sends every field, empty or not, so the page reads them leniently rather than refusing them.
const ListQuery = Type.Object({
  programmeId: Type.Optional(Type.String()),
  stage: Type.Optional(Type.String()),
  rating: Type.Optional(Type.String()),
  attention: Type.Optional(Type.String()),
  q: Type.Optional(Type.String({ maxLength: 100 })),
  sort: Type.Optional(Type.String()),
  order: Type.Optional(Type.String()),
  cursor: Type.Optional(Type.String()),
})
type ListQuery = Static<typeof ListQuery>

const SORT_LABELS: Record<ProjectSort, string> = {
  reference: 'Reference',
  name: 'Name',
  stage: 'Stage',
  forecast_end: 'Forecast end date',
  slippage: 'End slippage',
  rating: 'Delivery confidence',
}

function readFilter(query: ListQuery, actor: Actor): ProjectListFilter {
  const rating = query.rating ?? ''
  return {
    programmeId: optionalInt(query.programmeId ?? '') ?? undefined,
    stage: query.stage && isProjectStage(query.stage) ? query.stage : undefined,
    rating: rating === 'none' || isRatingOnScale(actor.ratingScale, rating) ? rating : undefined,
    attention: query.attention === 'yes',
    q: query.q?.trim() || undefined,
    sort: PROJECT_SORTS.find((s) => s === query.sort),
    order: query.order === 'desc' ? 'desc' : 'asc',
  }
}

/** The project page shows the last year of monthly reports; the whole history is one link away. */
const RECENT_REPORTS = 12

function recentFirst<T>(reports: T[], all: boolean) {
  return {
    statusReports: all ? reports : reports.slice(0, RECENT_REPORTS),
    statusReportsTotal: reports.length,
    statusReportsAll: all,
  }
}

export async function projectsRoutes(app: FastifyInstance) {
  const { projects, programmes } = app.services

  app.get<{ Querystring: ListQuery }>(
    '/projects',
    { config: { policy: 'portfolio.read' }, schema: { querystring: ListQuery } },
    async (request, reply) => {
      const actor = request.actor!
      const scope = scopeOf(actor)
      const filter = readFilter(request.query, actor)
      const offset = decodeCursor(request.query.cursor) ?? 0
      const rows = await projects.listProjects(scope, { ...filter, offset, limit: PAGE_SIZE + 1 })
      const pageUrl = (o: number) => {
        const params = new URLSearchParams()
        for (const [k, v] of Object.entries(request.query))
          if (k !== 'cursor' && typeof v === 'string' && v !== '') params.set(k, v)
        if (o > 0) params.set('cursor', encodeCursor(o))
        const qs = params.toString()
        return qs ? `/projects?${qs}` : '/projects'
      }
      const programmeOptions = await programmes.options(scope)
      const option = (value: string, text: string, selected: string | undefined) => ({
        value,
        text,
        selected: value === (selected ?? ''),
      })
      return reply.render('projects/views/list.njk', {
        title: 'Projects',
        projects: rows.slice(0, PAGE_SIZE).map((p) => projectRowView(p, actor.ratingScale)),
        reportingPeriod: currentPeriod(),
        filter,
        filtered: Boolean(
          filter.programmeId || filter.stage || filter.rating || filter.attention || filter.q,
        ),
        programmeItems: [
          option('', 'All programmes', undefined),
          ...programmeOptions.map((p) => option(String(p.id), p.name, String(filter.programmeId ?? ''))),
        ],
        stageItems: [
          option('', 'All stages', undefined),
          ...PROJECT_STAGES.map((s) => option(s.value, s.text, filter.stage)),
        ],
        ratingItems: [
          option('', 'All ratings', undefined),
          ...RATING_SCALES[actor.ratingScale].ratings.map((r) => option(r.code, r.label, filter.rating)),
          option('none', 'Not rated', filter.rating),
        ],
        sortItems: PROJECT_SORTS.map((s) => option(s, SORT_LABELS[s], filter.sort ?? 'reference')),
        orderItems: [option('asc', 'Ascending', filter.order), option('desc', 'Descending', filter.order)],
        previousUrl: offset > 0 ? pageUrl(Math.max(0, offset - PAGE_SIZE)) : null,
        nextUrl: rows.length > PAGE_SIZE ? pageUrl(offset + PAGE_SIZE) : null,
        canCreate: allows('project.write', actor.role),
        exportLinks: exportLinks('/projects/export', request.query),
      })
    },
  )

  for (const format of EXPORT_FORMATS)
    app.get<{ Querystring: ListQuery }>(
      `/projects/export.${format}`,
      { config: { policy: 'portfolio.read' }, schema: { querystring: ListQuery } },
      async (request, reply) => {
        const actor = request.actor!
        const scope = scopeOf(actor)
        const filter = readFilter(request.query, actor)
        return sendExport(
          reply,
          format,
          actor.organisationSlug,
          projectsExport(actor.ratingScale),
          inBatches((window) => projects.listProjects(scope, { ...filter, ...window })),
        )
      },
    )

  async function renderForm(
    reply: FastifyReply,
    opts: { title: string; action: string; backLink: string; version?: number },
    values: ProjectInput,
    body: FormBody | null,
    errors: Record<string, string>,
    status?: number,
    beforeOversight?: ReturnType<typeof gatePassesContext>,
  ) {
    const scope = scopeOf(reply.request.actor!)
    const options = await programmes.options(scope)
    const partners = await app.services.finance.partners(scope)
    const people = await personChoices(app.database.db, scope.organisationId, [
      values.projectManagerPersonId,
      values.sponsorPersonId,
    ])
    return reply.render(
      FORM,
      { ...opts, ...projectFormContext(values, body, errors, options, partners, people), beforeOversight },
      status,
    )
  }

  app.get<{ Querystring: { programmeId?: string } }>(
    '/projects/new',
    {
      config: { policy: 'project.write' },
      schema: { querystring: Type.Object({ programmeId: Type.Optional(Type.String()) }) },
    },
    async (request, reply) => {
      const programmeId = optionalInt(request.query.programmeId ?? '')
      const back = programmeId ? `/programmes/${programmeId}` : '/projects'
      const opts = { title: 'Add a project', action: '/projects', backLink: back }
      return renderForm(reply, opts, blankProject(programmeId), null, {})
    },
  )

  app.post<{ Body: FormBody }>(
    '/projects',
    { config: { policy: 'project.write' }, schema: { body: FormBody } },
    async (request, reply) => {
      const errors: Record<string, string> = {}
      const values = readProjectForm(request.body, errors)
      const opts = { title: 'Add a project', action: '/projects', backLink: '/projects' }
      // Work already under way: the gates on the way to its stage may have been passed before Oversight.
      const gatesAhead = await projects.gatesOnTheWayTo(scopeOf(request.actor!), values.stage)
      const passes = readGatePasses(request.body, gatesAhead, errors)
      const form = (errs: Record<string, string>, status: number, askAboutGates = passes.length > 0) =>
        renderForm(reply, opts, values, request.body, errs, status, {
          ...gatePassesContext(request.body, askAboutGates ? gatesAhead : [], errs),
        })
      const invalid = (errs: Record<string, string>) => form(errs, 400)
      return handleForm(reply, {
        errors: Object.keys(errors).length > 0 ? { ...validateProject(values), ...errors } : {},
        save: () => projects.create(request.actor!, values, { gatesPassedBeforeOversight: passes }),
        onInvalid: (errs) => invalid({ ...errs, ...errors }),
        // A new project has passed no gate: the stage it needs is named, as on a refused change of stage,
        // and the form asks whether each gate on the way was passed before Oversight.
        onConflict: (err) => {
          if (err instanceof StageChangeRefused) return form({ stage: err.problems.join('. ') }, 409, true)
          if (!(err instanceof ConflictError)) throw err
          return invalid({})
        },
        onSaved: (project) => {
          reply.flash(`Project ${project.reference} added`)
          return reply.redirect(`/projects/${project.id}`, 303)
        },
      })
    },
  )

  app.get<{ Params: { id: number }; Querystring: { reports?: string } }>(
    '/projects/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: { params: IdParams, querystring: Type.Object({ reports: Type.Optional(Type.String()) }) },
    },
    async (request, reply) => {
      const actor = request.actor!
      const scope = scopeOf(actor)
      const id = request.params.id
      const row = await projects.getListRow(scope, id)
      if (!row) throw notFound('Project')
      return reply.render('projects/views/show.njk', {
        title: row.name,
        breadcrumbs: [
          { text: 'Projects', href: '/projects' },
          { text: row.programme.name, href: `/programmes/${row.programme.id}` },
        ],
        project: projectRowView(row, actor.ratingScale),
        reportingPeriod: currentPeriod(),
        canEdit: allows('project.write', actor.role),
        canWrite: allows('delivery.write', actor.role),
        milestoneExports: exportLinks('/milestones/export', { projectId: id }),
        milestones: await app.services.milestones.listForProject(scope, id),
        serviceAssets: await app.services.responsibilities.ofProject(scope, id),
        documentsSection: await documentsSection(app, actor, 'project', id),
        ambitions: await app.services.ambitions.ofProject(scope, id),
        outputs: (await app.services.outputs.listForProject(scope, id)).map(outputRow),
        benefits: await app.services.benefits.projectRows(scope, id),
        unfilledAtStart: await app.services.resourcing.capacity.demand.unfilledAtStart(scope, id),
        canMoveStart: allows('project.write', actor.role),
        ...(await indicatorsMeasuring(app.services.indicators, scope, 'project', id)),
        ...recentFirst(
          await app.services.statusReports.listForProject(scope, id, actor.ratingScale),
          request.query.reports === 'all',
        ),
      })
    },
  )

  app.get<{ Params: { id: number } }>(
    '/projects/:id/edit',
    { config: { policy: 'project.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const project = await projects.get(scopeOf(request.actor!), request.params.id)
      if (!project) throw notFound('Project')
      const opts = {
        title: `Edit ${project.name}`,
        action: `/projects/${project.id}/edit`,
        backLink: `/projects/${project.id}`,
        version: project.version,
      }
      const partnerIds = await projects.partnerIds(project.organisation_id, project.id)
      return renderForm(reply, opts, toProjectInput(project, partnerIds), null, {})
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/projects/:id/edit',
    { config: { policy: 'project.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const id = request.params.id
      const errors: Record<string, string> = {}
      const values = readProjectForm(request.body, errors)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      const opts = {
        title: 'Edit project',
        action: `/projects/${id}/edit`,
        backLink: `/projects/${id}`,
        version,
      }
      const invalid = (errs: Record<string, string>, status = 400) =>
        renderForm(reply, opts, values, request.body, errs, status)
      return handleForm(reply, {
        errors: Object.keys(errors).length > 0 ? { ...validateProject(values), ...errors } : {},
        save: () => projects.update(actor, id, version, values),
        onInvalid: (errs) => invalid(errs),
        onConflict: async (err) => {
          // A refused stage change is shown against the stage, naming each condition not yet met.
          if (err instanceof StageChangeRefused) return invalid({ stage: err.problems.join('. ') }, 409)
          if (!(err instanceof ConflictError)) throw err
          const saved = err.current as Project
          return renderConflict(reply, {
            title: saved.name,
            recordUrl: `/projects/${id}`,
            action: `/projects/${id}/edit`,
            rows: projectConflictRows(
              values,
              saved,
              await projects.partnerIds(actor.organisationId, id),
              await programmes.options(scopeOf(actor)),
              await app.services.finance.partners(scopeOf(actor)),
              await personChoices(app.database.db, actor.organisationId, [
                values.projectManagerPersonId,
                values.sponsorPersonId,
              ]),
            ),
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        },
        onSaved: () => {
          reply.flash('Project updated')
          return reply.redirect(`/projects/${id}`, 303)
        },
      })
    },
  )
}
