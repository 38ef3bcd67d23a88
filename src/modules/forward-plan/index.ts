import type { FastifyInstance } from 'fastify'
import { callInPeriodApi, forwardPlanApi } from './forward-plan.api.ts'
import { forwardPlanRoutes } from './forward-plan.routes.ts'
import { meetingAccessRoutes } from './meeting-access.routes.ts'

export { createForwardPlanService, publicForwardPlan } from './forward-plan.service.ts'
export { createMeetingAccessService } from './meeting-access.service.ts'
export { createAccessAlertsService } from './access-alerts.service.ts'
export { forwardPlanHealthRules } from './forward-plan.health-rules.ts'
export { forwardPlanHistoryTargets } from './forward-plan.history.ts'
export { isExemptItem } from './agenda-exemption.ts'

/** The forward plan of key decisions and the call-in of decisions (issue 12): its pages and its API. */
export async function forwardPlanSlice(app: FastifyInstance) {
  await app.register(forwardPlanRoutes)
  await app.register(forwardPlanApi)
  await app.register(callInPeriodApi)
  await app.register(meetingAccessRoutes)
}
