import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { RecommendationAction } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import { IdParams } from '../../web/api-schemas.ts'
import { dateItems, readDate, renderConflict, resubmitFields } from '../../web/form-pages.ts'
import { field, FormBody, optionalInt } from '../../web/forms.ts'
import { recommendationPage, type Rec } from './recommendation-page.ts'
import { actionConflictRows } from './scrutiny.conflicts.ts'
import { ACTION_STATUSES, type ActionInput } from './scrutiny.rules.ts'
import {
  saveScrutinyForm,
  choices,
  formErrors,
  notAddresseePage,
  peopleItems,
  type Id,
  type IdForm,
} from './scrutiny.view.ts'

/** The actions an addressee takes on an accepted recommendation: added, then their status and evidence kept up. */
export async function recommendationActionsRoutes(app: FastifyInstance) {
  const { scrutiny } = app.services
  const recs = scrutiny.recommendations
  const { loadRec, showRec } = recommendationPage(app)

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
