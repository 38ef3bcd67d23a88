import { createHash } from 'node:crypto'

/** Hex SHA-256: how session ids, API tokens and sign-in throttle keys are stored (never the secret itself). */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}
