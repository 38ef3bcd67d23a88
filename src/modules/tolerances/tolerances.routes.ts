import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { ToleranceSettings } from '../../db/schema.ts'
import { ConflictError, notFound } from '../../errors.ts'
import { handleForm, renderConflict, resubmitFields } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import {
  readToleranceForm,
  toleranceConflictRows,
  toleranceFormValues,
  toleranceRows,
} from './tolerances.forms.ts'
import {
  effectiveTolerances,
  TOLERANCE_FIELD_ORDER,
  toleranceKindLabel,
  validateTolerances,
} from './tolerances.rules.ts'
import { toToleranceInput } from './tolerances.service.ts'

const ProgrammeParams = Type.Object({ programmeId: Type.Integer({ minimum: 1 }) })
const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })
const PAGE = 'tolerances/views/settings.njk'

/** Tolerance settings: set on the programme, overridden per project. */
export async function tolerancesRoutes(app: FastifyInstance) {
  const { programmes, projects, tolerances } = app.services

  /** Reads the tolerance form and saves it through the one form helper, which cannot fall through. */
  function save(
    reply: FastifyReply,
    body: FormBody,
    doSave: (version: number | null, input: ReturnType<typeof readToleranceForm>) => Promise<unknown>,
    onInvalid: (errors: Record<string, string>) => Promise<unknown>,
    savedUrl: string,
    recordTitle: string,
  ) {
    const errors: Record<string, string> = {}
    const input = readToleranceForm(body, errors)
    return handleForm(reply, {
      errors: Object.keys(errors).length > 0 ? { ...validateTolerances({ ...input }), ...errors } : {},
      save: () => doSave(optionalInt(field(body, 'version')), input),
      onInvalid,
      // A stale version: both versions on the conflict page. Any other refusal keeps the form with its reason.
      onConflict: (err) => {
        if (!(err instanceof ConflictError)) return onInvalid(err.fields ?? { version: err.message })
        const saved = err.current as ToleranceSettings | undefined
        return renderConflict(reply, {
          title: `Tolerances for ${recordTitle}`,
          recordUrl: savedUrl,
          action: savedUrl,
          rows: toleranceConflictRows(body, saved),
          resubmit: resubmitFields(body),
          savedVersion: saved?.version ?? 0,
        })
      },
      onSaved: () => {
        reply.flash('Tolerances saved')
        return reply.redirect(savedUrl, 303)
      },
    })
  }

  async function programmePage(
    reply: FastifyReply,
    programmeId: number,
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    const actor = reply.request.actor!
    const programme = await programmes.get(scopeOf(actor), programmeId)
    if (!programme) throw notFound('Programme')
    const { programme: saved, projects: overrides } = await tolerances.programmeSettings(
      scopeOf(actor),
      programme.id,
    )
    const projectRows = await projects.forProgramme(scopeOf(actor), programme.id)
    return reply.render(
      PAGE,
      {
        title: `Tolerances for ${programme.name}`,
        breadcrumbs: [
          { text: 'Programmes', href: '/programmes' },
          { text: programme.name, href: `/programmes/${programme.id}` },
        ],
        level: 'programme',
        action: `/programmes/${programme.id}/tolerances`,
        version: saved?.version ?? (body ? field(body, 'version') : ''),
        applies: toleranceRows(effectiveTolerances(toToleranceInput(saved), null)),
        overrides: projectRows
          .filter((p) => overrides.some((o) => o.project_id === p.id))
          .map((p) => ({ id: p.id, reference: p.reference, name: p.name })),
        values: toleranceFormValues(body, saved),
        errors,
        errorList: errorList(errors, ['version', ...TOLERANCE_FIELD_ORDER]),
        canConfigure: allows('governance.configure', actor.role),
      },
      Object.keys(errors).length > 0 ? 400 : undefined,
    )
  }

  async function projectPage(
    reply: FastifyReply,
    projectId: number,
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    const actor = reply.request.actor!
    const project = await projects.get(scopeOf(actor), projectId)
    if (!project) throw notFound('Project')
    const t = await tolerances.projectTolerances(scopeOf(actor), project)
    const exceptions = await tolerances.listExceptions(scopeOf(actor), { projectId: project.id, limit: 20 })
    return reply.render(
      PAGE,
      {
        title: `Tolerances for ${project.name}`,
        breadcrumbs: [
          { text: 'Projects', href: '/projects' },
          { text: project.name, href: `/projects/${project.id}` },
        ],
        level: 'project',
        project,
        action: `/projects/${project.id}/tolerances`,
        programmeUrl: `/programmes/${project.programme_id}/tolerances`,
        version: t.own?.version ?? '',
        applies: toleranceRows(t.effective),
        breaches: t.evaluation.breaches.map((b) => ({ ...b, kindLabel: toleranceKindLabel(b.kind) })),
        notEvaluated: t.evaluation.notEvaluated.map((n) => ({ ...n, kindLabel: toleranceKindLabel(n.kind) })),
        exceptions,
        values: toleranceFormValues(body, t.own),
        errors,
        errorList: errorList(errors, ['version', ...TOLERANCE_FIELD_ORDER]),
        canConfigure: allows('governance.configure', actor.role),
        canRaise: allows('governance.write', actor.role),
      },
      Object.keys(errors).length > 0 ? 400 : undefined,
    )
  }

  app.get<{ Params: { programmeId: number } }>(
    '/programmes/:programmeId/tolerances',
    { config: { policy: 'portfolio.read' }, schema: { params: ProgrammeParams } },
    async (request, reply) => programmePage(reply, request.params.programmeId, null, {}),
  )

  app.post<{ Params: { programmeId: number }; Body: FormBody }>(
    '/programmes/:programmeId/tolerances',
    { config: { policy: 'governance.configure' }, schema: { params: ProgrammeParams, body: FormBody } },
    async (request, reply) => {
      const id = request.params.programmeId
      const programme = await programmes.get(scopeOf(request.actor!), id)
      if (!programme) throw notFound('Programme')
      return save(
        reply,
        request.body,
        (version, input) => tolerances.saveProgrammeTolerances(request.actor!, programme.id, version, input),
        (errors) => programmePage(reply, id, request.body, errors),
        `/programmes/${id}/tolerances`,
        programme.name,
      )
    },
  )

  app.get<{ Params: { projectId: number } }>(
    '/projects/:projectId/tolerances',
    { config: { policy: 'portfolio.read' }, schema: { params: ProjectParams } },
    async (request, reply) => projectPage(reply, request.params.projectId, null, {}),
  )

  app.post<{ Params: { projectId: number }; Body: FormBody }>(
    '/projects/:projectId/tolerances',
    { config: { policy: 'governance.configure' }, schema: { params: ProjectParams, body: FormBody } },
    async (request, reply) => {
      const id = request.params.projectId
      const project = await projects.get(scopeOf(request.actor!), id)
      if (!project) throw notFound('Project')
      return save(
        reply,
        request.body,
        (version, input) => tolerances.saveProjectTolerances(request.actor!, project, version, input),
        (errors) => projectPage(reply, id, request.body, errors),
        `/projects/${id}/tolerances`,
        project.name,
      )
    },
  )
}
