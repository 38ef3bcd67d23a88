import type { Transaction } from 'kysely'
import type { DB } from '../../../db/schema.ts'
import type { IsoDate } from '../../../domain/dates.ts'
import { benefitsRepository } from './benefits.repository.ts'
import { benefitsReviewProblem, missingRealisations } from './benefits.rules.ts'

/**
 * The benefits-review gate's condition (issue 11), for gates.service.ts to check in its transaction: the
 * problem with the project's benefits as at the review date (the decision's date), or null when every benefit
 * has a realised value for each profile year begun by then.
 */
export async function benefitsReviewGateProblem(
  trx: Transaction<DB>,
  organisationId: number,
  projectId: number,
  reviewOn: IsoDate,
): Promise<string | null> {
  const benefits = await benefitsRepository.forProject(trx, organisationId, projectId)
  return benefitsReviewProblem(benefits.length, missingRealisations(benefits, reviewOn))
}
