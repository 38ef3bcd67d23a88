import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { Project } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import { personChoices } from '../resourcing/person-refs.ts'

/** What the RAID pages share: the project a page is of, and the people register for its owner fields. */
export function raidPageContext(app: FastifyInstance) {
  const { raid } = app.services
  /** The people register for an owner field, keeping the person already chosen even if they have left. */
  const people = (reply: FastifyReply, chosen?: number | null) =>
    personChoices(app.database.db, reply.request.actor!.organisationId, [chosen])

  async function projectOr404(request: { actor?: unknown }, projectId: number): Promise<Project> {
    const actor = (request as { actor: Parameters<typeof scopeOf>[0] }).actor
    const project = await raid.project(scopeOf(actor), projectId)
    if (!project) throw notFound('Project')
    return project
  }

  return { people, projectOr404 }
}
