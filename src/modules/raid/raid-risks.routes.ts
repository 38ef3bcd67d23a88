import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { Risk, RiskAction } from '../../db/schema.ts'
import { formatDate } from '../../domain/dates.ts'
import { notFound } from '../../errors.ts'
import { handleForm, readDate, renderConflict, resubmitFields, whenStale } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import { ownerFieldView, readOwner } from '../resourcing/person-refs.ts'
import { emptyRisk, readRiskForm, riskConflictRows, riskFormContext, riskRowView } from './raid.forms.ts'
import { validateRisk } from './raid.rules.ts'
import { toRiskInput } from './raid.service.ts'
import type { RiskInput } from './raid.rules.ts'
import { raidPageContext } from './raid-page-context.ts'

const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })

/** A project's risks: recorded, shown with their actions, edited against their version. */
export async function raidRisksRoutes(app: FastifyInstance) {
  const { raid } = app.services
  const { people, projectOr404 } = raidPageContext(app)

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
}
