import { scopeOf } from '../../auth/actor.ts'
import type { DecisionInput } from '../decisions/decisions.rules.ts'
import type { createDecisionsService } from '../decisions/decisions.service.ts'
import type { ExceptionDecisionRecorder } from './tolerances.service.ts'

type DecisionsService = ReturnType<typeof createDecisionsService>

/**
 * The board's decision on an exception report goes into the decision log as a published "exception"
 * decision linked to the exception and its project, taken in the capacity of the programme's board when it
 * has one, else in the capacity of the person recording it (Portfolio Holder or delegated officer).
 */
export function exceptionDecisionRecorder(decisions: DecisionsService): ExceptionDecisionRecorder {
  return {
    async recordExceptionDecision(trx, actor, input) {
      const project = await trx
        .selectFrom('projects')
        .select('programme_id')
        .where('id', '=', input.projectId)
        .where('organisation_id', '=', actor.organisationId)
        .executeTakeFirstOrThrow()
      const board = await trx
        .selectFrom('boards')
        .select('id')
        .where('organisation_id', '=', actor.organisationId)
        .where((eb) => eb.or([eb('programme_id', '=', project.programme_id), eb('programme_id', 'is', null)]))
        .orderBy('programme_id', 'desc')
        .orderBy('id')
        .executeTakeFirst()
      const decision: DecisionInput = {
        kind: 'exception',
        title: input.title.slice(0, 200),
        decisionText: input.decisionText,
        decidedOn: input.decidedOn,
        decidedByUserId: actor.userId,
        decidedByName: actor.name,
        capacity: board
          ? 'board'
          : actor.role === 'portfolio_holder'
            ? 'portfolio_holder'
            : 'delegated_officer',
        boardId: board?.id ?? null,
        optionsConsidered: input.optionsConsidered,
        reasons: input.reasons,
        isKey: false,
        status: 'published',
        approvedBudgetPence: null,
        links: [
          { recordType: 'exception', recordId: input.exceptionId },
          { recordType: 'project', recordId: input.projectId },
        ],
      }
      const recorded = await decisions.record(trx, scopeOf(actor), actor, decision)
      return { id: recorded.id }
    },
  }
}
