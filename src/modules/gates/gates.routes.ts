import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import { HttpError, notFound } from '../../errors.ts'
import { renderConflict, resubmitFields, handleForm, whenStale } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import {
  capacityLabel,
  DECISION_FIELD_ORDER,
  emptyDecision,
  formatPence,
} from '../decisions/decisions.rules.ts'
import { projectStageLabel } from '../projects/projects.rules.ts'
import {
  approvalFormContext,
  businessCaseFormContext,
  readApprovalForm,
  readBusinessCaseForm,
} from './gates.forms.ts'
import {
  completenessLabel,
  emptyBusinessCase,
  FIVE_CASES,
  RESOURCES_HINT,
  toBusinessCaseInput,
  validateBusinessCase,
} from './gates.rules.ts'
import { GateNotReady } from './gates.service.ts'
import { documentsSection } from '../attachments/attachments.section.ts'

const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })

const BC_FIELD_ORDER = [
  ...FIVE_CASES.flatMap((c) => [`${c.key}State`, `${c.key}Case`]),
  'scopeIn',
  'scopeOut',
  'optionsAppraised',
  'budgetRequested',
]

export async function gatesRoutes(app: FastifyInstance) {
  const { gates, boards } = app.services
  const BC = 'gates/views/business-case.njk'
  const GATES = 'gates/views/gates.njk'

  async function bcPage(
    projectId: number,
    actorRole: Parameters<typeof allows>[1],
    scope: ReturnType<typeof scopeOf>,
  ) {
    const found = await gates.businessCase(scope, projectId)
    if (!found) throw notFound('Project')
    const values = found.businessCase
      ? toBusinessCaseInput(found.businessCase, found.resources)
      : emptyBusinessCase()
    return { found, values, canEdit: allows('governance.write', actorRole) }
  }

  app.get<{ Params: { projectId: number } }>(
    '/projects/:projectId/business-case',
    { config: { policy: 'portfolio.read' }, schema: { params: ProjectParams } },
    async (request, reply) => {
      const actor = request.actor!
      const { found, values, canEdit } = await bcPage(request.params.projectId, actor.role, scopeOf(actor))
      return reply.render(BC, {
        title: `Business case: ${found.project.name}`,
        backLink: `/projects/${found.project.id}`,
        documentsSection: found.businessCase
          ? await documentsSection(app, actor, 'business_case', found.businessCase.id)
          : null,
        project: found.project,
        businessCase: found.businessCase,
        version: found.businessCase?.version ?? '',
        values,
        canEdit,
        completenessLabel,
        errors: {},
        errorList: [],
        ...businessCaseFormContext(values, null, {}),
      })
    },
  )

  app.post<{ Params: { projectId: number }; Body: FormBody }>(
    '/projects/:projectId/business-case',
    { config: { policy: 'governance.write' }, schema: { params: ProjectParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const { projectId } = request.params
      const { found } = await bcPage(projectId, actor.role, scopeOf(actor))
      const errors: Record<string, string> = {}
      const values = readBusinessCaseForm(request.body, errors)
      const versionText = field(request.body, 'version')
      const version = versionText === '' ? null : optionalInt(versionText)
      const invalid = (errs: Record<string, string>) =>
        reply.render(
          BC,
          {
            title: `Business case: ${found.project.name}`,
            backLink: `/projects/${projectId}`,
            project: found.project,
            businessCase: found.businessCase,
            version: versionText,
            values,
            canEdit: true,
            completenessLabel,
            errors: errs,
            errorList: errorList(errs, BC_FIELD_ORDER),
            ...businessCaseFormContext(values, request.body, errs),
          },
          400,
        )
      if (Object.keys(errors).length > 0) return invalid({ ...validateBusinessCase(values), ...errors })
      return handleForm(reply, {
        save: () => gates.saveBusinessCase(actor, projectId, version, values),
        onInvalid: invalid,
        onConflict: whenStale(() =>
          renderConflict(reply, {
            title: `Business case: ${found.project.name}`,
            recordUrl: `/projects/${projectId}/business-case`,
            action: `/projects/${projectId}/business-case`,
            rows: [{ label: 'Business case', yours: 'Your changes', saved: 'Changed by someone else' }],
            resubmit: resubmitFields(request.body),
            savedVersion: found.businessCase?.version ?? 0,
          }),
        ),
        onSaved: () => {
          reply.flash('Business case saved')
          return reply.redirect(`/projects/${projectId}/gates`, 303)
        },
      })
    },
  )

  async function gatesContext(projectId: number, scope: ReturnType<typeof scopeOf>) {
    const views = await gates.projectGates(scope, projectId)
    if (!views) throw notFound('Project')
    const found = await gates.businessCase(scope, projectId)
    const next = views.find((v) => v.record === null)
    return {
      project: found!.project,
      stageLabel: projectStageLabel(found!.project.stage),
      budgetRequested: formatPence(found!.businessCase?.budget_requested_pence),
      gates: views.map((v) => ({
        ...v,
        isNext: v === next,
        decisionCapacity: v.decision ? capacityLabel(v.decision.capacity) : '',
        unmet: v.conditions.filter((c) => !c.met).length,
      })),
      next: next ?? null,
      resourcesHint: RESOURCES_HINT,
      // The conditions are the same for every gate that checks them: shown once, for the delivery gate.
      conditionsGate: views.find((v) => v.conditions.length > 0) ?? null,
    }
  }

  app.get<{ Params: { projectId: number } }>(
    '/projects/:projectId/gates',
    { config: { policy: 'portfolio.read' }, schema: { params: ProjectParams } },
    async (request, reply) => {
      const actor = request.actor!
      const ctx = await gatesContext(request.params.projectId, scopeOf(actor))
      const values = { ...emptyDecision(), title: ctx.next ? `${ctx.next.gate.name} approved` : '' }
      return reply.render(GATES, {
        title: `Gates: ${ctx.project.name}`,
        backLink: `/projects/${ctx.project.id}`,
        ...ctx,
        canDecide: allows('decision.record', actor.role),
        values,
        errors: {},
        errorList: [],
        ...approvalFormContext(values, null, await boards.list(scopeOf(actor))),
      })
    },
  )

  app.post<{ Params: { projectId: number }; Body: FormBody }>(
    '/projects/:projectId/gates',
    { config: { policy: 'decision.record' }, schema: { params: ProjectParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const { projectId } = request.params
      const ctx = await gatesContext(projectId, scopeOf(actor))
      const errors: Record<string, string> = {}
      const values = readApprovalForm(request.body, errors)
      const override = field(request.body, 'override') === 'yes'
      const gateId = optionalInt(field(request.body, 'gateId')) ?? 0
      const show = async (errs: Record<string, string>, status: number) =>
        reply.render(
          GATES,
          {
            title: `Gates: ${ctx.project.name}`,
            backLink: `/projects/${projectId}`,
            ...ctx,
            canDecide: true,
            values,
            override,
            errors: errs,
            errorList: errorList(errs, ['gate', 'resources', ...DECISION_FIELD_ORDER, 'approvedBudget']),
            ...approvalFormContext(values, request.body, await boards.list(scopeOf(actor))),
          },
          status,
        )
      if (Object.keys(errors).length > 0) return show(errors, 400)
      try {
        await gates.approveGate(actor, projectId, gateId, values, override)
      } catch (err) {
        if (err instanceof HttpError && (err.statusCode === 400 || err instanceof GateNotReady))
          return show(err.fields ?? { gate: err.message }, err.statusCode)
        if (err instanceof HttpError && err.statusCode === 404) return show({ gate: 'Select a gate' }, 400)
        if (err instanceof HttpError && err.statusCode === 409) return show({ gate: err.message }, 409)
        throw err
      }
      const gate = ctx.gates.find((g) => g.gate.id === gateId)
      reply.flash(
        `${gate?.gate.name ?? 'Gate'} ${override ? 'overridden by a recorded decision' : 'approved'}`,
      )
      return reply.redirect(`/projects/${projectId}/gates`, 303)
    },
  )
}
