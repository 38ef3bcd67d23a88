import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { LifecycleGate, Organisation } from '../../db/schema.ts'
import { ConflictError, notFound } from '../../errors.ts'
import { renderConflict, resubmitFields, handleForm, whenStale } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import { projectStageLabel } from '../projects/projects.rules.ts'
import { GateInUse, toGateInput } from './lifecycle.service.ts'
import { RESOURCES_HINT } from './gates.rules.ts'
import { GATE_FIELD_ORDER, GUARDABLE_STAGES, THRESHOLD_ERROR, type GateInput } from './lifecycle.rules.ts'

const GateParams = Type.Object({ gateId: Type.Integer({ minimum: 1 }) })
const SETTINGS = '/governance/lifecycle'
const STALE =
  'Someone else changed the lifecycle after you opened this page. Check the gates below and try again.'

function readGateForm(body: FormBody): GateInput {
  const stage = field(body, 'requiredForStage')
  return {
    name: field(body, 'name'),
    code: field(body, 'code'),
    description: field(body, 'description'),
    requiredForStage: stage === '' || stage === 'none' ? null : stage,
    requiresResources: field(body, 'requiresResources') === 'yes',
  }
}

const stageText = (s: string | null) => (s === null ? 'None' : projectStageLabel(s))

/**
 * Lifecycle settings: the organisation's gates in order, the stage each guards, and the risk escalation
 * threshold. Only those who may configure governance reach these pages; everyone reads the lifecycle
 * through each project's gates page and the API.
 */
export async function lifecycleRoutes(app: FastifyInstance) {
  const { lifecycle } = app.services

  async function settingsPage(
    reply: FastifyReply,
    errors: Record<string, string> = {},
    status?: number,
    thresholdValue?: string,
  ) {
    const s = await lifecycle.settings(scopeOf(reply.request.actor!))
    return reply.render(
      'gates/views/lifecycle.njk',
      {
        title: 'Lifecycle gates and risk escalation',
        breadcrumbs: [{ text: 'Governance health check', href: '/governance' }],
        gates: s.gates.map((g, i) => ({
          ...g,
          stageText: stageText(g.required_for_stage),
          first: i === 0,
          last: i === s.gates.length - 1,
        })),
        threshold: thresholdValue ?? String(s.riskEscalationThreshold),
        organisationVersion: s.organisationVersion,
        errors,
        errorList: errorList(errors, ['gate', 'riskEscalationThreshold']),
      },
      status ?? (Object.keys(errors).length > 0 ? 400 : undefined),
    )
  }

  async function gateForm(
    reply: FastifyReply,
    gate: LifecycleGate | null,
    values: GateInput,
    errors: Record<string, string> = {},
  ) {
    const { gates } = await lifecycle.settings(scopeOf(reply.request.actor!))
    const guardedBy = (stage: string) =>
      gates.find((g) => g.required_for_stage === stage && g.id !== gate?.id)
    return reply.render(
      'gates/views/lifecycle-gate-form.njk',
      {
        title: gate ? `Change the ${gate.name} gate` : 'Add a gate',
        backLink: SETTINGS,
        action: gate ? `${SETTINGS}/gates/${gate.id}/edit` : `${SETTINGS}/gates`,
        version: gate?.version ?? '',
        values,
        stages: [
          {
            value: 'none',
            text: 'None – the gate is recorded but guards no stage',
            checked: values.requiredForStage === null,
          },
          ...GUARDABLE_STAGES.map((s) => {
            const other = guardedBy(s.value)
            return {
              value: s.value,
              text: s.text,
              checked: values.requiredForStage === s.value,
              hint: other ? { text: `Already guarded by the ${other.name} gate` } : undefined,
            }
          }),
        ],
        resourcesHint: RESOURCES_HINT,
        errors,
        errorList: errorList(errors, GATE_FIELD_ORDER),
      },
      Object.keys(errors).length > 0 ? 400 : undefined,
    )
  }

  /** A move or removal from a stale page: someone changed the gate since, so the step waits for a deliberate repeat. */
  function staleGate(reply: FastifyReply, saved: LifecycleGate, yours: string, step: string, body: FormBody) {
    return renderConflict(reply, {
      title: `the ${saved.name} gate`,
      recordUrl: SETTINGS,
      action: `${SETTINGS}/gates/${saved.id}/${step}`,
      rows: [
        { label: 'Gate', yours: saved.name, saved: saved.name },
        { label: 'Your change', yours, saved: 'Not made' },
      ],
      resubmit: resubmitFields(body),
      savedVersion: saved.version,
    })
  }

  app.get(SETTINGS, { config: { policy: 'governance.configure' } }, async (_request, reply) =>
    settingsPage(reply),
  )

  app.post<{ Body: FormBody }>(
    `${SETTINGS}/threshold`,
    { config: { policy: 'governance.configure' }, schema: { body: FormBody } },
    async (request, reply) => {
      const raw = field(request.body, 'riskEscalationThreshold')
      const value = /^\d{1,2}$/.test(raw) ? Number(raw) : null
      return handleForm(reply, {
        save: () =>
          lifecycle.setRiskEscalationThreshold(
            request.actor!,
            optionalInt(field(request.body, 'version')) ?? 0,
            value,
          ),
        onInvalid: () => settingsPage(reply, { riskEscalationThreshold: THRESHOLD_ERROR }, 400, raw),
        onConflict: whenStale((conflict) => {
          const saved = conflict.current as Organisation
          return renderConflict(reply, {
            title: 'the risk escalation threshold',
            recordUrl: `${SETTINGS}#threshold`,
            action: `${SETTINGS}/threshold`,
            rows: [
              {
                label: 'Risk escalation threshold',
                yours: raw,
                saved: String(saved.risk_escalation_threshold),
              },
            ],
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: () => {
          reply.flash(`Risks scoring ${value} or more now escalate to the programme`)
          return reply.redirect(`${SETTINGS}#threshold`, 303)
        },
      })
    },
  )

  app.get(`${SETTINGS}/gates/new`, { config: { policy: 'governance.configure' } }, async (_request, reply) =>
    gateForm(reply, null, {
      name: '',
      code: '',
      description: '',
      requiredForStage: null,
      requiresResources: false,
    }),
  )

  app.post<{ Body: FormBody }>(
    `${SETTINGS}/gates`,
    { config: { policy: 'governance.configure' }, schema: { body: FormBody } },
    async (request, reply) => {
      const values = readGateForm(request.body)
      return handleForm(reply, {
        save: () => lifecycle.addGate(request.actor!, values),
        onInvalid: (errors) => gateForm(reply, null, values, errors),
        onConflict: whenStale(() => gateForm(reply, null, values, { name: STALE })),
        onSaved: (saved) => {
          reply.flash(`${saved.name} gate added`)
          return reply.redirect(SETTINGS, 303)
        },
      })
    },
  )

  app.get<{ Params: { gateId: number } }>(
    `${SETTINGS}/gates/:gateId/edit`,
    { config: { policy: 'governance.configure' }, schema: { params: GateParams } },
    async (request, reply) => {
      const gate = await lifecycle.gate(scopeOf(request.actor!), request.params.gateId)
      if (!gate) throw notFound('Gate')
      return gateForm(reply, gate, toGateInput(gate))
    },
  )

  app.post<{ Params: { gateId: number }; Body: FormBody }>(
    `${SETTINGS}/gates/:gateId/edit`,
    { config: { policy: 'governance.configure' }, schema: { params: GateParams, body: FormBody } },
    async (request, reply) => {
      const gate = await lifecycle.gate(scopeOf(request.actor!), request.params.gateId)
      if (!gate) throw notFound('Gate')
      const values = readGateForm(request.body)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      return handleForm(reply, {
        save: () => lifecycle.updateGate(request.actor!, gate.id, version, values),
        onInvalid: (errors) => gateForm(reply, gate, values, errors),
        onConflict: whenStale((conflict) => {
          const saved = conflict.current as LifecycleGate
          return renderConflict(reply, {
            title: `${saved.name} gate`,
            recordUrl: SETTINGS,
            action: `${SETTINGS}/gates/${gate.id}/edit`,
            rows: [
              { label: 'Name', yours: values.name, saved: saved.name },
              { label: 'Code', yours: values.code, saved: saved.code },
              { label: 'Description', yours: values.description, saved: saved.description },
              {
                label: 'Must be passed before',
                yours: stageText(values.requiredForStage),
                saved: stageText(saved.required_for_stage),
              },
              {
                label: 'Resources in place',
                yours: values.requiresResources ? 'Required' : 'Not required',
                saved: saved.requires_resources === 1 ? 'Required' : 'Not required',
              },
            ],
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: (saved) => {
          reply.flash(`${saved.name} gate saved`)
          return reply.redirect(SETTINGS, 303)
        },
      })
    },
  )

  app.post<{ Params: { gateId: number }; Body: FormBody }>(
    `${SETTINGS}/gates/:gateId/move`,
    { config: { policy: 'governance.configure' }, schema: { params: GateParams, body: FormBody } },
    async (request, reply) => {
      const direction = field(request.body, 'direction') === 'up' ? 'up' : 'down'
      return handleForm(reply, {
        save: () =>
          lifecycle.moveGate(
            request.actor!,
            request.params.gateId,
            optionalInt(field(request.body, 'version')) ?? 0,
            direction,
          ),
        onInvalid: (errors) => settingsPage(reply, errors, 400),
        onConflict: whenStale((conflict) =>
          staleGate(reply, conflict.current as LifecycleGate, `Move ${direction}`, 'move', request.body),
        ),
        onSaved: (moved) => {
          reply.flash(`${moved.name} gate moved ${direction}`)
          return reply.redirect(SETTINGS, 303)
        },
      })
    },
  )

  app.post<{ Params: { gateId: number }; Body: FormBody }>(
    `${SETTINGS}/gates/:gateId/remove`,
    { config: { policy: 'governance.configure' }, schema: { params: GateParams, body: FormBody } },
    async (request, reply) => {
      const gate = await lifecycle.gate(scopeOf(request.actor!), request.params.gateId)
      if (!gate) throw notFound('Gate')
      return handleForm(reply, {
        save: () =>
          lifecycle.removeGate(request.actor!, gate.id, optionalInt(field(request.body, 'version')) ?? 0),
        onInvalid: (errors) => settingsPage(reply, errors, 400),
        onConflict: (err) => {
          if (err instanceof GateInUse) return settingsPage(reply, { gate: err.message }, 409)
          if (!(err instanceof ConflictError)) throw err
          return staleGate(reply, err.current as LifecycleGate, 'Remove it', 'remove', request.body)
        },
        onSaved: () => {
          reply.flash(`${gate.name} gate removed`)
          return reply.redirect(SETTINGS, 303)
        },
      })
    },
  )
}
