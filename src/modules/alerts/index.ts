export { alertsRoutes } from './alerts.routes.ts'
export { alertHealthRules } from './alerts.health-rules.ts'
export { createAlertsService, type AlertsService } from './alerts.service.ts'
