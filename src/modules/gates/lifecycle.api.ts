import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import type { LifecycleGate } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import { Nullable, STANDARD_ERRORS, Timestamp, WRITE_ERRORS } from '../../web/api-schemas.ts'
import type { LifecycleGateRow } from './lifecycle.service.ts'
import { GUARDABLE_STAGES, THRESHOLD_MAX, THRESHOLD_MIN, type GateInput } from './lifecycle.rules.ts'
import { RESOURCES_HINT } from './gates.rules.ts'

const GateParams = Type.Object({ gateId: Type.Integer({ minimum: 1 }) })
const Stage = Type.Unsafe<string | null>({
  type: ['string', 'null'],
  enum: [...GUARDABLE_STAGES.map((s) => s.value), null],
  description: 'The project stage the gate must be passed before, or null',
})

export const LifecycleGateSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    position: Type.Integer({ description: 'Order in the lifecycle, lowest first' }),
    code: Type.String(),
    name: Type.String(),
    description: Type.String(),
    requiredForStage: Nullable(Type.String()),
    requiresResources: Type.Boolean({ description: RESOURCES_HINT }),
    passedCount: Type.Optional(Type.Integer({ description: 'Projects that have passed the gate' })),
    updatedAt: Timestamp,
  },
  { $id: 'LifecycleGate' },
)

const LifecycleSchema = Type.Object(
  {
    version: Type.Integer({ description: "The organisation's version: send it to change the threshold" }),
    riskEscalationThreshold: Type.Integer({
      description: 'Open risks scoring at or above this escalate to the programme',
    }),
    gates: Type.Array(LifecycleGateSchema),
  },
  { $id: 'Lifecycle' },
)

const LifecycleUpdate = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    riskEscalationThreshold: Type.Integer({ minimum: THRESHOLD_MIN, maximum: THRESHOLD_MAX }),
  },
  { additionalProperties: false },
)

const GateFields = {
  code: Type.String({ minLength: 1, maxLength: 10 }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 2000 }),
  requiredForStage: Stage,
  requiresResources: Type.Boolean({ description: RESOURCES_HINT }),
}
const GateCreate = Type.Object(
  {
    code: GateFields.code,
    name: GateFields.name,
    description: Type.Optional(GateFields.description),
    requiredForStage: Type.Optional(GateFields.requiredForStage),
    requiresResources: Type.Optional(GateFields.requiresResources),
  },
  { additionalProperties: false },
)
const GateUpdate = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    ...Object.fromEntries(Object.entries(GateFields).map(([k, v]) => [k, Type.Optional(v)])),
    position: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Move the gate to this place in the lifecycle (1 = first)' }),
    ),
  },
  { additionalProperties: false },
)
function gateJson(g: LifecycleGate | LifecycleGateRow): Static<typeof LifecycleGateSchema> {
  return {
    id: g.id,
    version: g.version,
    position: g.position,
    code: g.code,
    name: g.name,
    description: g.description,
    requiredForStage: g.required_for_stage,
    requiresResources: g.requires_resources === 1,
    ...('passedCount' in g ? { passedCount: g.passedCount } : {}),
    updatedAt: g.updated_at,
  }
}

/** The organisation's lifecycle gates and risk escalation threshold, as the settings page edits them. */
export async function lifecycleApi(app: FastifyInstance) {
  const { lifecycle } = app.services
  const tags = ['Governance settings']

  const current = async (actor: Actor) => {
    const s = await lifecycle.settings(scopeOf(actor))
    return {
      version: s.organisationVersion,
      riskEscalationThreshold: s.riskEscalationThreshold,
      gates: s.gates.map(gateJson),
    }
  }

  app.get(
    '/api/v1/governance/lifecycle',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'The lifecycle gates in order, and the risk escalation threshold',
        response: { 200: LifecycleSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => current(request.actor!),
  )

  app.patch<{ Body: Static<typeof LifecycleUpdate> }>(
    '/api/v1/governance/lifecycle',
    {
      config: { policy: 'governance.configure' },
      schema: {
        tags,
        summary: 'Set the risk escalation threshold (1 to 25)',
        body: LifecycleUpdate,
        response: { 200: LifecycleSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      await lifecycle.setRiskEscalationThreshold(
        request.actor!,
        request.body.version,
        request.body.riskEscalationThreshold,
      )
      return current(request.actor!)
    },
  )

  app.post<{ Body: Static<typeof GateCreate> }>(
    '/api/v1/governance/lifecycle/gates',
    {
      config: { policy: 'governance.configure' },
      schema: {
        tags,
        summary: 'Add a gate at the end of the lifecycle',
        body: GateCreate,
        response: { 201: LifecycleGateSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const b = request.body
      const gate = await lifecycle.addGate(request.actor!, {
        code: b.code,
        name: b.name,
        description: b.description ?? '',
        requiredForStage: b.requiredForStage ?? null,
        requiresResources: b.requiresResources ?? false,
      })
      return reply
        .status(201)
        .header('location', `/api/v1/governance/lifecycle/gates/${gate.id}`)
        .send(gateJson(gate))
    },
  )

  app.get<{ Params: Static<typeof GateParams> }>(
    '/api/v1/governance/lifecycle/gates/:gateId',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read a lifecycle gate',
        params: GateParams,
        response: { 200: LifecycleGateSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const gate = await lifecycle.gate(scopeOf(request.actor!), request.params.gateId)
      if (!gate) throw notFound('Gate')
      return gateJson(gate)
    },
  )

  app.patch<{ Params: Static<typeof GateParams>; Body: Static<typeof GateUpdate> }>(
    '/api/v1/governance/lifecycle/gates/:gateId',
    {
      config: { policy: 'governance.configure' },
      schema: {
        tags,
        summary: 'Rename a gate, change its description or the stage it guards, or move it',
        params: GateParams,
        body: GateUpdate,
        response: { 200: LifecycleGateSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const { version, position, ...patch } = request.body as {
        version: number
        position?: number
      } & Partial<GateInput>
      return gateJson(
        await lifecycle.updateGate(request.actor!, request.params.gateId, version, patch, position),
      )
    },
  )

  app.delete<{ Params: Static<typeof GateParams> }>(
    '/api/v1/governance/lifecycle/gates/:gateId',
    {
      config: { policy: 'governance.configure' },
      schema: {
        tags,
        summary: 'Remove a gate no project has passed (409 otherwise)',
        params: GateParams,
        response: { 204: Type.Null(), ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      await lifecycle.removeGate(request.actor!, request.params.gateId, null)
      return reply.status(204).send()
    },
  )
}
