import type { FastifyRequest } from 'fastify'
import { scopeOf, type Scope } from '../../auth/actor.ts'
import { notFound } from '../../errors.ts'

/**
 * A route-level `preValidation` hook for a write to a named record: another organisation's record answers
 * 404 before the body is validated, so nothing about it (not even that a body would be read) leaks.
 * Runs after the policy check, which is an application-level hook.
 */
export function recordFirst(
  what: string,
  param: string,
  find: (scope: Scope, id: number) => Promise<unknown>,
) {
  return async (request: FastifyRequest) => {
    const raw = (request.params as Record<string, string | undefined>)[param]
    const id = Number(raw)
    if (!request.actor || !Number.isSafeInteger(id) || id < 1) return
    if (!(await find(scopeOf(request.actor), id))) throw notFound(what)
  }
}
