import type { FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { AgendaItem, Meeting } from '../../db/schema.ts'
import { notFound, type ConflictError } from '../../errors.ts'
import { handleForm, whenStale } from '../../web/form-pages.ts'
import { errorList, type FormBody } from '../../web/forms.ts'
import { NotAddresseeError } from './scrutiny-access.ts'

/** Route generics for the pages of one scrutiny record, shown or posted to. */
export type Id = { Params: { id: number } }
export type IdForm = { Params: { id: number }; Body: FormBody }

/** The meeting a page is of, as the signed-in person may see it, or 404. */
export async function meetingOr404(reply: FastifyReply, id: number): Promise<Meeting> {
  const m = await reply.server.services.scrutiny.getMeeting(scopeOf(reply.request.actor!), id)
  if (!m) throw notFound('Meeting')
  return m
}

/** The agenda item a page is of, as the signed-in person may see it, or 404. */
export async function agendaItemOr404(reply: FastifyReply, id: number): Promise<AgendaItem> {
  const i = await reply.server.services.scrutiny.getItem(scopeOf(reply.request.actor!), id)
  if (!i) throw notFound('Agenda item')
  return i
}

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
 * Saves a scrutiny form through handleForm (one reply, never a fall-through). Field errors re-render the form
 * (400); a stale version shows the conflict page where the form gives one (`onStale`), otherwise the form again
 * with the reason (409); someone who is not the addressee gets the page that says who can respond (403).
 */
export function saveScrutinyForm<T>(
  reply: FastifyReply,
  opts: {
    save: () => Promise<T>
    invalid: (errors: Record<string, string>, status: number) => unknown
    onStale?: (err: ConflictError) => unknown
    onSaved: (value: T) => unknown
  },
): Promise<FastifyReply> {
  const stale = () =>
    opts.invalid(
      {
        version: 'Someone else changed this after you opened it. Check the page again and redo your change.',
      },
      409,
    )
  return handleForm(reply, {
    save: opts.save,
    onInvalid: (errors) => opts.invalid(errors, 400),
    onConflict: whenStale(opts.onStale ?? stale),
    onSaved: opts.onSaved,
  }).catch(async (err: unknown) => {
    // Thrown before any reply was sent: handleForm answers only a rule failure or a 409 itself.
    if (err instanceof NotAddresseeError) {
      await notAddresseePage(reply)
      return reply
    }
    throw err
  })
}

export function notAddresseePage(reply: FastifyReply) {
  return reply.render('scrutiny/views/not-addressee.njk', { title: 'Only the addressee can respond' }, 403)
}
