import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  emailVouchedFor,
  issuerProblem,
  parseDomains,
  parseGroupRoles,
  roleFromGroups,
  switchNeeds,
  type SsoSettings,
} from './sso.rules.ts'

const settings: SsoSettings = {
  providerName: 'Microsoft',
  issuer: 'https://login.example.com/t/v2.0',
  clientId: 'c',
  allowedDomains: ['council.gov.uk'],
  tenantId: 'tenant-1',
  groupsClaim: 'groups',
  groupRoles: { g1: 'viewer', g2: 'administrator' },
  enabled: true,
  localPasswordsAllowed: true,
}

test('an email is vouched for by email_verified, Entra xms_edov, or its own tenant, in an allowed domain', () => {
  assert.equal(
    emailVouchedFor({ sub: 's', email: 'A@Council.gov.uk', email_verified: true }, settings),
    'a@council.gov.uk',
  )
  assert.equal(
    emailVouchedFor(
      { sub: 's', email: 'a@council.gov.uk', email_verified: false, tid: 'tenant-1' },
      settings,
    ),
    null,
  )
  assert.equal(emailVouchedFor({ sub: 's', email: 'a@other.org', email_verified: true }, settings), null)
  assert.equal(
    emailVouchedFor({ sub: 's', email: 'a@council.gov.uk', xms_edov: true }, settings),
    'a@council.gov.uk',
  )
  assert.equal(
    emailVouchedFor({ sub: 's', email: 'a@council.gov.uk', tid: 'tenant-1' }, settings),
    'a@council.gov.uk',
  )
  assert.equal(emailVouchedFor({ sub: 's', email: 'a@council.gov.uk', tid: 'tenant-2' }, settings), null)
  assert.equal(
    emailVouchedFor({ sub: 's', email: 'a@council.gov.uk' }, { ...settings, tenantId: null }),
    null,
  )
})

test('the issuer is https, or http on loopback only', () => {
  assert.equal(issuerProblem('https://accounts.google.com'), null)
  assert.equal(issuerProblem('http://127.0.0.1:4000'), null)
  assert.match(issuerProblem('http://idp.example.com')!, /https/)
  assert.match(issuerProblem('not a url')!, /full address/)
})

test('domains and group mappings are read from what an administrator types', () => {
  assert.deepEqual(parseDomains('Council.gov.uk, @example.org\nexample.org'), {
    domains: ['council.gov.uk', 'example.org'],
  })
  assert.deepEqual(parseDomains('council, x'), { bad: 'council' })
  assert.deepEqual(parseGroupRoles('g1 = Viewer\n\n g2=programme manager'), {
    map: { g1: 'viewer', g2: 'programme_manager' },
  })
  assert.deepEqual(parseGroupRoles('g1 = boss'), { badLine: 'g1 = boss' })
})

test('the widest mapped role wins; unmapped groups leave the role alone', () => {
  assert.equal(roleFromGroups({ sub: 's', groups: ['g1', 'g2', 'x'] }, settings), 'administrator')
  assert.equal(roleFromGroups({ sub: 's', groups: ['x'] }, settings), null)
  assert.equal(roleFromGroups({ sub: 's', groups: ['g1'] }, { ...settings, groupsClaim: null }), null)
})

test('a session moves only where the way it signed in counts', () => {
  const a = { organisationId: 1, hasProvider: true, takesPassword: true }
  const ssoOnly = { organisationId: 2, hasProvider: true, takesPassword: false }
  const passwordsOnly = { organisationId: 3, hasProvider: false, takesPassword: true }
  const through = (signedInThrough: number | null) => ({ signedInThrough, recorded: true })
  assert.equal(switchNeeds(through(2), ssoOnly), null)
  assert.equal(switchNeeds(through(null), ssoOnly), 'own-provider')
  assert.equal(switchNeeds(through(1), ssoOnly), 'own-provider')
  assert.equal(switchNeeds(through(null), a), null)
  assert.equal(switchNeeds(through(null), passwordsOnly), null)
  assert.equal(switchNeeds(through(2), a), 'sign-in-again')
  assert.equal(switchNeeds(through(2), passwordsOnly), 'sign-in-again')
})

test('a session that did not record how it signed in moves nowhere until the person signs in again', () => {
  // Sessions from before migration 0043 say null, as a password session does, though some came through a
  // provider: taken for a password, one signed in through another organisation's provider could move.
  const unrecorded = { signedInThrough: null, recorded: false }
  const a = { organisationId: 1, hasProvider: true, takesPassword: true }
  const ssoOnly = { organisationId: 2, hasProvider: true, takesPassword: false }
  const passwordsOnly = { organisationId: 3, hasProvider: false, takesPassword: true }
  assert.equal(switchNeeds(unrecorded, a), 'unrecorded')
  assert.equal(switchNeeds(unrecorded, passwordsOnly), 'unrecorded')
  assert.equal(switchNeeds(unrecorded, ssoOnly), 'own-provider')
})
