import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { Person } from '../../db/schema.ts'
import { formatDate } from '../../domain/dates.ts'
import { formatFteFixed } from '../../domain/fte.ts'
import { notFound, type ConflictError } from '../../errors.ts'
import { IdParams } from '../../web/api-schemas.ts'
import { handleForm, renderConflict, resubmitFields } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import {
  datedFormContext,
  PERSON_ORDER,
  personFormContext,
  personToInput,
  readPersonForm,
  readSecondmentForm,
} from './resourcing.forms.ts'
import {
  labelOf,
  PERSON_KINDS,
  SECONDMENT_DIRECTIONS,
  SKILL_LEVELS,
  type PersonInput,
} from './resourcing.rules.ts'
import { ownedBy } from './person-owns.ts'
import { accessOf, employerOf, shownEmail } from './resourcing.view.ts'

const LIST = 'resourcing/views/people.njk'
const PAGE = 'resourcing/views/person.njk'
const FORM = 'resourcing/views/person-form.njk'
const SKILLS = 'resourcing/views/person-skills.njk'
const SECONDMENT = 'resourcing/views/secondment-form.njk'

/** The people register's pages: the list, a person, adding and editing, their skills and secondments. */
export async function peopleRoutes(app: FastifyInstance) {
  const { resourcing, finance, organisation } = app.services
  const { people, skills } = resourcing
  const canWrite = (a: Actor) => allows('resourcing.write', a.role)

  async function personOr404(actor: Actor, id: number) {
    const p = await people.get(scopeOf(actor), id)
    if (!p) throw notFound('Person')
    return p
  }

  app.get<{ Querystring: { kind?: string } }>(
    '/people',
    {
      config: { policy: 'people.read' },
      schema: { querystring: Type.Object({ kind: Type.Optional(Type.String({ maxLength: 20 })) }) },
    },
    async (request, reply) => {
      const actor = request.actor!
      const kind = PERSON_KINDS.some((k) => k.value === request.query.kind) ? request.query.kind : undefined
      const rows = await people.list(scopeOf(actor), kind ? { kind } : {})
      const access = accessOf(actor)
      return reply.render(LIST, {
        title: 'People',
        canWrite: canWrite(actor),
        seesPosts: allows('establishment.read', actor.role),
        kindItems: [
          { value: '', text: 'All' },
          ...PERSON_KINDS.map((k) => ({ ...k, selected: k.value === kind })),
        ],
        people: rows.map((p) => ({
          id: p.id,
          name: p.name,
          kind: labelOf(PERSON_KINDS, p.kind),
          employer: employerOf(p, actor.organisationName),
          jobTitle: p.job_title,
          team: p.team,
          email: shownEmail(p, access),
        })),
        showEmail: access.personal,
      })
    },
  )

  async function formChoices(actor: Actor) {
    const [partners, members] = await Promise.all([
      finance.partners(scopeOf(actor)),
      organisation.members(actor.organisationId),
    ])
    return { partners, users: members.map((m) => ({ id: m.userId, name: m.name })) }
  }

  async function showForm(
    reply: FastifyReply,
    opts: { title: string; action: string; backLink: string; version: number | null },
    values: PersonInput,
    body: FormBody | null,
    errors: Record<string, string>,
    status = 200,
  ) {
    const actor = reply.request.actor!
    return reply.render(
      FORM,
      {
        ...opts,
        errors,
        errorList: errorList(errors, PERSON_ORDER),
        ...personFormContext(values, body, await formChoices(actor)),
      },
      status,
    )
  }

  const blank: PersonInput = {
    name: '',
    kind: 'employee',
    partnerId: null,
    userId: null,
    jobTitle: '',
    team: '',
    email: '',
  }
  const NEW = { title: 'Add a person', action: '/people/new', backLink: '/people', version: null }

  app.get('/people/new', { config: { policy: 'resourcing.write' } }, async (_request, reply) =>
    showForm(reply, NEW, blank, null, {}),
  )

  app.post<{ Body: FormBody }>(
    '/people/new',
    { config: { policy: 'resourcing.write' }, schema: { body: FormBody } },
    async (request, reply) => {
      const input = readPersonForm(request.body)
      return handleForm(reply, {
        save: () => people.create(request.actor!, input),
        onInvalid: (errors) => showForm(reply, NEW, input, request.body, errors, 400),
        onSaved: (p) => {
          reply.flash(`${p.name} added to the register`)
          return reply.redirect(`/people/${p.id}`, 303)
        },
      })
    },
  )

  app.get<{ Params: { id: number } }>(
    '/people/:id',
    { config: { policy: 'people.read' }, schema: { params: IdParams } },
    async (request, reply) => {
      const actor = request.actor!
      const p = await personOr404(actor, request.params.id)
      const access = accessOf(actor)
      const seesPosts = allows('establishment.read', actor.role)
      const [holdings, secondments, held] = await Promise.all([
        seesPosts ? people.holdings(scopeOf(actor), p.id) : Promise.resolve([]),
        people.secondments(scopeOf(actor), { personId: p.id }),
        people.skillsOf(scopeOf(actor), [p.id]),
      ])
      const owns = await ownedBy(app.database.db, scopeOf(actor), p.id)
      return reply.render(PAGE, {
        title: p.name,
        breadcrumbs: [{ text: 'People', href: '/people' }],
        person: p,
        owns,
        canWrite: canWrite(actor),
        facts: [
          { label: 'Kind', text: labelOf(PERSON_KINDS, p.kind) },
          { label: 'Employed by', text: employerOf(p, actor.organisationName) },
          { label: 'Job title', text: p.job_title || 'Not recorded' },
          { label: 'Team', text: p.team || 'Not recorded' },
          ...(access.personal ? [{ label: 'Email address', text: p.email || 'Not recorded' }] : []),
          { label: 'User account', text: p.user_name ?? 'None' },
          ...(p.left_on ? [{ label: 'Left on', text: formatDate(p.left_on) }] : []),
          ...(p.erased_at ? [{ label: 'Details erased', text: formatDate(p.erased_at.slice(0, 10)) }] : []),
        ],
        erased: p.erased_at !== null,
        isAdmin: allows('organisation.admin', actor.role),
        holdings: holdings.map((h) => ({
          postId: h.post_id,
          title: h.post_title,
          grade: access.personal ? h.post_grade : null,
          fte: formatFteFixed(h.fte_hundredths),
          from: formatDate(h.starts_on),
          to: h.ends_on ? formatDate(h.ends_on) : 'Continuing',
        })),
        showGrade: access.personal,
        seesPosts,
        secondments: secondments.map((s) => ({
          direction: labelOf(SECONDMENT_DIRECTIONS, s.direction).replace(/ \(.*\)$/, ''),
          from: [s.from_team, s.from_organisation].filter(Boolean).join(', ') || '—',
          to: [s.to_team, s.to_organisation].filter(Boolean).join(', ') || '—',
          dates: `${formatDate(s.starts_on)} to ${s.ends_on ? formatDate(s.ends_on) : 'continuing'}`,
          reason: s.reason,
          fte: formatFteFixed(s.fte_hundredths),
          historyUrl: `/history/secondment/${s.id}`,
          editUrl: `/secondments/${s.id}/edit`,
        })),
        skills: held.map((s) => ({ name: s.name, level: labelOf(SKILL_LEVELS, s.level) })),
        historyUrl: `/history/person/${p.id}`,
      })
    },
  )

  const editOpts = (p: { id: number; name: string }, version: number) => ({
    title: `Edit ${p.name}`,
    action: `/people/${p.id}/edit`,
    backLink: `/people/${p.id}`,
    version,
  })

  app.get<{ Params: { id: number } }>(
    '/people/:id/edit',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const p = await personOr404(request.actor!, request.params.id)
      return showForm(reply, editOpts(p, p.version), personToInput(p), null, {})
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/people/:id/edit',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const p = await personOr404(request.actor!, request.params.id)
      const input = readPersonForm(request.body)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      return handleForm(reply, {
        save: () => people.update(request.actor!, p.id, version, input),
        onInvalid: (errors) => showForm(reply, editOpts(p, version), input, request.body, errors, 400),
        onConflict: (err) => {
          const saved = (err as ConflictError<Person>).current
          const was = personToInput(saved)
          return renderConflict(reply, {
            title: p.name,
            recordUrl: `/people/${p.id}`,
            action: `/people/${p.id}/edit`,
            rows: (
              [
                ['Name', 'name'],
                ['Job title', 'jobTitle'],
                ['Team', 'team'],
                ['Email address', 'email'],
              ] as const
            ).map(([label, k]) => ({ label, yours: input[k], saved: was[k] })),
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        },
        onSaved: () => {
          reply.flash('Person updated')
          return reply.redirect(`/people/${p.id}`, 303)
        },
      })
    },
  )

  async function skillsForm(
    reply: FastifyReply,
    id: number,
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    const actor = reply.request.actor!
    const p = await personOr404(actor, id)
    const [catalogue, held] = await Promise.all([
      skills.list(scopeOf(actor)),
      people.skillsOf(scopeOf(actor), [id]),
    ])
    const levelOf = (skillId: number) =>
      body ? field(body, `skills-${skillId}`) : (held.find((h) => h.skill_id === skillId)?.level ?? '')
    return reply.render(
      SKILLS,
      {
        title: `Skills of ${p.name}`,
        backLink: `/people/${p.id}`,
        action: `/people/${p.id}/skills`,
        version: body ? field(body, 'version') : p.version,
        errors,
        errorList: errorList(errors),
        rows: catalogue.map((s) => ({
          id: `skills-${s.id}`,
          name: s.name,
          items: [
            { value: '', text: 'Not held' },
            ...SKILL_LEVELS.map((l) => ({ ...l, selected: l.value === levelOf(s.id) })),
          ],
        })),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  app.get<{ Params: { id: number } }>(
    '/people/:id/skills',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams } },
    async (request, reply) => skillsForm(reply, request.params.id, null, {}),
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/people/:id/skills',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const id = request.params.id
      const chosen = Object.keys(request.body)
        .filter((k) => /^skills-\d+$/.test(k) && field(request.body, k) !== '')
        .map((k) => ({ skillId: Number(k.slice('skills-'.length)), level: field(request.body, k) }))
      return handleForm(reply, {
        save: () =>
          people.setSkills(request.actor!, id, optionalInt(field(request.body, 'version')) ?? 0, chosen),
        onInvalid: (errors) => skillsForm(reply, id, request.body, errors),
        onSaved: () => {
          reply.flash('Skills saved')
          return reply.redirect(`/people/${id}`, 303)
        },
      })
    },
  )

  async function secondmentForm(
    reply: FastifyReply,
    id: number,
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    const p = await personOr404(reply.request.actor!, id)
    return reply.render(
      SECONDMENT,
      {
        title: `Record a secondment of ${p.name}`,
        backLink: `/people/${p.id}`,
        action: `/people/${p.id}/secondments/new`,
        errors,
        errorList: errorList(errors, ['direction', 'toTeam', 'startsOn', 'endsOn', 'fte', 'reason']),
        ...datedFormContext(body, errors),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  app.get<{ Params: { id: number } }>(
    '/people/:id/secondments/new',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams } },
    async (request, reply) => secondmentForm(reply, request.params.id, null, {}),
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/people/:id/secondments/new',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const id = request.params.id
      await personOr404(request.actor!, id)
      const errors: Record<string, string> = {}
      const input = readSecondmentForm(request.body, id, errors)
      return handleForm(reply, {
        errors,
        save: () => people.addSecondment(request.actor!, input),
        onInvalid: (errs) => secondmentForm(reply, id, request.body, errs),
        onSaved: () => {
          reply.flash('Secondment recorded')
          return reply.redirect(`/people/${id}`, 303)
        },
      })
    },
  )
}
