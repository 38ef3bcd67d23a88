import type { FastifyReply } from 'fastify'
import { ConflictError, ValidationError } from '../../errors.ts'
import { errorList, type FormBody } from '../../web/forms.ts'
import { NotAddresseeError } from './scrutiny-access.ts'

/** Route generics for the pages of one scrutiny record, shown or posted to. */
export type Id = { Params: { id: number } }
export type IdForm = { Params: { id: number }; Body: FormBody }

type Option = { readonly value: string; readonly text: string }

/** GOV.UK radio or select items with the current value marked. */
export function choices(options: readonly Option[], current: string | null | undefined, select = false) {
  return options.map((o) =>
    select
      ? { value: o.value, text: o.text, selected: o.value === current }
      : { value: o.value, text: o.text, checked: o.value === current },
  )
}

/** A select of people, with a first "choose" option. */
export function peopleItems(
  people: Array<{ id: number; name: string }>,
  current: number | null,
  first = 'Choose a person',
) {
  return [
    { value: '', text: first },
    ...people.map((p) => ({ value: String(p.id), text: p.name, selected: p.id === current })),
  ]
}

export function formErrors(errors: Record<string, string>, order: string[] = []) {
  return { errors, errorList: errorList(errors, order) }
}

/**
 * Runs a save. Field errors re-render the form (400); a stale version re-renders it with the reason (409);
 * someone who is not the addressee gets the page that says who can respond (403).
 */
export async function attempt<T>(
  reply: FastifyReply,
  save: () => Promise<T>,
  invalid: (errors: Record<string, string>, status: number) => unknown,
): Promise<{ ok: true; value: T } | { ok: false; response: unknown }> {
  try {
    return { ok: true, value: await save() }
  } catch (err) {
    if (err instanceof ValidationError) return { ok: false, response: await invalid(err.fields ?? {}, 400) }
    if (err instanceof ConflictError)
      return {
        ok: false,
        response: await invalid(
          {
            version:
              'Someone else changed this after you opened it. Check the page again and redo your change.',
          },
          409,
        ),
      }
    if (err instanceof NotAddresseeError) return { ok: false, response: await notAddresseePage(reply) }
    throw err
  }
}

export function notAddresseePage(reply: FastifyReply) {
  return reply.render('scrutiny/views/not-addressee.njk', { title: 'Only the addressee can respond' }, 403)
}
