import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import type { ProjectRole } from '../../../db/schema.ts'
import { notFound, type ConflictError } from '../../../errors.ts'
import { IdParams } from '../../../web/api-schemas.ts'
import { handleForm, renderConflict, resubmitFields, whenStale } from '../../../web/form-pages.ts'
import { errorList, field, fields, FormBody, optionalInt } from '../../../web/forms.ts'
import type { MonthFte, RoleInput } from './capacity.rules.ts'
import { describeMonths, monthItems, readMonthFields, readStretch } from './demand-forms.ts'

// Changing and deleting a project's role from its roles page (issue 10): the same demand service the API's
// PUT and DELETE use, under the role's version; a stale version gets the conflict page.

const monthsOf = (rows: { period: string; fte_hundredths: number }[]): MonthFte[] =>
  rows.map((m) => ({ period: m.period, fteHundredths: m.fte_hundredths }))

/** The role form as typed: a month left blank is dropped; "add months" (optional) adds or replaces months. */
function readRoleForm(body: FormBody, errors: Record<string, string>): RoleInput {
  const months = new Map(readMonthFields(body, errors).map((m) => [m.period, m]))
  if (['add-from', 'add-to', 'add-fte'].some((n) => field(body, n) !== ''))
    for (const m of readStretch(body, 'add', errors)) months.set(m.period, m)
  return {
    title: field(body, 'title'),
    team: field(body, 'team'),
    // The conflict page posts the chosen skills again as one comma-separated field.
    skillIds: fields(body, 'skillIds')
      .flatMap((s) => s.split(','))
      .map((s) => optionalInt(s) ?? 0),
    months: [...months.values()],
  }
}

export async function roleEditRoutes(app: FastifyInstance) {
  const { demand } = app.services.resourcing.capacity
  const { skills } = app.services.resourcing

  async function roleOr404(actor: Actor, id: number) {
    const role = await demand.role(scopeOf(actor), id)
    if (!role) throw notFound('Role')
    const [months, roleSkills] = await Promise.all([demand.roleMonths([id]), demand.roleSkills([id])])
    return { role, months: monthsOf(months), skillIds: roleSkills.map((s) => s.skill_id) }
  }
  type Found = Awaited<ReturnType<typeof roleOr404>>

  const breadcrumbs = (f: Found) => [
    { text: 'Projects', href: '/projects' },
    { text: f.role.project_reference, href: `/projects/${f.role.project_id}` },
    { text: 'Roles', href: `/projects/${f.role.project_id}/roles` },
  ]

  async function form(
    reply: FastifyReply,
    actor: Actor,
    f: Found,
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    const catalogue = await skills.list(scopeOf(actor))
    const chosen = body ? fields(body, 'skillIds').flatMap((s) => s.split(',')) : f.skillIds.map(String)
    const v = (name: string, stored: string) => (body ? field(body, name) : stored)
    return reply.render(
      'resourcing/capacity/views/role-edit.njk',
      {
        title: `Change ${f.role.title}`,
        breadcrumbs: breadcrumbs(f),
        role: f.role,
        version: body ? field(body, 'version') : String(f.role.version),
        values: {
          title: v('title', f.role.title),
          team: v('team', f.role.team),
          'add-from': v('add-from', ''),
          'add-to': v('add-to', ''),
          'add-fte': v('add-fte', ''),
        },
        months: monthItems(
          f.months.map((m) => m.period),
          f.months,
          body,
          errors,
        ),
        skillItems: catalogue
          .filter((s) => s.retired === 0 || chosen.includes(String(s.id)))
          .map((s) => ({ value: String(s.id), text: s.name, checked: chosen.includes(String(s.id)) })),
        errors,
        errorList: errorList(errors),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  app.get<{ Params: { id: number } }>(
    '/project-roles/:id/edit',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const actor = request.actor!
      return form(reply, actor, await roleOr404(actor, request.params.id), null, {})
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/project-roles/:id/edit',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const found = await roleOr404(actor, request.params.id)
      const errors: Record<string, string> = {}
      const input = readRoleForm(request.body, errors)
      const names = async (ids: number[]) => {
        const all = await skills.list(scopeOf(actor))
        return all
          .filter((s) => ids.includes(s.id))
          .map((s) => s.name)
          .join(', ')
      }
      return handleForm(reply, {
        errors,
        save: () =>
          demand.updateRole(actor, found.role.id, optionalInt(field(request.body, 'version')) ?? 0, input),
        onInvalid: (e) => form(reply, actor, found, request.body, { ...errors, ...e }),
        onConflict: whenStale(async (err) => {
          const saved = (err as ConflictError<ProjectRole>).current
          const now = await roleOr404(actor, saved.id)
          return renderConflict(reply, {
            title: saved.title,
            recordUrl: `/projects/${saved.project_id}/roles`,
            action: `/project-roles/${saved.id}/edit`,
            rows: [
              { label: 'Title', yours: input.title, saved: now.role.title },
              { label: 'Team', yours: input.team, saved: now.role.team },
              { label: 'Skills', yours: await names(input.skillIds), saved: await names(now.skillIds) },
              { label: 'FTE needed', yours: describeMonths(input.months), saved: describeMonths(now.months) },
            ],
            resubmit: {
              ...resubmitFields(request.body),
              skillIds: fields(request.body, 'skillIds').join(','),
            },
            savedVersion: saved.version,
          })
        }),
        onSaved: (r) => {
          reply.flash(`${r.title} saved`)
          return reply.redirect(`/projects/${r.project_id}/roles`, 303)
        },
      })
    },
  )

  async function confirm(
    reply: FastifyReply,
    actor: Actor,
    f: Found,
    errors: Record<string, string>,
    status = Object.keys(errors).length > 0 ? 400 : 200,
  ) {
    const allocations = await demand.allocations(scopeOf(actor), { roleId: f.role.id })
    return reply.render(
      'resourcing/capacity/views/demand-delete.njk',
      {
        title: `Delete ${f.role.title}`,
        breadcrumbs: breadcrumbs(f),
        caption: `${f.role.project_reference} ${f.role.project_name}`,
        heading: `Are you sure you want to delete the role ${f.role.title}?`,
        consequence:
          allocations.length === 0
            ? 'The project will no longer need this role. Its history is kept.'
            : `The project will no longer need this role, and its ${allocations.length === 1 ? 'allocation is' : `${allocations.length} allocations are`} deleted with it. Their history is kept.`,
        action: `/project-roles/${f.role.id}/delete`,
        version: f.role.version,
        backLink: `/projects/${f.role.project_id}/roles`,
        button: 'Delete role',
        errors,
        errorList: errorList(errors),
      },
      status,
    )
  }

  app.get<{ Params: { id: number } }>(
    '/project-roles/:id/delete',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const actor = request.actor!
      return confirm(reply, actor, await roleOr404(actor, request.params.id), {})
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/project-roles/:id/delete',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const found = await roleOr404(actor, request.params.id)
      return handleForm(reply, {
        save: () => demand.deleteRole(actor, found.role.id, optionalInt(field(request.body, 'version'))),
        onInvalid: (e) => confirm(reply, actor, found, e),
        onConflict: whenStale(() =>
          confirm(
            reply,
            actor,
            found,
            {
              version: `${found.role.title} was changed after you opened this page. Check it, then delete it again`,
            },
            409,
          ),
        ),
        onSaved: () => {
          reply.flash(`${found.role.title} deleted`)
          return reply.redirect(`/projects/${found.role.project_id}/roles`, 303)
        },
      })
    },
  )
}
