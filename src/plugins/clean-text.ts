import { Stream } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { cleanTextIn } from '../domain/text.ts'
import { HttpError } from '../errors.ts'

/**
 * Every request's text is cleaned by the one rule in `domain/text.ts` after parsing and before validation, so
 * the route's schema, its rules and the database all see the same text: forms, JSON, query strings and URL
 * segments alike. Passwords are the one exception: they are compared, never shown, and one set before this
 * rule must still match what the person types.
 */
async function cleanText(app: FastifyInstance) {
  // Both hooks run on every request and never wait, so they take Fastify's callback form: an async hook
  // costs a promise and a turn of the microtask queue each (bench/profile-list.ts).
  app.addHook('preValidation', (request, _reply, done) => {
    cleanFields(request.params)
    cleanFields(request.query)
    const body: unknown = request.body
    if (body === null || typeof body !== 'object' || Array.isArray(body)) request.body = cleanTextIn(body)
    else if (Object.getPrototypeOf(body) === Object.prototype || Object.getPrototypeOf(body) === null)
      cleanFields(body)
    done()
  })
  // Schema validation lets a number too large to hold through: Ajv turns the text "1e309" (a form field, a
  // query value, or a JSON string where a number is expected) into Infinity and then passes it as an integer
  // within any minimum and maximum. So after validation, every number in the request must be finite.
  app.addHook('preHandler', (request, _reply, done) => {
    const field = nonFinite(request.params) ?? nonFinite(request.query) ?? nonFinite(request.body)
    if (field === undefined) return done()
    done(
      new HttpError(400, 'The request has fields that are missing or not valid', {
        [field || 'body']: 'must be a number that is not too large',
      }),
    )
  })
}

/** The path (dotted) of the first number in `value` that is not finite, if any. */
function nonFinite(value: unknown, path = ''): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path
  if (value === null || typeof value !== 'object') return undefined
  // Parsed parts only: arrays and plain records (Fastify's query object has a class of its own), never a
  // stream or a buffer of an upload.
  const proto: unknown = Object.getPrototypeOf(value)
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null && path !== '') return undefined
  if (value instanceof Stream || Buffer.isBuffer(value)) return undefined
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    const found = nonFinite(inner, path ? `${path}.${key}` : key)
    if (found !== undefined) return found
  }
  return undefined
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
