import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { ListOf, Nullable, STANDARD_ERRORS } from '../../web/api-schemas.ts'

const FindingSchema = Type.Object({
  recordType: Type.String(),
  recordId: Type.Integer(),
  title: Type.String(),
  detail: Type.String(),
  url: Type.String(),
  programmeId: Nullable(Type.Integer()),
  projectId: Nullable(Type.Integer()),
})

export const CheckSchema = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    why: Type.String({ description: 'Why this rule exists' }),
    lesson: Type.String({ description: "The Performance Monitoring Panel's lesson it answers" }),
    enabled: Type.Boolean(),
    threshold: Nullable(Type.Integer()),
    count: Type.Integer(),
    findings: Type.Array(FindingSchema),
  },
  { $id: 'GovernanceCheck' },
)

const Query = Type.Object({
  programmeId: Type.Optional(Type.Integer({ minimum: 1, description: 'Only findings in this programme' })),
})

export async function governanceApi(app: FastifyInstance) {
  app.get<{ Querystring: Static<typeof Query> }>(
    '/api/v1/governance/checks',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags: ['Governance'],
        summary: 'The governance health check: each rule with its findings',
        querystring: Query,
        response: { 200: ListOf(CheckSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const check = await app.services.governance.run(scopeOf(request.actor!))
      const programmeId = request.query.programmeId
      return {
        items: check.results.map((r) => {
          const findings =
            programmeId === undefined ? r.findings : r.findings.filter((f) => f.programmeId === programmeId)
          return {
            id: r.rule.id,
            title: r.rule.title,
            why: r.rule.why,
            lesson: r.rule.lesson,
            enabled: r.enabled,
            threshold: r.threshold,
            count: findings.length,
            findings,
          }
        }),
        next: null,
      }
    },
  )
}
