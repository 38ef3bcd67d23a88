import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { cleanTextIn } from '../domain/text.ts'

/**
 * Every request's text is cleaned by the one rule in `domain/text.ts` after parsing and before validation, so
 * the route's schema, its rules and the database all see the same text: forms, JSON, query strings and URL
 * segments alike. Passwords are the one exception: they are compared, never shown, and one set before this
 * rule must still match what the person types.
 */
async function cleanText(app: FastifyInstance) {
  app.addHook('preValidation', async (request) => {
    cleanFields(request.params)
    cleanFields(request.query)
    const body: unknown = request.body
    if (body === null || typeof body !== 'object' || Array.isArray(body)) request.body = cleanTextIn(body)
    else if (Object.getPrototypeOf(body) === Object.prototype || Object.getPrototypeOf(body) === null)
      cleanFields(body)
  })
}

/**
 * The top-level fields of a parsed part, whatever its prototype (Fastify's query parser makes objects of its
 * own class), then anything nested through `cleanTextIn`.
 */
function cleanFields(part: unknown): void {
  if (part === null || typeof part !== 'object') return
  const record = part as Record<string, unknown>
  for (const key of Object.keys(record)) if (!/password/i.test(key)) record[key] = cleanTextIn(record[key])
}

export default fp(cleanText, { name: 'clean-text' })
