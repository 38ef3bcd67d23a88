import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../../auth/actor.ts'
import type { Commitment } from '../../../db/schema.ts'
import { notFound } from '../../../errors.ts'
import { ListOf, MoneyPence, STANDARD_ERRORS, WRITE_ERRORS } from '../../../web/api-schemas.ts'
import { projectIn404 } from '../shared/finance.api-helpers.ts'
import { COMMITMENT_STATUSES } from './commitments.service.ts'

const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })
const CommitmentParams = Type.Object({ commitmentId: Type.Integer({ minimum: 1 }) })
const Status = Type.Union(COMMITMENT_STATUSES.map((s) => Type.Literal(s.value)))

const CommitmentSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    projectId: Type.Integer(),
    supplierName: Type.String(),
    reference: Type.String(),
    description: Type.String(),
    amountPence: MoneyPence(),
    raisedOn: Type.String({ format: 'date' }),
    status: Type.String(),
  },
  { $id: 'Commitment' },
)
const CreateCommitment = Type.Object(
  {
    supplierName: Type.String({ maxLength: 200 }),
    reference: Type.String({ maxLength: 60 }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    amountPence: MoneyPence({ minimum: 1 }),
    raisedOn: Type.String({ format: 'date' }),
  },
  { additionalProperties: false },
)
const UpdateCommitment = Type.Object(
  { version: Type.Integer({ minimum: 1 }), status: Status },
  { additionalProperties: false },
)

const json = (c: Commitment): Static<typeof CommitmentSchema> => ({
  id: c.id,
  version: c.version,
  projectId: c.project_id,
  supplierName: c.supplier_name,
  reference: c.reference,
  description: c.description,
  amountPence: Number(c.amount_pence),
  raisedOn: c.raised_on,
  status: c.status,
})

/** Commitments over the API: listed per project, added, read, and closed with the version read. */
export async function commitmentsApi(app: FastifyInstance) {
  const { finance } = app.services
  const tags = ['Finance']

  app.get<{ Params: Static<typeof ProjectParams> }>(
    '/api/v1/projects/:projectId/commitments',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: "A project's commitments (purchase orders), open ones first",
        params: ProjectParams,
        response: { 200: ListOf(CommitmentSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const rows = await finance.projectCommitments(scopeOf(request.actor!), request.params.projectId)
      if (!rows) throw notFound('Project')
      return { items: rows.map(json), next: null }
    },
  )

  app.post<{ Params: Static<typeof ProjectParams>; Body: Static<typeof CreateCommitment> }>(
    '/api/v1/projects/:projectId/commitments',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Add a commitment (a purchase order not yet invoiced)',
        params: ProjectParams,
        body: CreateCommitment,
        response: { 201: CommitmentSchema, ...WRITE_ERRORS },
      },
      // Another organisation's project answers 404 before the body is judged.
      preValidation: projectIn404(app),
    },
    async (request, reply) => {
      const b = request.body
      const c = await finance.createCommitment(request.actor!, request.params.projectId, {
        supplierName: b.supplierName,
        reference: b.reference,
        description: b.description ?? '',
        amountPence: b.amountPence,
        raisedOn: b.raisedOn,
      })
      return reply.status(201).header('location', `/api/v1/commitments/${c.id}`).send(json(c))
    },
  )

  app.get<{ Params: Static<typeof CommitmentParams> }>(
    '/api/v1/commitments/:commitmentId',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'A commitment',
        params: CommitmentParams,
        response: { 200: CommitmentSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const c = await finance.commitment(scopeOf(request.actor!), request.params.commitmentId)
      if (!c) throw notFound('Commitment')
      return json(c)
    },
  )

  app.patch<{ Params: Static<typeof CommitmentParams>; Body: Static<typeof UpdateCommitment> }>(
    '/api/v1/commitments/:commitmentId',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Mark a commitment invoiced or cancelled (or reopen it)',
        params: CommitmentParams,
        body: UpdateCommitment,
        response: { 200: CommitmentSchema, ...WRITE_ERRORS },
      },
    },
    async (request) =>
      json(
        await finance.setCommitmentStatus(
          request.actor!,
          request.params.commitmentId,
          request.body.version,
          request.body.status,
        ),
      ),
  )
}
