import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { MAX_PENCE, MIN_PENCE, MONEY_LIMIT_TEXT } from '../domain/money.ts'
import { HttpError } from '../errors.ts'
import { isApiPath } from './auth.ts'

interface AjvIssue {
  instancePath?: string
  message?: string
  params?: Record<string, unknown>
  keyword?: string
}

/** Turns Ajv's findings into `{field: message}` in plain words. */
export function fieldsFromValidation(issues: AjvIssue[], context?: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const issue of issues) {
    let field = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.')
    if (issue.keyword === 'required' && typeof issue.params?.missingProperty === 'string') {
      field = field ? `${field}.${issue.params.missingProperty}` : issue.params.missingProperty
      fields[field] ??= 'is required'
      continue
    }
    if (issue.keyword === 'additionalProperties' && typeof issue.params?.additionalProperty === 'string') {
      const extra = issue.params.additionalProperty
      fields[field ? `${field}.${extra}` : extra] ??= 'is not a known field'
      continue
    }
    fields[field || context || 'body'] ??= moneyBound(issue) ?? issue.message ?? 'is not valid'
  }
  return fields
}

/** The money bound (the MoneyPence schema) in the words a form uses, with the figure in pence. */
function moneyBound(issue: AjvIssue): string | undefined {
  const limit = issue.params?.limit
  if (issue.keyword === 'maximum' && limit === MAX_PENCE)
    return `must be less than ${MONEY_LIMIT_TEXT} (${MAX_PENCE} pence at most)`
  if (issue.keyword === 'minimum' && limit === MIN_PENCE)
    return `must be more than -${MONEY_LIMIT_TEXT} (${MIN_PENCE} pence at least)`
  return undefined
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/**
 * A database refusing a value the request carried: a foreign id that names nothing, a number beyond the
 * column's range, text the encoding refuses. The rules (db/foreign-ids.ts, domain/text.ts, the route schemas)
 * should have caught it first; this is the backstop, so it answers 400 rather than 500 — and is logged, since
 * each one is a missing rule.
 */
const REFUSED_VALUE_CODES = new Set([
  '23503', // PostgreSQL foreign_key_violation
  '22003', // numeric_value_out_of_range
  '22021', // character_not_in_repertoire (NUL)
  '22P05', // untranslatable_character
  '22001', // string_data_right_truncation
  '22P02', // invalid_text_representation
  '22008', // datetime_field_overflow
  '22007', // invalid_datetime_format
  'SQLITE_CONSTRAINT_FOREIGNKEY',
])

function refusedByDatabase(error: { code?: unknown }): boolean {
  return typeof error.code === 'string' && REFUSED_VALUE_CODES.has(error.code)
}

/**
 * ASVS V16.3.2 and V16.3.3: every refusal is logged at warn, with where (the route's pattern, not its
 * URL, which may carry a secret), how, by whom and from where — never the credential, cookie or body. A
 * signed-out person sent to the sign-in page is not a refusal and is not logged.
 */
function logRefusal(request: FastifyRequest, status: 401 | 403, csrf: boolean): void {
  request.log.warn(
    {
      status,
      route: request.routeOptions.url ?? null,
      method: request.method,
      userId: request.actor?.userId ?? null,
      address: request.ip,
    },
    csrf ? 'CSRF token refused' : status === 401 ? 'not signed in: refused' : 'not permitted: refused',
  )
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  let status = error.statusCode ?? 500
  let message = error.message
  let fields: Record<string, string> | undefined
  let generic = false
  const csrfRefused = error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET'
  if (error.validation) {
    status = 400
    fields = fieldsFromValidation(error.validation, error.validationContext)
    message = 'The request has fields that are missing or not valid'
  } else if (error instanceof HttpError) {
    fields = error.fields
  } else if (csrfRefused) {
    status = 403
    generic = true
    message = 'This form has expired. Go back, refresh the page and try again.'
  } else if (refusedByDatabase(error)) {
    status = 400
    request.log.warn({ err: error }, 'the database refused a value no rule checked')
    message = 'A value in the request does not name a record of this organisation or is not valid'
  } else if (status >= 500 || status < 400) {
    status = 500
    request.log.error({ err: error }, 'request failed')
    message = 'Sorry, there is a problem with the service'
  }
  if (status === 401 || status === 403) logRefusal(request, status, csrfRefused)
  // Errors answer JSON to the API and to non-browser clients, a page to people.
  if (isApiPath(request.url) || !request.headers.accept?.includes('text/html')) {
    if (status === 401) void reply.header('www-authenticate', 'Bearer')
    return reply
      .status(status)
      .send({ error: TITLES[status] ?? 'Error', message, ...(fields ? { fields } : {}) })
  }
  const template = generic
    ? 'errors/error.njk'
    : status === 404
      ? 'errors/404.njk'
      : status === 403
        ? 'errors/403.njk'
        : status >= 500
          ? 'errors/500.njk'
          : 'errors/error.njk'
  return reply.render(template, { status, message }, status)
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  if (isApiPath(request.url) || !request.headers.accept?.includes('text/html')) {
    return reply
      .status(404)
      .send({ error: 'Not Found', message: `No route for ${request.method} ${request.url.split('?')[0]}` })
  }
  return reply.render('errors/404.njk', { status: 404 }, 404)
}
