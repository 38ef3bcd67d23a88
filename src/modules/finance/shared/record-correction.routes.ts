import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor, type Scope } from '../../../auth/actor.ts'
import { ConflictError, notFound } from '../../../errors.ts'
import { handleForm, renderConflict, resubmitFields, type ConflictRow } from '../../../web/form-pages.ts'
import { FormBody } from '../../../web/forms.ts'
import { checkedSave, formVersion, renderForm, type Field } from './finance.forms.ts'

interface Versioned {
  id: number
  version: number
}

/** One kind of record that finance can correct: how to find it, show it, read the form and save it. */
export interface Editor<R extends Versioned, I> {
  path: string
  param: string
  what: string
  load: (scope: Scope, id: number) => Promise<R | undefined>
  form: (
    actor: Actor,
    record: R,
    body: FormBody,
  ) => Promise<{ title: string; backLink: string; intro?: string; fields: Field[] }>
  asForm: (record: R) => FormBody
  read: (body: FormBody, errors: Record<string, string>) => I
  rules: (input: I) => Record<string, string>
  update: (actor: Actor, id: number, version: number, input: I) => Promise<R>
  conflict: (input: I, saved: R) => ConflictRow[]
  /** The record as the conflict page names it. */
  label: (record: R) => string
  done: (saved: R) => { flash: string; url: string }
  history: string
}

/** The change page and its save: GOV.UK error summary for bad input, the conflict page for a stale version. */
export function correctionPages<R extends Versioned, I>(app: FastifyInstance, e: Editor<R, I>) {
  const params = Type.Object({ [e.param]: Type.Integer({ minimum: 1 }) })
  const idOf = (request: { params: unknown }) => (request.params as Record<string, number>)[e.param]!
  const show = async (
    reply: FastifyReply,
    actor: Actor,
    record: R,
    body: FormBody,
    version: number,
    errors = {},
  ) =>
    renderForm(
      reply,
      {
        ...(await e.form(actor, record, body)),
        action: e.path.replace(`:${e.param}`, String(record.id)),
        submitText: 'Save changes',
        version,
        historyUrl: `/history/${e.history}/${record.id}`,
      },
      errors,
      Object.keys(errors).length > 0 ? 400 : 200,
    )

  app.get(e.path, { config: { policy: 'finance.write' }, schema: { params } }, async (request, reply) => {
    const record = await e.load(scopeOf(request.actor!), idOf(request))
    if (!record) throw notFound(e.what)
    return show(reply, request.actor!, record, e.asForm(record), record.version)
  })

  app.post<{ Body: FormBody }>(
    e.path,
    { config: { policy: 'finance.write' }, schema: { params, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const record = await e.load(scopeOf(actor), idOf(request))
      if (!record) throw notFound(e.what)
      const b = request.body
      const errors: Record<string, string> = {}
      const input = e.read(b, errors)
      const version = formVersion(b)
      return handleForm(reply, {
        save: () =>
          checkedSave(
            errors,
            () => e.rules(input),
            () => e.update(actor, record.id, version, input),
          ),
        onInvalid: (errs) => show(reply, actor, record, b, version, errs),
        onConflict: (conflict) => {
          if (!(conflict instanceof ConflictError)) throw conflict
          const saved = conflict.current as R
          return renderConflict(reply, {
            title: e.label(saved),
            recordUrl: e.done(saved).url,
            action: e.path.replace(`:${e.param}`, String(record.id)),
            rows: e.conflict(input, saved),
            resubmit: resubmitFields(b),
            savedVersion: saved.version,
          })
        },
        onSaved: (saved) => {
          const { flash, url } = e.done(saved)
          reply.flash(flash)
          return reply.redirect(url, 303)
        },
      })
    },
  )
}
