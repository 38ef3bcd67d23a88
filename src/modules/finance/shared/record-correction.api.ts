import { Type, type Static, type TSchema } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { scopeOf, type Actor, type Scope } from '../../../auth/actor.ts'
import { notFound } from '../../../errors.ts'
import { STANDARD_ERRORS, WRITE_ERRORS } from '../../../web/api-schemas.ts'

export const Version = Type.Integer({
  minimum: 1,
  description: 'The version you read: a stale one answers 409',
})

const tags = ['Finance']

/**
 * A correctable record's GET and PATCH routes. Returns the guard its writes run before the body is
 * judged, so another organisation's record answers 404 whatever was sent and it learns nothing from a 400.
 */
export function correctable<R, B extends TSchema>(
  app: FastifyInstance,
  opts: {
    path: string
    param: string
    what: string
    summary: string
    changeSummary: string
    schema: TSchema
    body: B
    find: (scope: Scope, id: number) => Promise<R | undefined>
    json: (record: R) => unknown
    change: (actor: Actor, current: R, body: Static<B>) => Promise<R>
  },
) {
  const idOf = (request: FastifyRequest) => Number((request.params as Record<string, string>)[opts.param])
  const params = Type.Object({ [opts.param]: Type.Integer({ minimum: 1 }) })
  const load = async (request: FastifyRequest) => {
    const id = idOf(request)
    const found = Number.isSafeInteger(id) ? await opts.find(scopeOf(request.actor!), id) : undefined
    if (found === undefined) throw notFound(opts.what)
    return found
  }
  app.get(
    opts.path,
    {
      config: { policy: 'portfolio.read' },
      schema: { tags, summary: opts.summary, params, response: { 200: opts.schema, ...STANDARD_ERRORS } },
    },
    async (request) => opts.json(await load(request)),
  )
  app.patch<{ Body: Static<B> }>(
    opts.path,
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: `${opts.changeSummary} (send the version you read)`,
        params,
        body: opts.body,
        response: { 200: opts.schema, ...WRITE_ERRORS },
      },
      preValidation: async (request) => void (await load(request)),
    },
    async (request) => opts.json(await opts.change(request.actor!, await load(request), request.body)),
  )
  return async (request: FastifyRequest) => void (await load(request))
}
