import type { SsoRefusal } from './sso-sign-in.service.ts'

/** What a person is told when a sign-in through their organisation's provider is refused, and its status. */
export function refusalPage(
  reason: SsoRefusal,
  providerName: string,
): { status: number; heading: string; body: string[] } {
  switch (reason) {
    case 'not-configured':
      return {
        status: 404,
        heading: 'This organisation does not sign in through an identity provider',
        body: ['Sign in with your email address and password, or ask an administrator of your organisation.'],
      }
    case 'unavailable':
      return {
        status: 502,
        heading: `${providerName} is not answering`,
        body: [
          `Oversight could not reach ${providerName} to sign you in. Nothing has been changed.`,
          'Try again in a few minutes. If it keeps happening, tell your IT service desk.',
        ],
      }
    case 'state':
      return {
        status: 400,
        heading: 'This sign-in link has already been used or has expired',
        body: [
          'Each sign-in can be completed once, within 10 minutes, in the browser that started it. Start again.',
        ],
      }
    case 'provider-refused':
      return {
        status: 400,
        heading: `${providerName} did not sign you in`,
        body: [
          `${providerName} ended the sign-in without confirming who you are. Start again, or ask your IT service desk.`,
        ],
      }
    case 'invalid-token':
      return {
        status: 400,
        heading: `Oversight could not check ${providerName}’s answer`,
        body: [
          `The confirmation ${providerName} sent was not for Oversight, had expired, or was not signed as it should be, so you have not been signed in. Nothing has been changed.`,
          'Start again. If it keeps happening, ask an administrator of your organisation to check the sign-in settings.',
        ],
      }
    case 'unverified-email':
      return {
        status: 403,
        heading: `${providerName} has not confirmed your email address`,
        body: [
          `To link your account the first time, ${providerName} must confirm an email address in one of your organisation’s domains. It did not, so you have not been signed in.`,
          'Ask your IT service desk to confirm your email address, or an administrator of your organisation to check the allowed domains.',
        ],
      }
    case 'unknown-person':
      return {
        status: 403,
        heading: 'You do not have an account in this organisation',
        body: [
          `${providerName} confirmed who you are, but nobody with your email address is a member of this organisation in Oversight.`,
          'Ask an administrator of your organisation to invite you.',
        ],
      }
    case 'already-linked':
      return {
        status: 403,
        heading: 'Your account is linked to another sign-in',
        body: [
          `Your Oversight account is already linked to a different ${providerName} account. Sign in with that one, or ask an administrator of your organisation.`,
        ],
      }
    case 'left':
      return {
        status: 403,
        heading: 'You no longer have access to Oversight',
        body: ['Ask an administrator of your organisation if this is wrong.'],
      }
  }
}
