import type { FastifyInstance } from 'fastify'
import type { OidcConfiguration } from '../../db/schema.ts'
import { handleForm, renderConflict, resubmitFields, whenStale } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import type { SsoSettingsInput } from './sso-settings.service.ts'
import { formatGroupRoles, SSO_CALLBACK_PATH, type SsoSettings } from './sso.rules.ts'

const PAGE = 'sso/views/settings.njk'
const TITLE = 'Sign-in through your identity provider'

function inputOf(body: FormBody): SsoSettingsInput {
  return {
    providerName: field(body, 'providerName'),
    issuer: field(body, 'issuer'),
    clientId: field(body, 'clientId'),
    clientSecret: typeof body.clientSecret === 'string' ? body.clientSecret.trim() : '',
    allowedDomains: field(body, 'allowedDomains'),
    tenantId: field(body, 'tenantId'),
    groupsClaim: field(body, 'groupsClaim'),
    groupRoles: typeof body.groupRoles === 'string' ? body.groupRoles : '',
    enabled: field(body, 'enabled') === 'yes',
    localPasswordsAllowed: field(body, 'localPasswordsAllowed') !== 'no',
  }
}

/** The form's values: what was typed, or what is stored. The client secret is never among them. */
function valuesOf(settings: SsoSettings | null): Omit<SsoSettingsInput, 'clientSecret'> {
  return {
    providerName: settings?.providerName ?? '',
    issuer: settings?.issuer ?? '',
    clientId: settings?.clientId ?? '',
    allowedDomains: settings?.allowedDomains.join(', ') ?? '',
    tenantId: settings?.tenantId ?? '',
    groupsClaim: settings?.groupsClaim ?? '',
    groupRoles: settings ? formatGroupRoles(settings.groupRoles) : '',
    enabled: settings?.enabled ?? true,
    localPasswordsAllowed: settings?.localPasswordsAllowed ?? true,
  }
}

export async function ssoSettingsRoutes(app: FastifyInstance) {
  const { ssoSettings } = app.services

  async function page(
    organisationId: number,
    extra: { values?: SsoSettingsInput; errors?: Record<string, string> },
  ) {
    const view = await ssoSettings.view(organisationId)
    const { clientSecret: _typed, ...typed } = extra.values ?? {
      ...valuesOf(view.settings),
      clientSecret: '',
    }
    return {
      title: TITLE,
      backLink: '/settings',
      view,
      values: typed,
      callbackUrl: `${app.config.baseUrl}${SSO_CALLBACK_PATH}`,
      ...(extra.errors ? { errors: extra.errors, errorList: errorList(extra.errors) } : {}),
    }
  }

  app.get('/settings/sign-in', { config: { policy: 'organisation.admin' } }, async (request, reply) => {
    return reply.render(PAGE, await page(request.actor!.organisationId, {}))
  })

  app.post<{ Body: FormBody }>(
    '/settings/sign-in',
    { config: { policy: 'organisation.admin' }, schema: { body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const input = inputOf(request.body)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      return handleForm(reply, {
        save: () => ssoSettings.save(actor, input, version),
        onInvalid: async (errors) =>
          reply.render(PAGE, await page(actor.organisationId, { values: input, errors }), 400),
        onConflict: whenStale(async (conflict) => {
          const saved = conflict.current as OidcConfiguration
          const stored = valuesOf((await ssoSettings.effective(actor.organisationId))?.settings ?? null)
          const yes = (v: boolean) => (v ? 'Yes' : 'No')
          // The secret is left out of the page: "Save my version" keeps the stored one unless it is typed again.
          const { clientSecret: _secret, ...resubmit } = resubmitFields(request.body)
          return renderConflict(reply, {
            title: TITLE,
            recordUrl: '/settings/sign-in',
            action: '/settings/sign-in',
            rows: [
              { label: 'Provider name', yours: input.providerName, saved: stored.providerName },
              { label: 'Issuer URL', yours: input.issuer, saved: stored.issuer },
              { label: 'Client ID', yours: input.clientId, saved: stored.clientId },
              { label: 'Allowed email domains', yours: input.allowedDomains, saved: stored.allowedDomains },
              { label: 'Microsoft Entra tenant ID', yours: input.tenantId, saved: stored.tenantId },
              { label: 'Groups claim', yours: input.groupsClaim, saved: stored.groupsClaim },
              { label: 'Groups and roles', yours: input.groupRoles.trim(), saved: stored.groupRoles },
              { label: 'Sign-in turned on', yours: yes(input.enabled), saved: yes(stored.enabled) },
              {
                label: 'Passwords allowed',
                yours: yes(input.localPasswordsAllowed),
                saved: yes(stored.localPasswordsAllowed),
              },
            ],
            resubmit,
            savedVersion: saved.version,
          })
        }),
        onSaved: () => {
          reply.flash('Sign-in settings saved')
          return reply.redirect('/settings/sign-in', 303)
        },
      })
    },
  )
}
