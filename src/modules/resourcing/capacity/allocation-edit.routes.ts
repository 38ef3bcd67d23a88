import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import type { Allocation } from '../../../db/schema.ts'
import { notFound, ValidationError, type ConflictError } from '../../../errors.ts'
import { IdParams } from '../../../web/api-schemas.ts'
import { handleForm, renderConflict, resubmitFields, whenStale } from '../../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../../web/forms.ts'
import type { AllocationInput, MonthFte } from './capacity.rules.ts'
import { describeMonths, monthItems, overAllocationWarning, readMonthFields } from './demand-forms.ts'

// Changing and deleting an allocation from the project's roles page (issue 10): the same demand service the
// API's PUT and DELETE use, under the allocation's version. Someone who has left, or an FTE outside 0.01–1 a
// month, is a field error; more than the person's capacity is a warning they confirm.

const monthsOf = (rows: { period: string; fte_hundredths: number }[]): MonthFte[] =>
  rows.map((m) => ({ period: m.period, fteHundredths: m.fte_hundredths }))

/** "person-12" or "post-3" from the form's one list of people and vacant posts. */
function readWho(value: string): Pick<AllocationInput, 'personId' | 'postId'> | null {
  const m = /^(person|post)-(\d{1,9})$/.exec(value)
  if (!m) return null
  return { personId: m[1] === 'person' ? Number(m[2]) : null, postId: m[1] === 'post' ? Number(m[2]) : null }
}

const whoValue = (a: { person_id: number | null; post_id: number | null }) =>
  a.person_id !== null ? `person-${a.person_id}` : `post-${a.post_id ?? 0}`

export async function allocationEditRoutes(app: FastifyInstance) {
  const { demand, capacity } = app.services.resourcing.capacity
  const { people, posts } = app.services.resourcing

  async function allocationOr404(actor: Actor, id: number) {
    const allocation = await demand.allocation(scopeOf(actor), id)
    if (!allocation) throw notFound('Allocation')
    const [months, roleMonths] = await Promise.all([
      demand.allocationMonths([id]),
      demand.roleMonths([allocation.role_id]),
    ])
    return { allocation, months: monthsOf(months), roleMonths: monthsOf(roleMonths) }
  }
  type Found = Awaited<ReturnType<typeof allocationOr404>>

  const whoOf = (a: { person_name: string | null; post_title: string | null }) =>
    a.person_name ?? `Vacant post: ${a.post_title ?? ''}`
  const breadcrumbs = (f: Found) => [
    { text: 'Projects', href: '/projects' },
    { text: f.allocation.project_reference, href: `/projects/${f.allocation.project_id}` },
    { text: 'Roles', href: `/projects/${f.allocation.project_id}/roles` },
  ]

  /** The people and vacant posts to choose from, and the one allocated now (a post no longer vacant too). */
  async function whoItems(actor: Actor, f: Found, chosen: string) {
    const scope = scopeOf(actor)
    const [register, vacant] = await Promise.all([
      people.list(scope),
      scope.partnerOnly ? Promise.resolve([]) : posts.list(scope, { status: 'vacant' }),
    ])
    const items = [
      ...register.map((p) => ({ value: `person-${p.id}`, text: p.name })),
      ...vacant.map((p) => ({ value: `post-${p.id}`, text: `Vacant post: ${p.title}` })),
    ]
    const current = whoValue(f.allocation)
    if (!items.some((i) => i.value === current)) items.push({ value: current, text: whoOf(f.allocation) })
    return items.map((i) => ({ ...i, selected: i.value === chosen }))
  }

  async function form(
    reply: FastifyReply,
    actor: Actor,
    f: Found,
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    const who = body ? field(body, 'who') : whoValue(f.allocation)
    return reply.render(
      'resourcing/capacity/views/allocation-edit.njk',
      {
        title: `Change ${whoOf(f.allocation)}’s allocation`,
        breadcrumbs: breadcrumbs(f),
        allocation: f.allocation,
        version: body ? field(body, 'version') : String(f.allocation.version),
        whoItems: await whoItems(actor, f, who),
        months: monthItems(
          [...f.roleMonths, ...f.months].map((m) => m.period),
          f.months,
          body,
          errors,
        ),
        needed: Object.fromEntries(f.roleMonths.map((m) => [`fte-${m.period}`, m.fteHundredths / 100])),
        confirmOver: Boolean(errors.confirm),
        errors,
        errorList: errorList(errors),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  app.get<{ Params: { id: number } }>(
    '/allocations/:id/edit',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const actor = request.actor!
      return form(reply, actor, await allocationOr404(actor, request.params.id), null, {})
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/allocations/:id/edit',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const found = await allocationOr404(actor, request.params.id)
      const errors: Record<string, string> = {}
      const months = readMonthFields(request.body, errors)
      const who = readWho(field(request.body, 'who'))
      if (!who) errors.who = 'Choose a person, or a vacant post, to allocate'
      const input: AllocationInput = { personId: who?.personId ?? null, postId: who?.postId ?? null, months }
      const name = async (w: Pick<AllocationInput, 'personId' | 'postId'>) =>
        w.personId !== null
          ? ((await people.get(scopeOf(actor), w.personId))?.name ?? '')
          : `Vacant post: ${(await posts.get(scopeOf(actor), w.postId ?? 0))?.title ?? ''}`
      return handleForm(reply, {
        errors,
        save: async () => {
          const warning = await overAllocationWarning(
            { capacity, demand },
            actor,
            { roleId: found.allocation.role_id, allocationId: found.allocation.id },
            input,
            await name(input),
            field(request.body, 'confirm') === 'yes',
          )
          if (warning) throw new ValidationError({ confirm: warning })
          return demand.updateAllocation(
            actor,
            found.allocation.id,
            optionalInt(field(request.body, 'version')) ?? 0,
            input,
          )
        },
        onInvalid: (e) => {
          const { personId, postId, ...rest } = e
          const whoError = personId ?? postId
          return form(reply, actor, found, request.body, {
            ...errors,
            ...rest,
            ...(whoError ? { who: whoError } : {}),
          })
        },
        onConflict: whenStale(async (err) => {
          const saved = (err as ConflictError<Allocation>).current
          const now = await allocationOr404(actor, saved.id)
          return renderConflict(reply, {
            title: `${whoOf(now.allocation)}’s allocation to ${now.allocation.role_title}`,
            recordUrl: `/projects/${now.allocation.project_id}/roles`,
            action: `/allocations/${saved.id}/edit`,
            rows: [
              {
                label: 'Person or vacant post',
                yours: await name(input),
                saved: whoOf(now.allocation),
              },
              { label: 'FTE by month', yours: describeMonths(months), saved: describeMonths(now.months) },
            ],
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: () => {
          reply.flash(`${found.allocation.role_title}: allocation saved`)
          return reply.redirect(`/projects/${found.allocation.project_id}/roles`, 303)
        },
      })
    },
  )

  async function confirm(
    reply: FastifyReply,
    f: Found,
    errors: Record<string, string>,
    status = Object.keys(errors).length > 0 ? 400 : 200,
  ) {
    const who = whoOf(f.allocation)
    return reply.render(
      'resourcing/capacity/views/demand-delete.njk',
      {
        title: `Delete ${who}’s allocation`,
        breadcrumbs: breadcrumbs(f),
        caption: `${f.allocation.project_reference}: ${f.allocation.role_title}`,
        heading: `Are you sure you want to delete ${who}’s allocation to ${f.allocation.role_title}?`,
        consequence: `${describeMonths(f.months)}. The role’s demand stays; its history is kept.`,
        action: `/allocations/${f.allocation.id}/delete`,
        version: f.allocation.version,
        backLink: `/projects/${f.allocation.project_id}/roles`,
        button: 'Delete allocation',
        errors,
        errorList: errorList(errors),
      },
      status,
    )
  }

  app.get<{ Params: { id: number } }>(
    '/allocations/:id/delete',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const actor = request.actor!
      return confirm(reply, await allocationOr404(actor, request.params.id), {})
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/allocations/:id/delete',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const found = await allocationOr404(actor, request.params.id)
      return handleForm(reply, {
        save: () =>
          demand.deleteAllocation(actor, found.allocation.id, optionalInt(field(request.body, 'version'))),
        onInvalid: (e) => confirm(reply, found, e),
        onConflict: whenStale(() =>
          confirm(
            reply,
            found,
            {
              version:
                'This allocation was changed after you opened this page. Check it, then delete it again',
            },
            409,
          ),
        ),
        onSaved: () => {
          reply.flash(`${whoOf(found.allocation)}’s allocation deleted`)
          return reply.redirect(`/projects/${found.allocation.project_id}/roles`, 303)
        },
      })
    },
  )
}
