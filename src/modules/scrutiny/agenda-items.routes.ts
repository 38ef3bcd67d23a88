import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { AgendaItem } from '../../db/schema.ts'
import { formatDate, todayInLondon } from '../../domain/dates.ts'
import { IdParams } from '../../web/api-schemas.ts'
import { renderConflict, resubmitFields } from '../../web/form-pages.ts'
import { agendaItemConflictRows } from './scrutiny.conflicts.ts'
import { field, fields, FormBody, optionalInt } from '../../web/forms.ts'
import { effectiveStatus } from './recommendation-status.ts'
import { renderMinutes } from './minutes.ts'
import {
  POINT_KINDS,
  pointKindLabel,
  statusTag,
  type AgendaItemInput,
  type PointInput,
} from './scrutiny.rules.ts'
import {
  agendaItemOr404 as loadItem,
  meetingOr404 as loadMeeting,
  saveScrutinyForm,
  choices,
  formErrors,
  type Id,
  type IdForm,
} from './scrutiny.view.ts'
import { documentsSection } from '../attachments/attachments.section.ts'

const readItem = (b: FormBody): AgendaItemInput => ({
  number: field(b, 'number'),
  title: field(b, 'title'),
  purpose: field(b, 'purpose'),
  reportsPresented: field(b, 'reportsPresented'),
  presenters: field(b, 'presenters'),
  // Minutes keep their line breaks and indentation: they are Markdown.
  minutes: typeof b.minutes === 'string' ? b.minutes : '',
})
const ITEM_ORDER = ['number', 'title', 'purpose', 'reportsPresented', 'presenters', 'minutes']

interface PointView {
  id: number
  kindLabel: string
  kind: string
  speaker_name: string
  speaker_role: string
  text: string
  replies: PointView[]
}

/**
 * A meeting's agenda items: added and edited by scrutiny, each shown with its minutes, the points made in
 * debate and the recommendations made at it.
 */
export async function agendaItemsRoutes(app: FastifyInstance) {
  const { scrutiny } = app.services
  const ITEM_FORM = 'scrutiny/views/item-form.njk'

  const itemForm = async (
    reply: FastifyReply,
    values: AgendaItemInput,
    errors: Record<string, string>,
    extra: object,
    status = 200,
  ) => {
    const scope = scopeOf(reply.request.actor!)
    const [programmes, projects] = await Promise.all([
      app.services.programmes.options(scope),
      app.services.projects.listProjects(scope, { limit: 500 }),
    ])
    return reply.render(
      ITEM_FORM,
      {
        ...extra,
        values,
        ...formErrors(errors, ITEM_ORDER),
        programmes: [
          { value: '', text: 'None' },
          ...programmes.map((p) => ({ value: String(p.id), text: `${p.reference} ${p.name}` })),
        ],
        projects: projects.map((p) => ({ value: String(p.id), text: `${p.reference} ${p.name}` })),
      },
      status,
    )
  }

  app.get<Id>(
    '/meetings/:id/items/new',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams } },
    async (request, reply) => {
      const m = await loadMeeting(reply, request.params.id)
      const count = (await scrutiny.items(scopeOf(request.actor!), m.id)).length
      return itemForm(
        reply,
        {
          number: String(count + 1),
          title: '',
          purpose: '',
          reportsPresented: '',
          presenters: '',
          minutes: '',
        },
        {},
        {
          title: 'Add an agenda item',
          backLink: `/meetings/${m.id}`,
          action: `/meetings/${m.id}/items`,
          isNew: true,
        },
      )
    },
  )

  app.post<IdForm>(
    '/meetings/:id/items',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const m = await loadMeeting(reply, request.params.id)
      const values = readItem(request.body)
      const ids = (name: string) =>
        fields(request.body, name)
          .map(optionalInt)
          .filter((n): n is number => n !== null)
      return saveScrutinyForm(reply, {
        save: () =>
          scrutiny.createItem(request.actor!, m.id, values, {
            programmeIds: ids('programmeId'),
            projectIds: ids('projectId'),
          }),
        invalid: (errs, status) =>
          itemForm(
            reply,
            values,
            errs,
            {
              title: 'Add an agenda item',
              backLink: `/meetings/${m.id}`,
              action: `/meetings/${m.id}/items`,
              isNew: true,
            },
            status,
          ),
        onSaved: (saved) => {
          reply.flash(`Item ${saved.number} added`)
          return reply.redirect(`/agenda-items/${saved.id}`, 303)
        },
      })
    },
  )

  async function showItem(
    reply: FastifyReply,
    item: AgendaItem,
    errors: Record<string, string> = {},
    status = 200,
  ) {
    const actor = reply.request.actor!
    const scope = scopeOf(actor)
    const today = todayInLondon()
    const [meeting, points, resolutions, links, recs, followUps] = await Promise.all([
      scrutiny.getMeeting(scope, item.meeting_id),
      scrutiny.points(scope, item.id),
      scrutiny.resolutions(scope, item.id),
      scrutiny.links(scope, item.id),
      scrutiny.recommendations.forItem(scope, item.id),
      scrutiny.recommendations.followedUpAt(scope, item.id),
    ])
    const committee = meeting ? await scrutiny.getCommittee(scope, meeting.committee_id) : undefined
    // The minute's bullet structure: members' comments with the officers' responses nested beneath.
    const byId = new Map<number, PointView>()
    const roots: PointView[] = []
    for (const p of points) byId.set(p.id, { ...p, kindLabel: pointKindLabel(p.kind), replies: [] })
    for (const p of points) {
      const view = byId.get(p.id)!
      const parent = p.parent_id !== null ? byId.get(p.parent_id) : undefined
      if (parent) parent.replies.push(view)
      else roots.push(view)
    }
    const recView = (r: (typeof recs)[number]) => ({ ...r, tag: statusTag(effectiveStatus(r, today)) })
    return reply.render(
      'scrutiny/views/item-show.njk',
      {
        title: `Item ${item.number}: ${item.title}`,
        breadcrumbs: [
          { text: 'Scrutiny', href: '/scrutiny' },
          { text: committee?.name ?? 'Committee', href: `/committees/${meeting?.committee_id ?? ''}` },
          { text: `Meeting on ${formatDate(meeting?.meeting_date)}`, href: `/meetings/${item.meeting_id}` },
        ],
        item,
        documentsSection: await documentsSection(app, actor, 'agenda_item', item.id),
        meeting,
        minutesHtml: renderMinutes(item.minutes),
        points: roots,
        pointOptions: [
          { value: '', text: 'None – a new point' },
          ...points.map((p) => ({
            value: String(p.id),
            text: `${p.speaker_name || pointKindLabel(p.kind)}: ${p.text.slice(0, 60)}`,
          })),
        ],
        pointKinds: choices(POINT_KINDS, 'comment', true),
        resolutions,
        links,
        recommendations: recs.map(recView),
        followUps: followUps.map(recView),
        canRecord: allows('scrutiny.record', actor.role),
        ...formErrors(errors, ['parentId', 'kind', 'text', 'resolution']),
      },
      status,
    )
  }

  app.get<Id>(
    '/agenda-items/:id',
    { config: { policy: 'portfolio.read' }, schema: { params: IdParams } },
    async (request, reply) => showItem(reply, await loadItem(reply, request.params.id)),
  )

  app.get<Id>(
    '/agenda-items/:id/edit',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams } },
    async (request, reply) => {
      const i = await loadItem(reply, request.params.id)
      return itemForm(
        reply,
        {
          number: i.number,
          title: i.title,
          purpose: i.purpose,
          reportsPresented: i.reports_presented,
          presenters: i.presenters,
          minutes: i.minutes,
        },
        {},
        {
          title: `Edit item ${i.number}`,
          backLink: `/agenda-items/${i.id}`,
          action: `/agenda-items/${i.id}/edit`,
          version: i.version,
        },
      )
    },
  )

  app.post<IdForm>(
    '/agenda-items/:id/edit',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const i = await loadItem(reply, request.params.id)
      const values = readItem(request.body)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      return saveScrutinyForm(reply, {
        save: () => scrutiny.updateMinutes(request.actor!, i.id, version, values),
        invalid: (errs, status) =>
          itemForm(
            reply,
            values,
            errs,
            {
              title: `Edit item ${i.number}`,
              backLink: `/agenda-items/${i.id}`,
              action: `/agenda-items/${i.id}/edit`,
              version,
            },
            status,
          ),
        onStale: (conflict) => {
          const saved = conflict.current as AgendaItem
          return renderConflict(reply, {
            title: `Item ${saved.number}: ${saved.title}`,
            recordUrl: `/agenda-items/${i.id}`,
            action: `/agenda-items/${i.id}/edit`,
            rows: agendaItemConflictRows(values, saved),
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        },
        onSaved: () => {
          reply.flash('Agenda item updated')
          return reply.redirect(`/agenda-items/${i.id}`, 303)
        },
      })
    },
  )

  app.post<IdForm>(
    '/agenda-items/:id/points',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const i = await loadItem(reply, request.params.id)
      const input: PointInput = {
        parentId: optionalInt(field(request.body, 'parentId')),
        kind: field(request.body, 'kind'),
        speakerName: field(request.body, 'speakerName'),
        speakerRole: field(request.body, 'speakerRole'),
        text: field(request.body, 'text'),
      }
      return saveScrutinyForm(reply, {
        save: () => scrutiny.addPoint(request.actor!, i.id, input),
        invalid: (errs, status) => showItem(reply, i, errs, status),
        onSaved: () => {
          reply.flash('Point added to the minute')
          return reply.redirect(`/agenda-items/${i.id}#points`, 303)
        },
      })
    },
  )

  app.post<IdForm>(
    '/agenda-items/:id/resolutions',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const i = await loadItem(reply, request.params.id)
      return saveScrutinyForm(reply, {
        save: () => scrutiny.addResolution(request.actor!, i.id, field(request.body, 'resolution')),
        invalid: (errs, status) => showItem(reply, i, errs, status),
        onSaved: () => {
          reply.flash('Resolution recorded')
          return reply.redirect(`/agenda-items/${i.id}#resolutions`, 303)
        },
      })
    },
  )
}
