import { Type, type Static } from '@sinclair/typebox'
import { MoneyPence, Nullable, NullableDate, Timestamp } from '../../web/api-schemas.ts'
import {
  DECISION_CAPACITIES,
  DECISION_STATUSES,
  emptyDecision,
  LINK_TYPES,
  type DecisionInput,
} from './decisions.rules.ts'

const Capacity = Type.Union(DECISION_CAPACITIES.map((c) => Type.Literal(c.value)))
const Status = Type.Union(DECISION_STATUSES.map((s) => Type.Literal(s.value)))
export const Link = Type.Object({
  recordType: Type.Union(LINK_TYPES.map((t) => Type.Literal(t))),
  recordId: Type.Integer({ minimum: 1 }),
})

/** A decision as the API takes it; the service checks the rules (a published decision says what, when, who, why). */
export const DecisionBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    decisionText: Type.Optional(Type.String({ maxLength: 10000, description: 'What was decided' })),
    decidedOn: Type.Optional(NullableDate),
    decidedByName: Type.Optional(Type.String({ maxLength: 200 })),
    decidedByUserId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    capacity: Capacity,
    boardId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    optionsConsidered: Type.Optional(Type.String({ maxLength: 10000 })),
    reasons: Type.Optional(Type.String({ maxLength: 10000 })),
    isKey: Type.Optional(
      Type.Boolean({
        description: 'A key decision under the Local Authorities (Executive Arrangements) Regulations 2012',
      }),
    ),
    status: Type.Optional(Status),
    approvedBudgetPence: Type.Optional(
      Nullable(MoneyPence({ minimum: 0, description: 'The budget approved' })),
    ),
    links: Type.Optional(Type.Array(Link, { maxItems: 20 })),
  },
  { additionalProperties: false },
)

export function decisionFromBody(b: Static<typeof DecisionBody>, kind = 'general'): DecisionInput {
  return {
    ...emptyDecision(),
    kind,
    title: b.title,
    decisionText: b.decisionText ?? '',
    decidedOn: b.decidedOn ?? null,
    decidedByName: b.decidedByName ?? '',
    decidedByUserId: b.decidedByUserId ?? null,
    capacity: b.capacity,
    boardId: b.boardId ?? null,
    optionsConsidered: b.optionsConsidered ?? '',
    reasons: b.reasons ?? '',
    isKey: b.isKey ?? false,
    status: b.status ?? 'draft',
    approvedBudgetPence: b.approvedBudgetPence ?? null,
    links: b.links ?? [],
  }
}

export const DecisionSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    kind: Type.String(),
    title: Type.String(),
    decisionText: Type.String(),
    decidedOn: NullableDate,
    decidedByName: Type.String(),
    decidedByUserId: Nullable(Type.Integer()),
    capacity: Type.String(),
    boardId: Nullable(Type.Integer()),
    optionsConsidered: Type.String(),
    reasons: Type.String(),
    isKey: Type.Boolean(),
    status: Type.String(),
    approvedBudgetPence: Nullable(MoneyPence({ description: 'The budget approved' })),
    supersedesId: Nullable(Type.Integer()),
    supersededById: Nullable(Type.Integer()),
    publishedAt: Nullable(Type.String({ format: 'date-time' })),
    links: Type.Array(Link),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Decision' },
)
