import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { scopeOf } from '../../../auth/actor.ts'
import { notFound } from '../../../errors.ts'

/** One of a fixed list of values (the rules' lists of kinds, categories and statuses) as an API schema. */
export const lit = (list: ReadonlyArray<{ value: string }>) =>
  Type.Union(list.map((x) => Type.Literal(x.value)))

/**
 * Runs after the policy check and before the body is validated: a project outside the caller's scope
 * answers 404 whatever the body, so another organisation learns nothing about its records.
 */
export function projectIn404(app: FastifyInstance) {
  return async (request: FastifyRequest) => {
    const id = Number((request.params as { projectId?: string }).projectId)
    if (!Number.isSafeInteger(id) || !(await app.services.projects.get(scopeOf(request.actor!), id)))
      throw notFound('Project')
  }
}
