import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/**
 * Secrets Oversight must be able to read back (an organisation's OpenID Connect client secret) are kept
 * sealed with AES-256-GCM under OVERSIGHT_SECRET_KEY, which lives in the environment and never in the
 * database: a copy of the database (a backup, a subject access export) holds no usable secret.
 *
 * A sealed value is `v1.<iv>.<tag>.<ciphertext>` (base64url). The `context` (for example `oidc:12`) is
 * authenticated with it, so a sealed value copied into another organisation's row does not open there.
 */
export type SecretKey = Buffer & { readonly __secretKey: unique symbol }

/** 32 bytes, written as 64 hexadecimal characters or as base64; an error message if it is not. */
export function parseSecretKey(raw: string): SecretKey | string {
  const value = raw.trim()
  const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64')
  if (bytes.length !== 32)
    return 'OVERSIGHT_SECRET_KEY must be 32 bytes, written as 64 hexadecimal characters; generate one with: openssl rand -hex 32'
  return bytes as SecretKey
}

export function sealSecret(key: SecretKey, plaintext: string, context: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(context, 'utf8'))
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return ['v1', iv, cipher.getAuthTag(), ciphertext]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.')
}

/** The plaintext, or null when the value was sealed under another key or context, or was altered. */
export function openSecret(key: SecretKey, sealed: string, context: string): string | null {
  const [version, iv, tag, ciphertext] = sealed.split('.')
  if (version !== 'v1' || !iv || !tag || ciphertext === undefined) return null
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
    decipher.setAAD(Buffer.from(context, 'utf8'))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
      'utf8',
    )
  } catch {
    return null
  }
}
