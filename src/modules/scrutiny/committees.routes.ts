import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { Committee } from '../../db/schema.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { notFound } from '../../errors.ts'
import { IdParams } from '../../web/api-schemas.ts'
import { dateItems, readDate, renderConflict, resubmitFields } from '../../web/form-pages.ts'
import { committeeConflictRows } from './scrutiny.conflicts.ts'
import { field, FormBody, optionalInt } from '../../web/forms.ts'
import {
  COMMITTEE_KINDS,
  committeeKindLabel,
  MEETING_STATUSES,
  meetingStatusLabel,
  MEMBER_ROLES,
  memberRoleLabel,
  type CommitteeInput,
  type MeetingInput,
  type MemberInput,
} from './scrutiny.rules.ts'
import { saveScrutinyForm, choices, formErrors, peopleItems, type Id, type IdForm } from './scrutiny.view.ts'

const readCommittee = (b: FormBody): CommitteeInput => ({
  name: field(b, 'name'),
  code: field(b, 'code'),
  kind: field(b, 'kind'),
  description: field(b, 'description'),
  responseMonths: optionalInt(field(b, 'responseMonths')),
})

export function readMeeting(b: FormBody, errors: Record<string, string>): MeetingInput {
  return {
    meetingDate: readDate(b, 'meetingDate', 'Date of the meeting', errors, true),
    startTime: field(b, 'startTime'),
    place: field(b, 'place'),
    status: field(b, 'status'),
  }
}

export function meetingFormContext(
  values: MeetingInput,
  body: FormBody | null,
  errors: Record<string, string>,
) {
  return {
    values,
    ...formErrors(errors, ['meetingDate', 'startTime', 'place', 'status']),
    statuses: choices(MEETING_STATUSES, values.status),
    dateItems: dateItems(body, 'meetingDate', values.meetingDate, Boolean(errors.meetingDate)),
  }
}

export async function committeesRoutes(app: FastifyInstance) {
  const { scrutiny } = app.services
  const FORM = 'scrutiny/views/committee-form.njk'

  const committeeForm = (
    reply: FastifyReply,
    values: CommitteeInput,
    errors: Record<string, string>,
    extra: object,
    status = 200,
  ) =>
    reply.render(
      FORM,
      {
        ...extra,
        values,
        kinds: choices(COMMITTEE_KINDS, values.kind),
        ...formErrors(errors, ['name', 'code', 'kind', 'responseMonths']),
      },
      status,
    )

  async function showCommittee(
    reply: FastifyReply,
    c: Committee,
    memberErrors: Record<string, string> = {},
    member?: MemberInput,
    status = 200,
  ) {
    const actor = reply.request.actor!
    const scope = scopeOf(actor)
    const [members, meetings, people, monitor] = await Promise.all([
      scrutiny.members(scope, c.id),
      scrutiny.listMeetings(scope, { committeeId: c.id }),
      scrutiny.people(scope),
      scrutiny.monitor(scope, todayInLondon(), { committeeId: c.id }),
    ])
    return reply.render(
      'scrutiny/views/committee-show.njk',
      {
        title: c.name,
        breadcrumbs: [
          { text: 'Scrutiny', href: '/scrutiny' },
          { text: 'Committees', href: '/committees' },
        ],
        committee: { ...c, kindLabel: committeeKindLabel(c.kind) },
        members: members.map((m) => ({ ...m, roleLabel: memberRoleLabel(m.role) })),
        meetings: meetings.map((m) => ({ ...m, statusLabel: meetingStatusLabel(m.status) })),
        monitor,
        canRecord: allows('scrutiny.record', actor.role),
        memberRoles: choices(MEMBER_ROLES, member?.role ?? 'member', true),
        people: peopleItems(people, member?.userId ?? null, 'Not a user of Oversight'),
        memberName: member?.name ?? '',
        ...formErrors(memberErrors, ['userId', 'name', 'role']),
      },
      status,
    )
  }

  app.get('/committees', { config: { policy: 'portfolio.read' } }, async (request, reply) => {
    const actor = request.actor!
    const rows = await scrutiny.listCommittees(scopeOf(actor))
    return reply.render('scrutiny/views/committees.njk', {
      title: 'Committees',
      breadcrumbs: [{ text: 'Scrutiny', href: '/scrutiny' }],
      committees: rows.map((c) => ({ ...c, kindLabel: committeeKindLabel(c.kind) })),
      canRecord: allows('scrutiny.record', actor.role),
    })
  })

  app.get('/committees/new', { config: { policy: 'scrutiny.record' } }, async (_request, reply) =>
    committeeForm(
      reply,
      { name: '', code: '', kind: 'scrutiny_panel', description: '', responseMonths: 2 },
      {},
      { title: 'Add a committee', backLink: '/committees', action: '/committees' },
    ),
  )

  app.post<{ Body: FormBody }>(
    '/committees',
    { config: { policy: 'scrutiny.record' }, schema: { body: FormBody } },
    async (request, reply) => {
      const values = readCommittee(request.body)
      return saveScrutinyForm(reply, {
        save: () => scrutiny.createCommittee(request.actor!, values),
        invalid: (errs, status) =>
          committeeForm(
            reply,
            values,
            errs,
            { title: 'Add a committee', backLink: '/committees', action: '/committees' },
            status,
          ),
        onSaved: (saved) => {
          reply.flash(`${saved.name} added`)
          return reply.redirect(`/committees/${saved.id}`, 303)
        },
      })
    },
  )

  app.get<Id>(
    '/committees/:id',
    { config: { policy: 'portfolio.read' }, schema: { params: IdParams } },
    async (request, reply) => {
      const c = await scrutiny.getCommittee(scopeOf(request.actor!), request.params.id)
      if (!c) throw notFound('Committee')
      return showCommittee(reply, c)
    },
  )

  app.get<Id>(
    '/committees/:id/edit',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams } },
    async (request, reply) => {
      const c = await scrutiny.getCommittee(scopeOf(request.actor!), request.params.id)
      if (!c) throw notFound('Committee')
      return committeeForm(
        reply,
        {
          name: c.name,
          code: c.code,
          kind: c.kind,
          description: c.description,
          responseMonths: c.response_months,
        },
        {},
        {
          title: `Edit ${c.name}`,
          backLink: `/committees/${c.id}`,
          action: `/committees/${c.id}/edit`,
          version: c.version,
        },
      )
    },
  )

  app.post<IdForm>(
    '/committees/:id/edit',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const id = request.params.id
      const values = readCommittee(request.body)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      return saveScrutinyForm(reply, {
        save: () => scrutiny.updateCommittee(request.actor!, id, version, values),
        invalid: (errs, status) =>
          committeeForm(
            reply,
            values,
            errs,
            {
              title: 'Edit committee',
              backLink: `/committees/${id}`,
              action: `/committees/${id}/edit`,
              version,
            },
            status,
          ),
        onStale: (conflict) => {
          const saved = conflict.current as Committee
          return renderConflict(reply, {
            title: saved.name,
            recordUrl: `/committees/${id}`,
            action: `/committees/${id}/edit`,
            rows: committeeConflictRows(values, saved),
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        },
        onSaved: () => {
          reply.flash('Committee updated')
          return reply.redirect(`/committees/${id}`, 303)
        },
      })
    },
  )

  app.post<IdForm>(
    '/committees/:id/members',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const c = await scrutiny.getCommittee(scopeOf(request.actor!), request.params.id)
      if (!c) throw notFound('Committee')
      const input: MemberInput = {
        userId: optionalInt(field(request.body, 'userId')),
        name: field(request.body, 'name'),
        role: field(request.body, 'role'),
      }
      return saveScrutinyForm(reply, {
        save: () => scrutiny.addMember(request.actor!, c.id, input),
        invalid: (errs, status) => showCommittee(reply, c, errs, input, status),
        onSaved: (saved) => {
          reply.flash(`${saved.name} added as ${memberRoleLabel(saved.role).toLowerCase()}`)
          return reply.redirect(`/committees/${c.id}#members`, 303)
        },
      })
    },
  )

  const MEETING_FORM = 'scrutiny/views/meeting-form.njk'
  app.get<Id>(
    '/committees/:id/meetings/new',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams } },
    async (request, reply) => {
      const c = await scrutiny.getCommittee(scopeOf(request.actor!), request.params.id)
      if (!c) throw notFound('Committee')
      return reply.render(MEETING_FORM, {
        title: `Add a meeting of ${c.name}`,
        backLink: `/committees/${c.id}`,
        action: `/committees/${c.id}/meetings`,
        ...meetingFormContext({ meetingDate: null, startTime: '', place: '', status: 'scheduled' }, null, {}),
      })
    },
  )

  app.post<IdForm>(
    '/committees/:id/meetings',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const c = await scrutiny.getCommittee(scopeOf(request.actor!), request.params.id)
      if (!c) throw notFound('Committee')
      const errors: Record<string, string> = {}
      const values = readMeeting(request.body, errors)
      const invalid = (errs: Record<string, string>, status: number) =>
        reply.render(
          MEETING_FORM,
          {
            title: `Add a meeting of ${c.name}`,
            backLink: `/committees/${c.id}`,
            action: `/committees/${c.id}/meetings`,
            ...meetingFormContext(values, request.body, { ...errs, ...errors }),
          },
          status,
        )
      if (Object.keys(errors).length > 0) return invalid({}, 400)
      return saveScrutinyForm(reply, {
        save: () => scrutiny.createMeeting(request.actor!, c.id, values),
        invalid: invalid,
        onSaved: (saved) => {
          reply.flash('Meeting added')
          return reply.redirect(`/meetings/${saved.id}`, 303)
        },
      })
    },
  )
}
