import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { Project } from '../../db/schema.ts'
import { formatDate } from '../../domain/dates.ts'
import { notFound } from '../../errors.ts'
import { handleForm, readDate, whenStale } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import { exportLinks } from '../../web/exports.ts'
import { readOwner } from '../resourcing/person-refs.ts'
import { heatMap } from './raid.heat-map.ts'
import { assumptionOwnerField, assumptionStatusLabel, dependencyStatusLabel } from './raid-items.forms.ts'
import { issueFormContext, readIssueForm, riskRowView } from './raid.forms.ts'
import { issueStatusLabel, priorityLabel, validateIssue } from './raid.rules.ts'
import type { IssueInput } from './raid.rules.ts'
import { raidPageContext } from './raid-page-context.ts'
import { raidExportRoutes } from './raid-export.routes.ts'
import { raidRisksRoutes } from './raid-risks.routes.ts'

const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })
const ProgrammeParams = Type.Object({ programmeId: Type.Integer({ minimum: 1 }) })

/**
 * A project's RAID log page (its risks, issues, assumptions and dependencies, with the forms that add to
 * it) and a programme's risks. Risks' own pages and the downloads are slices of their own, registered here.
 */
export async function raidRoutes(app: FastifyInstance) {
  const { raid, raidLog, programmes } = app.services
  const { people, projectOr404 } = raidPageContext(app)

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

  await app.register(raidRisksRoutes)
  await app.register(raidExportRoutes)
}
