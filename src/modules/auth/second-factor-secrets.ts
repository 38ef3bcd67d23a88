import { openSecret, sealSecret, type SecretKey } from '../../auth/secret-box.ts'

/** The message for a secret that does not open, where a person enters a code. */
export const UNREADABLE_SECRET_MESSAGE =
  'Oversight cannot check authenticator codes at the moment: its secret key has changed. Enter one of your recovery codes, or ask whoever runs Oversight'

/** What a sealed secret is bound to: a sealed value copied to another person's row does not open there. */
const sealContext = (userId: number) => `totp:${userId}`

/**
 * Issue 13: authenticator secrets are sealed with OVERSIGHT_SECRET_KEY when the server has one, as OpenID
 * Connect client secrets are (auth/secret-box.ts). Without a key a secret is kept as before (base32), and
 * sealed at the next start-up that has one (second-factor.service.ts: sealStoredSecrets).
 */
export function secondFactorSealing(key: SecretKey | null) {
  /** A sealed value starts so; a base32 secret, of A–Z and 2–7 only, never does. */
  const isSealed = (stored: string) => stored.startsWith('v1.')
  return {
    isSealed,
    seal: (userId: number, secret: string) => (key ? sealSecret(key, secret, sealContext(userId)) : secret),
    /** The base32 secret, or null when it is sealed under another key, or sealed and the server has none. */
    open: (userId: number, stored: string): string | null => {
      if (!isSealed(stored)) return stored
      return key ? openSecret(key, stored, sealContext(userId)) : null
    },
  }
}
