import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import { wholeOrganisation } from '../../auth/visibility.ts'
import { formatDate, todayInLondon } from '../../domain/dates.ts'
import { notFound } from '../../errors.ts'
import { effectiveStatus } from './recommendation-status.ts'
import {
  ACTION_STATUSES,
  actionStatusLabel,
  addresseeLabel,
  RECOMMENDATION_STATUSES,
  recommendationKindLabel,
  responseLabel,
  SETTABLE_STATUSES,
  statusTag,
} from './scrutiny.rules.ts'
import { choices, formErrors } from './scrutiny.view.ts'

export type Rec = NonNullable<
  Awaited<ReturnType<FastifyInstance['services']['scrutiny']['recommendations']['get']>>
>

/**
 * A recommendation's own page: what it says, its response, status and actions, with the forms for each. The
 * routes that record a step on it answer a refused step by showing it again with the error summary.
 */
export function recommendationPage(app: FastifyInstance) {
  const { scrutiny } = app.services
  const recs = scrutiny.recommendations

  async function loadRec(reply: FastifyReply, id: number): Promise<Rec> {
    const r = await recs.get(scopeOf(reply.request.actor!), id)
    if (!r) throw notFound('Recommendation')
    return r
  }

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

  return { loadRec, showRec }
}
