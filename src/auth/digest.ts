import crypto from 'node:crypto'

type OneShotHash = (algorithm: string, data: string, outputEncoding: 'hex') => string

// `crypto.hash` (Node 20.12 and later) hashes in one call, without a Hash object: about a quarter of the
// time of createHash for a token, which every API request hashes to look it up (bench/profile-list.ts).
// Node 20 before 20.12 (package.json allows it) has only createHash.
const oneShot = (crypto as { hash?: OneShotHash }).hash

/** Hex SHA-256: how session ids, API tokens and sign-in throttle keys are stored (never the secret itself). */
export const sha256: (value: string) => string = oneShot
  ? (value) => oneShot('sha256', value, 'hex')
  : (value) => crypto.createHash('sha256').update(value).digest('hex')
