import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseSsoEnv } from './sso-env.ts'

const ENV = {
  OIDC_ORGANISATION: 'Marshland',
  OIDC_PROVIDER_NAME: 'Microsoft',
  OIDC_ISSUER: 'https://login.microsoftonline.com/t1/v2.0',
  OIDC_CLIENT_ID: 'client',
  OIDC_CLIENT_SECRET: 'secret',
  OIDC_ALLOWED_DOMAINS: 'marshland.gov.uk',
  OIDC_TENANT_ID: 't1',
  OIDC_GROUPS_CLAIM: 'groups',
  OIDC_GROUP_ROLES: 'g1=administrator;g2=viewer',
  OIDC_LOCAL_PASSWORDS: 'false',
}

test('a single-council install sets its sign-in in the environment', () => {
  const problems: string[] = []
  const sso = parseSsoEnv(ENV, problems)
  assert.deepEqual(problems, [])
  assert.equal(sso?.organisationSlug, 'marshland')
  assert.equal(sso?.clientSecret, 'secret')
  assert.deepEqual(sso?.settings.groupRoles, { g1: 'administrator', g2: 'viewer' })
  assert.equal(sso?.settings.localPasswordsAllowed, false)
  assert.equal(parseSsoEnv({}, problems), null)
})

test('every problem with the OIDC_ variables is reported at once', () => {
  const problems: string[] = []
  const sso = parseSsoEnv(
    { OIDC_ISSUER: 'http://idp.example.com', OIDC_GROUP_ROLES: 'g1=boss', OIDC_LOCAL_PASSWORDS: 'maybe' },
    problems,
  )
  assert.equal(sso, null)
  assert.deepEqual(
    problems.map((p) => p.split(' ')[0]),
    [
      'OIDC_ORGANISATION',
      'OIDC_CLIENT_ID',
      'OIDC_CLIENT_SECRET',
      'OIDC_ALLOWED_DOMAINS',
      'OIDC_ISSUER:',
      'OIDC_GROUP_ROLES:',
      'OIDC_LOCAL_PASSWORDS',
    ],
  )
})
