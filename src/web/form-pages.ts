import type { FastifyReply } from 'fastify'
import { parseDateParts, splitDate } from '../domain/dates.ts'
import { moneyProblemMessage, readMoney, type Pence } from '../domain/money.ts'
import { ConflictError, HttpError, ValidationError } from '../errors.ts'
import { errorList, field, type FormBody } from './forms.ts'

/** Reads a GOV.UK date input (`name-day`, `name-month`, `name-year`) into an ISO date or a field error. */
export function readDate(
  body: FormBody,
  name: string,
  label: string,
  errors: Record<string, string>,
  required = false,
): string | null {
  const parsed = parseDateParts(
    {
      day: field(body, `${name}-day`),
      month: field(body, `${name}-month`),
      year: field(body, `${name}-year`),
    },
    label,
    { required },
  )
  if (!parsed.ok) {
    errors[name] = parsed.error
    return null
  }
  return parsed.value
}

/**
 * A money field from a form: pence, or a field error in GOV.UK wording ("Amount must be less than
 * £100,000,000,000"). The one way a form reads an amount (readMoney, within the bound of ADR 0004).
 */
export function readMoneyField(
  value: string,
  name: string,
  label: string,
  errors: Record<string, string>,
  required = true,
): Pence | null {
  if (value.trim() === '') {
    if (required) errors[name] = `Enter ${label.toLowerCase()}`
    return null
  }
  const p = readMoney(value)
  if (typeof p === 'number') return p
  if (p !== null) errors[name] = moneyProblemMessage(p, label)
  return null
}

/** The items of a GOV.UK date input, refilled from what was typed or from the stored date. */
export function dateItems(body: FormBody | null, name: string, stored: string | null, hasError: boolean) {
  const parts = body
    ? {
        day: field(body, `${name}-day`),
        month: field(body, `${name}-month`),
        year: field(body, `${name}-year`),
      }
    : splitDate(stored)
  const err = hasError ? ' govuk-input--error' : ''
  return [
    { name: 'day', label: 'Day', classes: `govuk-input--width-2${err}`, value: parts.day },
    { name: 'month', label: 'Month', classes: `govuk-input--width-2${err}`, value: parts.month },
    { name: 'year', label: 'Year', classes: `govuk-input--width-4${err}`, value: parts.year },
  ]
}

export interface ConflictRow {
  label: string
  yours: string
  saved: string
}

/**
 * A stale edit: show the person both versions and let them choose, never overwrite silently.
 * `resubmit` carries their values with the saved version number, so "Save my version" is a deliberate act.
 */
export function renderConflict(
  reply: FastifyReply,
  opts: {
    title: string
    recordUrl: string
    action: string
    rows: ConflictRow[]
    resubmit: Record<string, string>
    savedVersion: number
  },
) {
  return reply.render(
    'conflict.njk',
    {
      title: 'This was changed by someone else',
      recordTitle: opts.title,
      recordUrl: opts.recordUrl,
      action: opts.action,
      rows: opts.rows.map((r) => ({ ...r, changed: r.yours !== r.saved })),
      resubmit: { ...opts.resubmit, version: String(opts.savedVersion) },
    },
    409,
  )
}

/**
 * Saves a posted form and answers with exactly one of: the form again with its errors, the conflict answer,
 * or the success step (flash and redirect). The handler returns what this returns, so nothing can run after a
 * reply was sent: a page helper that returns `reply.render(...)` from an async function resolves to
 * `undefined` (a reply is thenable), and `if (invalid) return invalid` used to go on to the success path.
 *
 * `errors` are the field errors found reading the form; a `ValidationError` from the save joins them. A 409
 * (a stale version, a step the record's state refuses) goes to `onConflict`, by default to the error summary.
 */
export async function handleForm<T>(
  reply: FastifyReply,
  opts: {
    errors?: Record<string, string>
    save: () => Promise<T>
    onInvalid: (errors: Record<string, string>) => unknown
    onConflict?: (err: HttpError) => unknown
    onSaved: (value: T) => unknown
  },
): Promise<FastifyReply> {
  const early = opts.errors ?? {}
  if (Object.keys(early).length > 0) {
    await opts.onInvalid(early)
    return reply
  }
  let value: T
  try {
    value = await opts.save()
  } catch (err) {
    if (err instanceof ValidationError) await opts.onInvalid(err.fields ?? {})
    else if (err instanceof HttpError && err.statusCode === 409)
      await (opts.onConflict ?? ((e: HttpError) => opts.onInvalid(e.fields ?? { version: e.message })))(err)
    else throw err
    return reply
  }
  await opts.onSaved(value)
  return reply
}

/**
 * `handleForm`'s `onConflict` for a form whose stale version has its own answer (the conflict page): a
 * ConflictError goes to `onStale`; any other 409 (a step the record's state refuses) goes on to the error
 * handler, as it did before the form used handleForm.
 */
export function whenStale(onStale: (err: ConflictError) => unknown) {
  return (err: HttpError): unknown => {
    if (err instanceof ConflictError) return onStale(err)
    throw err
  }
}

/** The form's own fields, to post again from the conflict page. */
export function resubmitFields(body: FormBody): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(body)) {
    if (k === '_csrf' || k === 'version') continue
    out[k] = Array.isArray(v) ? (v[0] ?? '') : v
  }
  return out
}

export { errorList }
