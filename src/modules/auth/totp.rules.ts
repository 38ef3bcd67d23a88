import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * TOTP (RFC 6238 over RFC 4226's HOTP) with what every authenticator app reads from an otpauth:// URI by
 * default: SHA-1, 6 digits, 30-second steps. Written on node:crypto rather than taken from a package: the
 * whole algorithm is an HMAC and a truncation, the RFC's test vectors pin it (totp.rules.test.ts), and it
 * adds no dependency to keep up to date.
 */
export const STEP_SECONDS = 30
export const DIGITS = 6
/** A code from the step before or after is accepted too: a phone's clock a little out, or a slow typist. */
const DRIFT_STEPS = 1
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

export function base32Encode(bytes: Buffer): string {
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31]
  return out
}

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase()
  const out: number[] = []
  let bits = 0
  let value = 0
  for (const ch of clean) {
    const index = BASE32.indexOf(ch)
    if (index < 0) throw new Error('Not base32')
    value = ((value << 5) | index) & 0xffff
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

/** A new secret: 160 bits, the length RFC 4226 recommends for SHA-1. */
export function newSecret(): string {
  return base32Encode(randomBytes(20))
}

/** The time step a moment falls in. */
export function stepAt(ms: number): number {
  return Math.floor(ms / 1000 / STEP_SECONDS)
}

/** RFC 4226 §5.3: HMAC-SHA-1 of the counter, dynamically truncated. */
export function hotp(secret: Buffer, counter: number, digits = DIGITS): string {
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac('sha1', secret).update(message).digest()
  const offset = mac[mac.length - 1]! & 0xf
  const binary = mac.readUInt32BE(offset) & 0x7fffffff
  return String(binary % 10 ** digits).padStart(digits, '0')
}

/** The code an authenticator shows for a base32 secret at a moment. */
export function totpAt(secret: string, ms: number, digits = DIGITS): string {
  return hotp(base32Decode(secret), stepAt(ms), digits)
}

/** A code as typed: spaces and hyphens are allowed (apps show "123 456"). */
export function normaliseCode(typed: string): string {
  return typed.replace(/[\s-]/g, '')
}

/**
 * The time step a typed code matches, within the drift allowed, and only after `lastStep` (RFC 6238 §5.2:
 * a code once accepted is not accepted again, nor any older one); null when it matches none.
 */
export function matchingStep(
  secret: string,
  typed: string,
  ms: number,
  lastStep: number | null,
): number | null {
  const code = normaliseCode(typed)
  if (!/^\d{6}$/.test(code)) return null
  const key = base32Decode(secret)
  const now = stepAt(ms)
  for (let step = now - DRIFT_STEPS; step <= now + DRIFT_STEPS; step++) {
    if (lastStep !== null && step <= lastStep) continue
    if (timingSafeEqual(Buffer.from(hotp(key, step)), Buffer.from(code))) return step
  }
  return null
}

/** The otpauth:// URI an authenticator app takes (Google's Key Uri Format), naming the account and the issuer. */
export function otpauthUri(secret: string, issuer: string, account: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`
  const params = new URLSearchParams({
    secret,
    issuer,
    algorithm: 'SHA1',
    digits: String(DIGITS),
    period: String(STEP_SECONDS),
  })
  return `otpauth://totp/${label}?${params.toString()}`
}

/** The secret in groups of four, easier to type into an app by hand. */
export function groupedSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ')
}

/** Ten recovery codes of 10 characters from an alphabet with no look-alikes, shown as xxxxx-xxxxx. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'
export const RECOVERY_CODE_COUNT = 10

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(10)
    const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]!).join('')
    return `${chars.slice(0, 5)}-${chars.slice(5)}`
  })
}

/** A recovery code as typed: case, spaces and the hyphen do not matter. */
export function normaliseRecoveryCode(typed: string): string {
  return typed.toLowerCase().replace(/[^a-z0-9]/g, '')
}

/** Which is a recovery code rather than an authenticator's code: anything that is not six digits. */
export function looksLikeRecoveryCode(typed: string): boolean {
  return !/^\d{6}$/.test(normaliseCode(typed))
}
