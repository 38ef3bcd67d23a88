import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import { formatDate, todayInLondon } from '../../domain/dates.ts'
import { notFound } from '../../errors.ts'
import { IdParams } from '../../web/api-schemas.ts'
import type { Recommendation, RecommendationAction } from '../../db/schema.ts'
import { dateItems, readDate, renderConflict, resubmitFields } from '../../web/form-pages.ts'
import { actionConflictRows, recommendationStatusRows, responseConflictRows } from './scrutiny.conflicts.ts'
import { field, FormBody, optionalInt } from '../../web/forms.ts'
import { effectiveStatus, trackerRows } from './recommendations.service.ts'
import { recommendationsExport } from './recommendations.export.ts'
import { EXPORT_FORMATS, exportLinks, inWindows, sendExport } from '../../web/exports.ts'
import {
  ACTION_STATUSES,
  actionStatusLabel,
  ADDRESSEES,
  addresseeLabel,
  RECOMMENDATION_KINDS,
  RECOMMENDATION_STATUSES,
  recommendationKindLabel,
  RESPONSES,
  responseLabel,
  SETTABLE_STATUSES,
  statusTag,
  type ActionInput,
  type RecommendationInput,
  type ResponseInput,
} from './scrutiny.rules.ts'
import {
  saveScrutinyForm,
  choices,
  formErrors,
  notAddresseePage,
  peopleItems,
  type Id,
  type IdForm,
} from './scrutiny.view.ts'
import { wholeOrganisation } from '../../auth/visibility.ts'

type Rec = NonNullable<Awaited<ReturnType<FastifyInstance['services']['scrutiny']['recommendations']['get']>>>

export async function recommendationsRoutes(app: FastifyInstance) {
  const { scrutiny } = app.services
  const recs = scrutiny.recommendations

  async function loadRec(reply: FastifyReply, id: number): Promise<Rec> {
    const r = await recs.get(scopeOf(reply.request.actor!), id)
    if (!r) throw notFound('Recommendation')
    return r
  }

  // ---- Record a recommendation at an agenda item (scrutiny members) ----
  const NEW_FORM = 'scrutiny/views/recommendation-form.njk'
  async function newForm(
    reply: FastifyReply,
    itemId: number,
    values: RecommendationInput,
    errors: Record<string, string>,
    status = 200,
  ) {
    const scope = scopeOf(reply.request.actor!)
    const item = await scrutiny.getItem(scope, itemId)
    if (!item) throw notFound('Agenda item')
    const people = await scrutiny.people(scope)
    return reply.render(
      NEW_FORM,
      {
        title: 'Record a recommendation',
        backLink: `/agenda-items/${item.id}`,
        action: `/agenda-items/${item.id}/recommendations`,
        item,
        values,
        kinds: choices(RECOMMENDATION_KINDS, values.kind),
        addressees: choices(ADDRESSEES, values.addressedTo),
        addresseePeople: peopleItems(people, values.addresseeUserId),
        leadPeople: peopleItems(people, values.leadOfficerUserId, 'No lead officer'),
        ...formErrors(errors, [
          'reference',
          'kind',
          'text',
          'addressedTo',
          'addresseeUserId',
          'leadOfficerUserId',
        ]),
      },
      status,
    )
  }

  app.get<Id>(
    '/agenda-items/:id/recommendations/new',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams } },
    async (request, reply) => {
      const scope = scopeOf(request.actor!)
      const item = await scrutiny.getItem(scope, request.params.id)
      if (!item) throw notFound('Agenda item')
      const meeting = await scrutiny.getMeeting(scope, item.meeting_id)
      const committee = meeting && (await scrutiny.getCommittee(scope, meeting.committee_id))
      const year = meeting?.meeting_date.slice(0, 4) ?? ''
      const made = committee
        ? (await recs.list(scope, { committeeId: committee.id })).filter((r) => r.made_on.startsWith(year))
            .length
        : 0
      const reference = committee?.code
        ? `${committee.code}/${year}/${String(made + 1).padStart(2, '0')}`
        : ''
      return newForm(
        reply,
        item.id,
        {
          reference,
          kind: 'recommendation',
          text: '',
          addressedTo: 'portfolio_holder',
          addresseeUserId: null,
          leadOfficerUserId: null,
        },
        {},
      )
    },
  )

  app.post<IdForm>(
    '/agenda-items/:id/recommendations',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const b = request.body
      const values: RecommendationInput = {
        reference: field(b, 'reference'),
        kind: field(b, 'kind'),
        text: field(b, 'text'),
        addressedTo: field(b, 'addressedTo'),
        addresseeUserId: optionalInt(field(b, 'addresseeUserId')),
        leadOfficerUserId: optionalInt(field(b, 'leadOfficerUserId')),
      }
      return saveScrutinyForm(reply, {
        save: () => recs.create(request.actor!, request.params.id, values),
        invalid: (errs, status) => newForm(reply, request.params.id, values, errs, status),
        onSaved: (saved) => {
          reply.flash(`${recommendationKindLabel(saved.kind)} ${saved.reference} recorded`)
          return reply.redirect(`/recommendations/${saved.id}`, 303)
        },
      })
    },
  )

  // ---- Read ----
  app.get<{ Querystring: { status?: string } }>(
    '/recommendations',
    {
      config: { policy: 'portfolio.read' },
      schema: { querystring: Type.Object({ status: Type.Optional(Type.String()) }) },
    },
    async (request, reply) => {
      const wanted = request.query.status ?? ''
      const rows = trackerRows(await recs.list(scopeOf(request.actor!)), todayInLondon(), wanted)
      return reply.render('scrutiny/views/recommendations.njk', {
        title: 'Recommendations',
        breadcrumbs: [{ text: 'Scrutiny', href: '/scrutiny' }],
        recs: rows.map((r) => ({ ...r, tag: statusTag(r.status) })),
        statuses: [{ value: '', text: 'Any status' }, ...choices(RECOMMENDATION_STATUSES, wanted, true)],
        exportLinks: exportLinks('/recommendations/export', { status: wanted }),
      })
    },
  )

  for (const format of EXPORT_FORMATS)
    app.get<{ Querystring: { status?: string } }>(
      `/recommendations/export.${format}`,
      {
        config: { policy: 'portfolio.read' },
        schema: { querystring: Type.Object({ status: Type.Optional(Type.String()) }) },
      },
      async (request, reply) => {
        const actor = request.actor!
        const today = todayInLondon()
        const wanted = request.query.status ?? ''
        async function* rows() {
          for await (const batch of inWindows((w) => recs.list(scopeOf(actor), w)))
            yield* trackerRows(batch, today, wanted)
        }
        return sendExport(reply, format, actor.organisationSlug, recommendationsExport, rows())
      },
    )

  async function showRec(reply: FastifyReply, r: Rec, errors: Record<string, string> = {}, status = 200) {
    const actor = reply.request.actor!
    const scope = scopeOf(actor)
    const [actions, followUp, laterItems] = await Promise.all([
      recs.actions(scope, r.id),
      r.follow_up_item_id ? scrutiny.getItem(scope, r.follow_up_item_id) : Promise.resolve(undefined),
      laterItemsFor(r),
    ])
    const current = effectiveStatus(r, todayInLondon())
    const responder = recs.mayRespond(actor, r) && allows('scrutiny.respond', actor.role)
    return reply.render(
      'scrutiny/views/recommendation-show.njk',
      {
        title: `${recommendationKindLabel(r.kind)} ${r.reference}`,
        breadcrumbs: [
          { text: 'Scrutiny', href: '/scrutiny' },
          { text: 'Recommendations', href: '/recommendations' },
        ],
        rec: {
          ...r,
          kindLabel: recommendationKindLabel(r.kind),
          addressedToLabel: addresseeLabel(r.addressed_to),
          responseLabel: responseLabel(r.response),
          tag: statusTag(current),
        },
        actions: actions.map((a) => ({
          ...a,
          statusLabel: actionStatusLabel(a.status),
          statuses: choices(ACTION_STATUSES, a.status, true),
        })),
        followUp,
        laterItems: [{ value: '', text: 'Choose an agenda item' }, ...laterItems],
        canRespond: responder && r.response === null,
        canAct: responder && (r.response === 'accepted' || r.response === 'partly_accepted'),
        canRecord: allows('scrutiny.record', actor.role),
        settable: choices(
          RECOMMENDATION_STATUSES.filter((s) => (SETTABLE_STATUSES as readonly string[]).includes(s.value)),
          r.status,
        ),
        ...formErrors(errors, ['status', 'evidence', 'followUpItemId']),
      },
      status,
    )
  }

  /** Agenda items at meetings after the one that made the recommendation: where it can be followed up. */
  async function laterItemsFor(r: Rec) {
    const scope = wholeOrganisation(r.organisation_id)
    const meetings = (await scrutiny.listMeetings(scope, { from: r.made_on })).filter(
      (m) => m.meeting_date > r.made_on,
    )
    const out: Array<{ value: string; text: string; selected: boolean }> = []
    for (const m of meetings.reverse()) {
      for (const i of await scrutiny.items(scope, m.id))
        out.push({
          value: String(i.id),
          text: `${m.committee_name}, ${formatDate(m.meeting_date)}: item ${i.number} ${i.title}`,
          selected: i.id === r.follow_up_item_id,
        })
    }
    return out
  }

  app.get<Id>(
    '/recommendations/:id',
    { config: { policy: 'portfolio.read' }, schema: { params: IdParams } },
    async (request, reply) => showRec(reply, await loadRec(reply, request.params.id)),
  )

  // ---- Respond (the addressee, lead officer or an administrator) ----
  const RESPOND = 'scrutiny/views/respond.njk'
  const respondForm = (
    reply: FastifyReply,
    r: Rec,
    values: ResponseInput,
    body: FormBody | null,
    errors: Record<string, string>,
    status = 200,
  ) =>
    reply.render(
      RESPOND,
      {
        title: `Respond to ${r.reference}`,
        backLink: `/recommendations/${r.id}`,
        rec: r,
        values,
        responses: choices(RESPONSES, values.response),
        dateItems: dateItems(body, 'respondedOn', values.respondedOn, Boolean(errors.respondedOn)),
        ...formErrors(errors, ['response', 'reasons', 'respondedOn']),
      },
      status,
    )

  app.get<Id>(
    '/recommendations/:id/respond',
    { config: { policy: 'scrutiny.respond' }, schema: { params: IdParams } },
    async (request, reply) => {
      const r = await loadRec(reply, request.params.id)
      if (!recs.mayRespond(request.actor!, r)) return notAddresseePage(reply)
      if (r.response !== null) {
        reply.flash('This recommendation has already been responded to')
        return reply.redirect(`/recommendations/${r.id}`, 303)
      }
      return respondForm(reply, r, { response: '', reasons: '', respondedOn: todayInLondon() }, null, {})
    },
  )

  app.post<IdForm>(
    '/recommendations/:id/respond',
    { config: { policy: 'scrutiny.respond' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const r = await loadRec(reply, request.params.id)
      const errors: Record<string, string> = {}
      const values: ResponseInput = {
        response: field(request.body, 'response'),
        reasons: field(request.body, 'reasons'),
        respondedOn: readDate(request.body, 'respondedOn', 'Date of the response', errors, true),
      }
      const version = optionalInt(field(request.body, 'version'))
      return saveScrutinyForm(reply, {
        // A date the form could not read arrives as null, which the service refuses with the field named.
        save: () => recs.respond(request.actor!, r.id, version, values),
        invalid: (errs, status) =>
          respondForm(reply, r, values, request.body, { ...errs, ...errors }, status),
        onStale: (conflict) =>
          renderConflict(reply, {
            title: r.reference,
            recordUrl: `/recommendations/${r.id}`,
            action: `/recommendations/${r.id}/respond`,
            rows: responseConflictRows(values, conflict.current as Recommendation),
            resubmit: resubmitFields(request.body),
            savedVersion: (conflict.current as Recommendation).version,
          }),
        onSaved: (saved) => {
          reply.flash(`Response to ${r.reference} recorded: ${responseLabel(saved.response).toLowerCase()}`)
          return reply.redirect(`/recommendations/${r.id}`, 303)
        },
      })
    },
  )

  app.post<IdForm>(
    '/recommendations/:id/status',
    { config: { policy: 'scrutiny.respond' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const r = await loadRec(reply, request.params.id)
      return saveScrutinyForm(reply, {
        save: () =>
          recs.setStatus(
            request.actor!,
            r.id,
            optionalInt(field(request.body, 'version')),
            field(request.body, 'status'),
            field(request.body, 'evidence'),
          ),
        invalid: (errs, status) => showRec(reply, r, errs, status),
        onStale: (conflict) =>
          renderConflict(reply, {
            title: r.reference,
            recordUrl: `/recommendations/${r.id}`,
            action: `/recommendations/${r.id}/status`,
            rows: recommendationStatusRows(field(request.body, 'status'), conflict.current as Recommendation),
            resubmit: resubmitFields(request.body),
            savedVersion: (conflict.current as Recommendation).version,
          }),
        onSaved: (saved) => {
          reply.flash(`${r.reference} is now ${statusTag(saved.status).text.toLowerCase()}`)
          return reply.redirect(`/recommendations/${r.id}`, 303)
        },
      })
    },
  )

  app.post<IdForm>(
    '/recommendations/:id/follow-up',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const r = await loadRec(reply, request.params.id)
      return saveScrutinyForm(reply, {
        save: () =>
          recs.linkFollowUp(request.actor!, r.id, optionalInt(field(request.body, 'followUpItemId'))),
        invalid: (errs, status) => showRec(reply, r, errs, status),
        onSaved: () => {
          reply.flash(`${r.reference} followed up`)
          return reply.redirect(`/recommendations/${r.id}`, 303)
        },
      })
    },
  )

  // ---- Actions ----
  const ACTION_FORM = 'scrutiny/views/action-form.njk'
  async function actionForm(
    reply: FastifyReply,
    r: Rec,
    values: ActionInput,
    body: FormBody | null,
    errors: Record<string, string>,
    status = 200,
  ) {
    const scope = scopeOf(reply.request.actor!)
    const [people, projects] = await Promise.all([
      scrutiny.people(scope),
      app.services.projects.listProjects(scope, { limit: 500 }),
    ])
    return reply.render(
      ACTION_FORM,
      {
        title: `Add an action to ${r.reference}`,
        backLink: `/recommendations/${r.id}`,
        action: `/recommendations/${r.id}/actions`,
        rec: r,
        values,
        owners: peopleItems(people, values.ownerUserId),
        projects: [
          { value: '', text: 'None' },
          ...projects.map((p) => ({
            value: String(p.id),
            text: `${p.reference} ${p.name}`,
            selected: p.id === values.projectId,
          })),
        ],
        statuses: choices(ACTION_STATUSES, values.status),
        dateItems: dateItems(body, 'dueOn', values.dueOn, Boolean(errors.dueOn)),
        ...formErrors(errors, [
          'text',
          'ownerUserId',
          'dueOn',
          'projectId',
          'status',
          'evidenceText',
          'evidenceUrl',
        ]),
      },
      status,
    )
  }

  app.get<Id>(
    '/recommendations/:id/actions/new',
    { config: { policy: 'scrutiny.respond' }, schema: { params: IdParams } },
    async (request, reply) => {
      const r = await loadRec(reply, request.params.id)
      if (!recs.mayRespond(request.actor!, r)) return notAddresseePage(reply)
      return actionForm(
        reply,
        r,
        {
          text: '',
          ownerUserId: null,
          dueOn: null,
          projectId: null,
          programmeId: null,
          status: 'not_started',
          evidenceText: '',
          evidenceUrl: '',
        },
        null,
        {},
      )
    },
  )

  app.post<IdForm>(
    '/recommendations/:id/actions',
    { config: { policy: 'scrutiny.respond' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const r = await loadRec(reply, request.params.id)
      const b = request.body
      const errors: Record<string, string> = {}
      const values: ActionInput = {
        text: field(b, 'text'),
        ownerUserId: optionalInt(field(b, 'ownerUserId')),
        dueOn: readDate(b, 'dueOn', 'Due date', errors),
        projectId: optionalInt(field(b, 'projectId')),
        programmeId: null,
        status: field(b, 'status') || 'not_started',
        evidenceText: field(b, 'evidenceText'),
        evidenceUrl: field(b, 'evidenceUrl'),
      }
      const invalid = (errs: Record<string, string>, status: number) =>
        actionForm(reply, r, values, b, { ...errs, ...errors }, status)
      if (Object.keys(errors).length > 0) {
        if (!recs.mayRespond(request.actor!, r)) return notAddresseePage(reply)
        return invalid({}, 400)
      }
      return saveScrutinyForm(reply, {
        save: () => recs.addAction(request.actor!, r.id, values),
        invalid: invalid,
        onSaved: () => {
          reply.flash('Action added')
          return reply.redirect(`/recommendations/${r.id}#actions`, 303)
        },
      })
    },
  )

  app.post<IdForm>(
    '/recommendation-actions/:id',
    { config: { policy: 'scrutiny.respond' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const scope = scopeOf(request.actor!)
      const a = await recs.getAction(scope, request.params.id)
      if (!a) throw notFound('Action')
      const r = await loadRec(reply, a.recommendation_id)
      const b = request.body
      return saveScrutinyForm(reply, {
        save: () =>
          recs.updateAction(
            request.actor!,
            a.id,
            optionalInt(field(b, 'version')),
            field(b, 'status'),
            field(b, 'evidenceText'),
            field(b, 'evidenceUrl'),
          ),
        invalid: (errs, status) => showRec(reply, r, errs, status),
        onStale: (conflict) =>
          renderConflict(reply, {
            title: `an action on ${r.reference}`,
            recordUrl: `/recommendations/${r.id}#actions`,
            action: `/recommendation-actions/${a.id}`,
            rows: actionConflictRows(
              {
                status: field(b, 'status'),
                evidenceText: field(b, 'evidenceText'),
                evidenceUrl: field(b, 'evidenceUrl'),
              },
              conflict.current as RecommendationAction,
            ),
            resubmit: resubmitFields(b),
            savedVersion: (conflict.current as RecommendationAction).version,
          }),
        onSaved: () => {
          reply.flash('Action updated')
          return reply.redirect(`/recommendations/${r.id}#actions`, 303)
        },
      })
    },
  )
}
