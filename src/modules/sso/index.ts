import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { Config } from '../../config.ts'
import type { DB } from '../../db/schema.ts'
import type { AuthService } from '../auth/auth.service.ts'
import { createSsoSettingsService, type SsoSettingsService } from './sso-settings.service.ts'
import { createSsoSignInService } from './sso-sign-in.service.ts'
import { createSsoRepository } from './sso.repository.ts'
import { SSO_CALLBACK_PATH } from './sso.rules.ts'
import { ssoRoutes } from './sso.routes.ts'
import { ssoSettingsRoutes } from './sso-settings.routes.ts'

/** Built before the auth service, which asks it whether password sign-in is allowed. */
export function createSsoSettings(db: Kysely<DB>, config: Config): SsoSettingsService {
  return createSsoSettingsService(db, createSsoRepository(db), {
    secretKey: config.secretKey,
    fromEnv: config.ssoFromEnv,
  })
}

export function createSsoSignIn(
  db: Kysely<DB>,
  config: Config,
  deps: { settings: SsoSettingsService; auth: AuthService },
) {
  return createSsoSignInService(db, {
    repo: createSsoRepository(db),
    settings: deps.settings,
    auth: deps.auth,
    redirectUri: `${config.baseUrl}${SSO_CALLBACK_PATH}`,
  })
}

/** OpenID Connect sign-in (issue 13): the sign-in journey and the administrator's settings page. */
export async function ssoSlice(app: FastifyInstance) {
  await app.register(ssoRoutes)
  await app.register(ssoSettingsRoutes)
}
