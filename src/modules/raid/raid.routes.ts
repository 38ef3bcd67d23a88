import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { Project, Risk, RiskAction } from '../../db/schema.ts'
import { formatDate } from '../../domain/dates.ts'
import { notFound } from '../../errors.ts'
import { handleForm, readDate, renderConflict, resubmitFields, whenStale } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import { EXPORT_FORMATS, exportLinks, inBatches, sendExport } from '../../web/exports.ts'
import { issuesExport, risksExport } from './raid.export.ts'
import { ownerFieldView, personChoices, readOwner } from '../resourcing/person-refs.ts'
import { heatMap } from './raid.heat-map.ts'
import { assumptionOwnerField, assumptionStatusLabel, dependencyStatusLabel } from './raid-items.forms.ts'
import {
  emptyRisk,
  issueFormContext,
  readIssueForm,
  readRiskForm,
  riskConflictRows,
  riskFormContext,
  riskRowView,
} from './raid.forms.ts'
import { issueStatusLabel, priorityLabel, validateIssue, validateRisk } from './raid.rules.ts'
import { toRiskInput, type RaidFilter } from './raid.service.ts'
import type { RiskInput, IssueInput } from './raid.rules.ts'

const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })
const ProgrammeParams = Type.Object({ programmeId: Type.Integer({ minimum: 1 }) })
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })

// A GET link sends what the page put in it; values that do not fit are ignored, as on the list pages.
const ExportQuery = Type.Object({
  projectId: Type.Optional(Type.String()),
  programmeId: Type.Optional(Type.String()),
  status: Type.Optional(Type.String()),
  escalated: Type.Optional(Type.String()),
})

export async function raidRoutes(app: FastifyInstance) {
  const { raid, raidLog, programmes } = app.services

  // The RAID page's risks and issues as downloads, through the same lists (and visibility) as the page.
  const exportFilter = (q: Static<typeof ExportQuery>): RaidFilter => ({
    projectId: optionalInt(q.projectId ?? '') ?? undefined,
    programmeId: optionalInt(q.programmeId ?? '') ?? undefined,
    status: q.status || undefined,
    escalated: q.escalated === 'yes',
  })
  for (const format of EXPORT_FORMATS) {
    const opts = { config: { policy: 'portfolio.read' as const }, schema: { querystring: ExportQuery } }
    app.get<{ Querystring: Static<typeof ExportQuery> }>(
      `/risks/export.${format}`,
      opts,
      (request, reply) => {
        const actor = request.actor!
        const filter = exportFilter(request.query)
        const rows = inBatches((w) => raid.listRisks(scopeOf(actor), { ...filter, ...w }))
        return sendExport(reply, format, actor.organisationSlug, risksExport, rows)
      },
    )
    app.get<{ Querystring: Static<typeof ExportQuery> }>(
      `/issues/export.${format}`,
      opts,
      (request, reply) => {
        const actor = request.actor!
        const filter = exportFilter(request.query)
        const rows = inBatches((w) => raid.listIssues(scopeOf(actor), { ...filter, ...w }))
        return sendExport(reply, format, actor.organisationSlug, issuesExport, rows)
      },
    )
  }
  /** The people register for an owner field, keeping the person already chosen even if they have left. */
  const people = (reply: FastifyReply, chosen?: number | null) =>
    personChoices(app.database.db, reply.request.actor!.organisationId, [chosen])

  async function projectOr404(request: { actor?: unknown }, projectId: number): Promise<Project> {
    const actor = (request as { actor: Parameters<typeof scopeOf>[0] }).actor
    const project = await raid.project(scopeOf(actor), projectId)
    if (!project) throw notFound('Project')
    return project
  }

  async function raidPage(
    reply: FastifyReply,
    project: Project,
    formErrors: Record<string, string> = {},
    status = 200,
  ) {
    const actor = reply.request.actor!
    const scope = scopeOf(actor)
    const [risks, issues, assumptions, dependencies, threshold] = await Promise.all([
      raid.listRisks(scope, { projectId: project.id }),
      raid.listIssues(scope, { projectId: project.id }),
      raidLog.assumptions(scope, project.id),
      raidLog.dependencies(scope, project.id),
      raid.threshold(scope),
    ])
    const open = risks.filter((r) => r.status === 'open')
    const map = heatMap(
      'risk-heat-map',
      `Open risks for ${project.reference}`,
      open.map((r) => ({
        likelihood: r.residual_likelihood ?? r.likelihood,
        impact: r.residual_impact ?? r.impact,
      })),
    )
    return reply.render(
      'raid/views/project.njk',
      {
        title: `RAID log: ${project.name}`,
        riskExports: exportLinks('/risks/export', { projectId: project.id }),
        issueExports: exportLinks('/issues/export', { projectId: project.id }),
        backLink: `/projects/${project.id}`,
        project,
        risks: risks.map(riskRowView),
        issues: issues.map((i) => ({
          ...i,
          priorityLabel: priorityLabel(i.priority),
          statusLabel: issueStatusLabel(i.status),
          dueText: formatDate(i.due_date) || 'Not set',
        })),
        assumptions: assumptions.map((a) => ({ ...a, statusLabel: assumptionStatusLabel(a.status) })),
        dependencies: dependencies.map((d) => ({
          ...d,
          neededByText: formatDate(d.needed_by) || 'Not set',
          statusLabel: dependencyStatusLabel(d.status),
        })),
        heatMapSvg: map.svg,
        heatMapTable: map.table,
        threshold,
        canWrite: allows('governance.write', actor.role),
        errors: formErrors,
        errorList: errorList(formErrors),
        assumptionOwner: assumptionOwnerField({ owner: '' }, formErrors, await people(reply)),
        otherProjects: [
          { value: '', text: 'Not another project' },
          ...(await app.services.projects.listProjects(scope, { limit: 1000 }))
            .filter((p) => p.id !== project.id)
            .map((p) => ({ value: String(p.id), text: `${p.reference} – ${p.name}` })),
        ],
      },
      status,
    )
  }

  app.get<{ Params: { projectId: number } }>(
    '/projects/:projectId/risks',
    { config: { policy: 'portfolio.read' }, schema: { params: ProjectParams } },
    async (request, reply) => raidPage(reply, await projectOr404(request, request.params.projectId)),
  )

  const RISK_FORM = 'raid/views/risk-form.njk'

  app.get<{ Params: { projectId: number } }>(
    '/projects/:projectId/risks/new',
    { config: { policy: 'governance.write' }, schema: { params: ProjectParams } },
    async (request, reply) => {
      const project = await projectOr404(request, request.params.projectId)
      return reply.render(RISK_FORM, {
        title: 'Add a risk',
        backLink: `/projects/${project.id}/risks`,
        action: `/projects/${project.id}/risks`,
        project,
        ...riskFormContext(emptyRisk(), null, {}, await people(reply)),
      })
    },
  )

  app.post<{ Params: { projectId: number }; Body: FormBody }>(
    '/projects/:projectId/risks',
    { config: { policy: 'governance.write' }, schema: { params: ProjectParams, body: FormBody } },
    async (request, reply) => {
      const project = await projectOr404(request, request.params.projectId)
      const errors: Record<string, string> = {}
      const values = readRiskForm(request.body, errors)
      const choices = await people(reply, values.ownerPersonId)
      const invalid = (errs: Record<string, string>) =>
        reply.render(
          RISK_FORM,
          {
            title: 'Add a risk',
            backLink: `/projects/${project.id}/risks`,
            action: `/projects/${project.id}/risks`,
            project,
            ...riskFormContext(values, request.body, errs, choices),
          },
          400,
        )
      if (Object.keys(errors).length > 0) return invalid({ ...validateRisk(values), ...errors })
      return handleForm(reply, {
        save: () => raid.createRisk(request.actor!, project.id, values),
        onInvalid: invalid,
        onConflict: whenStale(() => invalid({})),
        onSaved: (saved) => {
          reply.flash(
            `Risk ‘${saved.title}’ added${saved.escalated ? ' and escalated to the programme' : ''}`,
          )
          return reply.redirect(`/risks/${saved.id}`, 303)
        },
      })
    },
  )

  async function riskPage(
    reply: FastifyReply,
    id: number,
    actionErrors: Record<string, string> = {},
    status = 200,
  ) {
    const actor = reply.request.actor!
    const risk = await raid.getRisk(scopeOf(actor), id)
    if (!risk) throw notFound('Risk')
    const actions = await raid.actions(scopeOf(actor), risk.id)
    return reply.render(
      'raid/views/risk.njk',
      {
        title: risk.title,
        backLink: `/projects/${risk.project_id}/risks`,
        risk: riskRowView(risk),
        actions: actions.map((a) => ({ ...a, dueText: formatDate(a.due_date) || 'Not set' })),
        canWrite: allows('governance.write', actor.role),
        errors: actionErrors,
        errorList: errorList(actionErrors, ['action', 'actionOwnerPersonId', 'actionOwner', 'actionDue']),
        actionOwner: ownerFieldView(
          {
            legend: 'Owner',
            hint: 'Who will take the action',
            idField: 'actionOwnerPersonId',
            nameField: 'actionOwner',
          },
          await people(reply),
          { personId: null, name: '' },
          actionErrors,
        ),
      },
      status,
    )
  }

  app.get<{ Params: { id: number } }>(
    '/risks/:id',
    { config: { policy: 'portfolio.read' }, schema: { params: IdParams } },
    async (request, reply) => riskPage(reply, request.params.id),
  )

  app.get<{ Params: { id: number } }>(
    '/risks/:id/edit',
    { config: { policy: 'governance.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const risk = await raid.getRisk(scopeOf(request.actor!), request.params.id)
      if (!risk) throw notFound('Risk')
      return reply.render(RISK_FORM, {
        title: 'Edit risk',
        backLink: `/risks/${risk.id}`,
        action: `/risks/${risk.id}/edit`,
        version: risk.version,
        ...riskFormContext(toRiskInput(risk), null, {}, await people(reply, risk.owner_person_id)),
      })
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/risks/:id/edit',
    { config: { policy: 'governance.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const id = request.params.id
      if (!(await raid.getRisk(scopeOf(request.actor!), id))) throw notFound('Risk')
      const errors: Record<string, string> = {}
      const values: RiskInput = readRiskForm(request.body, errors)
      const choices = await people(reply, values.ownerPersonId)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      const form = (errs: Record<string, string>, status: number) =>
        reply.render(
          RISK_FORM,
          {
            title: 'Edit risk',
            backLink: `/risks/${id}`,
            action: `/risks/${id}/edit`,
            version,
            ...riskFormContext(values, request.body, errs, choices),
          },
          status,
        )
      if (Object.keys(errors).length > 0) return form({ ...validateRisk(values), ...errors }, 400)
      return handleForm(reply, {
        save: () => raid.updateRisk(request.actor!, id, version, values),
        onInvalid: (errs) => form(errs, 400),
        onConflict: whenStale((conflict) => {
          const saved = conflict.current as Risk
          return renderConflict(reply, {
            title: saved.title,
            recordUrl: `/risks/${id}`,
            action: `/risks/${id}/edit`,
            rows: riskConflictRows(values, toRiskInput(saved), choices),
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: () => {
          reply.flash('Risk updated')
          return reply.redirect(`/risks/${id}`, 303)
        },
      })
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/risks/:id/actions',
    { config: { policy: 'governance.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const id = request.params.id
      if (!(await raid.getRisk(scopeOf(request.actor!), id))) throw notFound('Risk')
      const doneId = optionalInt(field(request.body, 'done'))
      if (doneId !== null) {
        const version = optionalInt(field(request.body, 'version')) ?? 0
        return handleForm(reply, {
          save: () => raid.completeAction(request.actor!, id, doneId, version),
          onInvalid: (errs) => riskPage(reply, id, errs, 400),
          onConflict: whenStale((conflict) => {
            const saved = conflict.current as RiskAction
            const state = (done: number) => (done ? 'Done' : 'Not done')
            return renderConflict(reply, {
              title: saved.action,
              recordUrl: `/risks/${id}#actions`,
              action: `/risks/${id}/actions`,
              rows: [{ label: 'Action', yours: 'Done', saved: state(saved.done) }],
              resubmit: resubmitFields(request.body),
              savedVersion: saved.version,
            })
          }),
          onSaved: () => {
            reply.flash('Action marked as done')
            return reply.redirect(`/risks/${id}#actions`, 303)
          },
        })
      }
      const errors: Record<string, string> = {}
      const owner = readOwner(request.body, 'actionOwnerPersonId', 'actionOwner')
      const input = {
        action: field(request.body, 'action'),
        ownerPersonId: owner.personId,
        owner: owner.name,
        dueDate: readDate(request.body, 'actionDue', 'Due date', errors),
      }
      if (Object.keys(errors).length > 0) return riskPage(reply, id, errors, 400)
      return handleForm(reply, {
        save: () => raid.addAction(request.actor!, id, input),
        onInvalid: (errs) => riskPage(reply, id, errs, 400),
        onConflict: whenStale(() => riskPage(reply, id, {}, 409)),
        onSaved: () => {
          reply.flash('Mitigating action added')
          return reply.redirect(`/risks/${id}#actions`, 303)
        },
      })
    },
  )

  const ISSUE_FORM = 'raid/views/issue-form.njk'

  app.get<{ Params: { projectId: number } }>(
    '/projects/:projectId/issues/new',
    { config: { policy: 'governance.write' }, schema: { params: ProjectParams } },
    async (request, reply) => {
      const project = await projectOr404(request, request.params.projectId)
      const values: IssueInput = {
        title: '',
        description: '',
        priority: '',
        ownerPersonId: null,
        owner: null,
        resolution: '',
        dueDate: null,
        status: 'open',
      }
      return reply.render(ISSUE_FORM, {
        title: 'Add an issue',
        backLink: `/projects/${project.id}/risks`,
        action: `/projects/${project.id}/issues`,
        ...issueFormContext(values, null, {}, await people(reply)),
      })
    },
  )

  app.post<{ Params: { projectId: number }; Body: FormBody }>(
    '/projects/:projectId/issues',
    { config: { policy: 'governance.write' }, schema: { params: ProjectParams, body: FormBody } },
    async (request, reply) => {
      const project = await projectOr404(request, request.params.projectId)
      const errors: Record<string, string> = {}
      const values = readIssueForm(request.body, errors)
      const choices = await people(reply, values.ownerPersonId)
      const invalid = (errs: Record<string, string>) =>
        reply.render(
          ISSUE_FORM,
          {
            title: 'Add an issue',
            backLink: `/projects/${project.id}/risks`,
            action: `/projects/${project.id}/issues`,
            ...issueFormContext(values, request.body, errs, choices),
          },
          400,
        )
      if (Object.keys(errors).length > 0) return invalid({ ...validateIssue(values), ...errors })
      return handleForm(reply, {
        save: () => raid.createIssue(request.actor!, project.id, values),
        onInvalid: invalid,
        onConflict: whenStale(() => invalid({})),
        onSaved: (saved) => {
          reply.flash(`Issue ‘${saved.title}’ added`)
          return reply.redirect(`/projects/${project.id}/risks#issues`, 303)
        },
      })
    },
  )

  app.post<{ Params: { projectId: number }; Body: FormBody }>(
    '/projects/:projectId/assumptions',
    { config: { policy: 'governance.write' }, schema: { params: ProjectParams, body: FormBody } },
    async (request, reply) => {
      const project = await projectOr404(request, request.params.projectId)
      const owner = readOwner(request.body, 'assumptionOwnerPersonId', 'assumptionOwner')
      const input = {
        description: field(request.body, 'assumptionDescription'),
        ownerPersonId: owner.personId,
        owner: owner.name,
      }
      return handleForm(reply, {
        save: () => raidLog.addAssumption(request.actor!, project.id, input),
        onInvalid: (errs) => raidPage(reply, project, errs, 400),
        onConflict: whenStale(() => raidPage(reply, project, {}, 409)),
        onSaved: () => {
          reply.flash('Assumption added')
          return reply.redirect(`/projects/${project.id}/risks#assumptions`, 303)
        },
      })
    },
  )

  app.post<{ Params: { projectId: number }; Body: FormBody }>(
    '/projects/:projectId/dependencies',
    { config: { policy: 'governance.write' }, schema: { params: ProjectParams, body: FormBody } },
    async (request, reply) => {
      const project = await projectOr404(request, request.params.projectId)
      const errors: Record<string, string> = {}
      const input = {
        description: field(request.body, 'dependencyDescription'),
        dependsOnProjectId: optionalInt(field(request.body, 'dependsOnProjectId')),
        partnerName: field(request.body, 'partnerName'),
        neededBy: readDate(request.body, 'neededBy', 'Needed-by date', errors),
      }
      if (Object.keys(errors).length > 0) return raidPage(reply, project, errors, 400)
      return handleForm(reply, {
        save: () => raidLog.addDependency(request.actor!, project.id, input),
        onInvalid: (errs) => raidPage(reply, project, errs, 400),
        onConflict: whenStale(() => raidPage(reply, project, {}, 409)),
        onSaved: () => {
          reply.flash('Dependency added')
          return reply.redirect(`/projects/${project.id}/risks#dependencies`, 303)
        },
      })
    },
  )

  app.get<{ Params: { programmeId: number } }>(
    '/programmes/:programmeId/risks',
    { config: { policy: 'portfolio.read' }, schema: { params: ProgrammeParams } },
    async (request, reply) => {
      const scope = scopeOf(request.actor!)
      const programme = await programmes.get(scope, request.params.programmeId)
      if (!programme) throw notFound('Programme')
      const [risks, threshold] = await Promise.all([
        raid.listRisks(scope, { programmeId: programme.id, status: 'open' }),
        raid.threshold(scope),
      ])
      const map = heatMap(
        'programme-heat-map',
        `Open risks across ${programme.name}`,
        risks.map((r) => ({
          likelihood: r.residual_likelihood ?? r.likelihood,
          impact: r.residual_impact ?? r.impact,
        })),
      )
      const rows = risks.map(riskRowView)
      return reply.render('raid/views/programme.njk', {
        title: `Risks: ${programme.name}`,
        backLink: `/programmes/${programme.id}`,
        programme,
        escalated: rows.filter((r) => r.escalated === 1),
        risks: rows,
        threshold,
        heatMapSvg: map.svg,
        heatMapTable: map.table,
      })
    },
  )
}
