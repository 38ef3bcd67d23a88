import type { FastifyReply } from 'fastify'
import type { Actor } from '../../../auth/actor.ts'
import { ValidationError } from '../../../errors.ts'
import { errorList, field, type FormBody } from '../../../web/forms.ts'

const FORM = 'finance/views/record-form.njk'

export type Field = Record<string, unknown> & { name: string }

/**
 * The save step of a finance form, for `handleForm`: field errors found reading the form and the rules'
 * errors show together, and the write runs only when there are none.
 */
export async function checkedSave<T>(
  errors: Record<string, string>,
  rules: () => Record<string, string>,
  run: () => Promise<T>,
): Promise<T> {
  if (Object.keys(errors).length > 0) throw new ValidationError({ ...rules(), ...errors })
  return run()
}

export function renderForm(
  reply: FastifyReply,
  ctx: {
    title: string
    action: string
    backLink: string
    submitText: string
    intro?: string
    version?: number
    /** For a change form: the record's audit history. */
    historyUrl?: string
    fields: Field[]
  },
  errors: Record<string, string>,
  status = 200,
) {
  return reply.render(
    FORM,
    {
      ...ctx,
      errors,
      errorList: errorList(
        errors,
        ctx.fields.map((f) => f.name),
      ),
    },
    status,
  )
}

export const actorOf = (request: { actor?: unknown }) => request.actor as Actor

export const radios = (list: ReadonlyArray<{ value: string; text: string }>, selected: string) =>
  list.map((x) => ({ value: x.value, text: x.text, checked: x.value === selected }))

/** The version a change form was read at; 0 (never current) when missing or garbled. */
export function formVersion(b: FormBody): number {
  const raw = Number(field(b, 'version'))
  return Number.isSafeInteger(raw) ? raw : 0
}
