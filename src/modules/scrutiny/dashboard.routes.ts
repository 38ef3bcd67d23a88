import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { meetingStatusLabel, statusTag } from './scrutiny.rules.ts'
import { effectiveStatus } from './recommendation-status.ts'
import { decisionKindLabel } from '../decisions/decisions.rules.ts'
import { toleranceKindLabel } from '../tolerances/tolerances.rules.ts'

export async function scrutinyDashboardRoutes(app: FastifyInstance) {
  const { scrutiny, decisions, boards, tolerances } = app.services

  /** Whether the person sits on any board: exception reports wait for a board's decision (PRINCE2). */
  async function sitsOnABoard(scope: ReturnType<typeof scopeOf>, userId: number): Promise<boolean> {
    for (const board of await boards.list(scope))
      if ((await boards.members(scope, board.id)).some((m) => m.user_id === userId)) return true
    return false
  }

  // The scrutiny dashboard: the recommendations monitor, overdue responses and the meetings coming up.
  app.get('/scrutiny', { config: { policy: 'portfolio.read' } }, async (request, reply) => {
    const actor = request.actor!
    const scope = scopeOf(actor)
    const today = todayInLondon()
    const [monitor, overdue, upcoming, mine] = await Promise.all([
      scrutiny.monitor(scope, today),
      scrutiny.overdueResponses(scope, today),
      scrutiny.listMeetings(scope, { from: today, limit: 10 }),
      scrutiny.recommendations.list(scope, { addresseeUserId: actor.userId, status: 'awaiting_response' }),
    ])
    return reply.render('scrutiny/views/dashboard.njk', {
      title: 'Scrutiny',
      monitor,
      overdue,
      upcoming: upcoming.reverse().map((m) => ({ ...m, statusLabel: meetingStatusLabel(m.status) })),
      awaitingMine: mine.length,
      canRecord: allows('scrutiny.record', actor.role),
    })
  })

  // The Portfolio Holder's page: everything awaiting their response, soonest due first, the decisions put to
  // a Portfolio Holder, and, for a board member, the exception reports awaiting the board's decision.
  app.get('/scrutiny/awaiting-response', { config: { policy: 'portfolio.read' } }, async (request, reply) => {
    const actor = request.actor!
    const today = todayInLondon()
    const rows = await scrutiny.recommendations.list(scopeOf(actor), {
      addresseeUserId: actor.userId,
      status: 'awaiting_response',
    })
    const leading = (
      await scrutiny.recommendations.list(scopeOf(actor), { status: 'awaiting_response' })
    ).filter((r) => r.lead_officer_user_id === actor.userId && r.addressee_user_id !== actor.userId)
    const scope = scopeOf(actor)
    const awaitingDecision = (await decisions.awaitingPortfolioHolder(scope)).map((d) => ({
      id: d.id,
      title: d.title,
      kindLabel: decisionKindLabel(d.kind),
      since: d.updated_at.slice(0, 10),
      forYou: d.decided_by_user_id === actor.userId,
    }))
    const exceptions = (await sitsOnABoard(scope, actor.userId))
      ? (await tolerances.listExceptions(scope, { status: 'reported' })).map((e) => ({
          id: e.id,
          project: `${e.project_reference} ${e.project_name}`,
          summary: e.summary,
          kindLabel: toleranceKindLabel(e.kind),
          reportedOn: (e.reported_at ?? e.raised_at).slice(0, 10),
        }))
      : null
    const view = (list: typeof rows) =>
      list
        .sort((a, b) => a.response_due_on.localeCompare(b.response_due_on))
        .map((r) => ({ ...r, tag: statusTag(effectiveStatus(r, today)) }))
    return reply.render('scrutiny/views/awaiting.njk', {
      title: 'Awaiting your response',
      breadcrumbs: [{ text: 'Scrutiny', href: '/scrutiny' }],
      addressed: view(rows),
      leading: view(leading),
      awaitingDecision,
      exceptions,
    })
  })
}
