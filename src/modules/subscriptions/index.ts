export { createFollowsService, type FollowsService } from './follows.service.ts'
export { followButton, followsRoutes } from './follows.routes.ts'
export type { Followable } from './follows.rules.ts'
