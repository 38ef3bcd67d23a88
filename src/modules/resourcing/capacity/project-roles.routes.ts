import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import { allows } from '../../../auth/policy.ts'
import { formatFteFixed } from '../../../domain/fte.ts'
import { formatPeriod } from '../../../domain/periods.ts'
import { notFound, ValidationError } from '../../../errors.ts'
import { IdParams } from '../../../web/api-schemas.ts'
import { handleForm } from '../../../web/form-pages.ts'
import { errorList, field, fields, FormBody, optionalInt } from '../../../web/forms.ts'
import { validateRole } from './capacity.rules.ts'
import { overAllocationWarning, readStretch } from './demand-forms.ts'

// A project's roles page (issue 10): what the project needs by month, who is allocated, and the forms to seed
// roles from the business case, add a role and allocate someone. Two forms share the page, so their field ids
// carry the form's name ("role-title", "allocation-months").

type Project = NonNullable<
  Awaited<ReturnType<FastifyInstance['services']['resourcing']['capacity']['demand']['project']>>
>

const prefixed = (prefix: string, errors: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(errors).map(([k, v]) => [k.startsWith(`${prefix}-`) ? k : `${prefix}-${k}`, v]),
  )

export async function projectRolesRoutes(app: FastifyInstance) {
  const { demand, capacity } = app.services.resourcing.capacity
  const { people, posts, skills } = app.services.resourcing

  async function projectOr404(actor: Actor, id: number) {
    const p = await demand.project(scopeOf(actor), id)
    if (!p) throw notFound('Project')
    return p
  }

  const personName = async (actor: Actor, id: number | null) =>
    id === null ? '' : ((await people.get(scopeOf(actor), id))?.name ?? '')

  async function page(
    reply: FastifyReply,
    actor: Actor,
    project: Project,
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    const scope = scopeOf(actor)
    const roles = await demand.roles(scope, { projectId: project.id })
    const ids = roles.map((r) => r.id)
    const [months, roleSkills, allocations] = await Promise.all([
      demand.roleMonths(ids),
      demand.roleSkills(ids),
      demand.allocations(scope, { projectId: project.id }),
    ])
    const allocationMonths = await demand.allocationMonths(allocations.map((a) => a.id))
    const over = new Map<number, Set<string>>()
    for (const personId of new Set(allocations.map((a) => a.person_id).filter((p) => p !== null)))
      over.set(personId, await capacity.overAllocatedMonths(scope, personId))
    const canWrite = allows('resourcing.write', actor.role)
    const [peopleList, vacant, skillList] = canWrite
      ? await Promise.all([
          people.list(scope),
          scope.partnerOnly ? Promise.resolve([]) : posts.list(scope, { status: 'vacant' }),
          skills.list(scope),
        ])
      : [[], [], []]
    const v = (name: string) => (body ? field(body, name) : '')
    const chosenSkills = body ? fields(body, 'role-skillIds') : []
    const who = v('allocation-who')
    return reply.render(
      'resourcing/capacity/views/project-roles.njk',
      {
        title: `Roles: ${project.reference} ${project.name}`,
        breadcrumbs: [
          { text: 'Projects', href: '/projects' },
          { text: project.reference, href: `/projects/${project.id}` },
        ],
        project,
        canWrite,
        errors,
        confirmAllocation: Boolean(errors['allocation-confirm']),
        unfilledAtStart: await demand.unfilledAtStart(scope, project.id),
        canMoveStart: allows('project.write', actor.role),
        errorList: errorList(errors),
        values: Object.fromEntries(
          [
            'role-title',
            'role-team',
            'role-from',
            'role-to',
            'role-fte',
            'allocation-from',
            'allocation-to',
            'allocation-fte',
          ].map((n) => [n, v(n)]),
        ),
        roles: roles.map((r) => {
          const mine = allocations.filter((a) => a.role_id === r.id)
          return {
            ...r,
            skills: roleSkills.filter((s) => s.role_id === r.id).map((s) => s.name),
            months: months
              .filter((m) => m.role_id === r.id)
              .map((m) => {
                const sum = (toPeople: boolean) =>
                  allocationMonths
                    .filter(
                      (am) =>
                        am.period === m.period &&
                        mine.some((a) => a.id === am.allocation_id && (a.person_id !== null) === toPeople),
                    )
                    .reduce((s, am) => s + am.fte_hundredths, 0)
                const given = sum(true)
                return {
                  month: formatPeriod(m.period),
                  needed: formatFteFixed(m.fte_hundredths),
                  allocated: formatFteFixed(given),
                  // Vacant posts are planned, not yet anyone's time: shown apart, and they fill nothing.
                  planned: formatFteFixed(sum(false)),
                  unfilled: formatFteFixed(Math.max(0, m.fte_hundredths - given)),
                }
              }),
            allocations: mine.map((a) => {
              const am = allocationMonths.filter((x) => x.allocation_id === a.id)
              const flagged =
                a.person_id === null ? [] : am.filter((x) => over.get(a.person_id!)?.has(x.period))
              return {
                id: a.id,
                who: a.person_name ?? `Vacant post: ${a.post_title ?? ''}`,
                personId: a.person_id,
                months: am
                  .map((x) => `${formatPeriod(x.period)} ${formatFteFixed(x.fte_hundredths)}`)
                  .join('; '),
                overMonths: flagged.map((x) => formatPeriod(x.period)).join(', '),
              }
            }),
          }
        }),
        roleItems: roles.map((r) => ({
          value: String(r.id),
          text: r.title,
          selected: v('allocation-roleId') === String(r.id),
        })),
        whoItems: [
          { value: '', text: 'Choose a person or a vacant post' },
          ...peopleList.map((p) => ({
            value: `person-${p.id}`,
            text: p.name,
            selected: who === `person-${p.id}`,
          })),
          ...vacant.map((p) => ({
            value: `post-${p.id}`,
            text: `Vacant post: ${p.title}`,
            selected: who === `post-${p.id}`,
          })),
        ],
        skillItems: skillList
          .filter((s) => s.retired === 0)
          .map((s) => ({ value: String(s.id), text: s.name, checked: chosenSkills.includes(String(s.id)) })),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  app.get<{ Params: { id: number } }>(
    '/projects/:id/roles',
    { config: { policy: 'people.read' }, schema: { params: IdParams } },
    async (request, reply) => {
      const actor = request.actor!
      return page(reply, actor, await projectOr404(actor, request.params.id), null, {})
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/projects/:id/roles/seed',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const project = await projectOr404(actor, request.params.id)
      return handleForm(reply, {
        save: () => demand.seedFromBusinessCase(actor, project.id),
        onInvalid: (errors) => page(reply, actor, project, null, prefixed('seed', errors)),
        onSaved: (r) => {
          reply.flash(
            r.created === 0
              ? 'Every resource line of the business case already has a role'
              : `${r.created} ${r.created === 1 ? 'role' : 'roles'} added from the business case`,
          )
          return reply.redirect(`/projects/${project.id}/roles`, 303)
        },
      })
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/projects/:id/roles',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const project = await projectOr404(actor, request.params.id)
      const errors: Record<string, string> = {}
      const input = {
        title: field(request.body, 'role-title'),
        team: field(request.body, 'role-team'),
        skillIds: fields(request.body, 'role-skillIds').map((s) => optionalInt(s) ?? 0),
        months: readStretch(request.body, 'role', errors),
      }
      // The form's own errors and the rules' together, so one submission shows every problem.
      if (Object.keys(errors).length > 0) {
        // The months could not be read, so the rules' word on them would only repeat the form's.
        const { months: _m, ...rule } = validateRole(input)
        Object.assign(errors, prefixed('role', rule), errors)
      }
      return handleForm(reply, {
        errors,
        save: () => demand.createRole(actor, project.id, input),
        onInvalid: (e) => page(reply, actor, project, request.body, { ...errors, ...prefixed('role', e) }),
        onSaved: (r) => {
          reply.flash(`${r.title} added`)
          return reply.redirect(`/projects/${project.id}/roles`, 303)
        },
      })
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/projects/:id/allocations',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const project = await projectOr404(actor, request.params.id)
      const errors: Record<string, string> = {}
      const months = readStretch(request.body, 'allocation', errors)
      const who = /^(person|post)-(\d{1,9})$/.exec(field(request.body, 'allocation-who'))
      if (!who) errors['allocation-who'] = 'Choose a person, or a vacant post, to allocate'
      const roleId = optionalInt(field(request.body, 'allocation-roleId')) ?? 0
      const role = await demand.role(scopeOf(actor), roleId)
      if (role?.project_id !== project.id) errors['allocation-roleId'] = 'Choose a role of this project'
      const input = {
        personId: who?.[1] === 'person' ? Number(who[2]) : null,
        postId: who?.[1] === 'post' ? Number(who[2]) : null,
        months,
      }
      return handleForm(reply, {
        errors,
        save: async () => {
          // Beyond the person's capacity is allowed, once the one allocating has seen it and confirmed.
          const warning = await overAllocationWarning(
            { capacity, demand },
            actor,
            { roleId, allocationId: null },
            input,
            await personName(actor, input.personId),
            field(request.body, 'allocation-confirm') === 'yes',
          )
          if (warning) throw new ValidationError({ confirm: warning })
          return demand.createAllocation(actor, roleId, input)
        },
        onInvalid: (e) => {
          const { personId, postId, ...rest } = e
          const mapped = { ...rest, ...(personId || postId ? { who: (personId ?? postId)! } : {}) }
          return page(reply, actor, project, request.body, { ...errors, ...prefixed('allocation', mapped) })
        },
        onSaved: () => {
          reply.flash('Allocation added')
          return reply.redirect(`/projects/${project.id}/roles`, 303)
        },
      })
    },
  )
}
