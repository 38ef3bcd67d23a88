import { readFileSync } from 'node:fs'
import path from 'node:path'
import { projectRoot } from '../paths.ts'

/**
 * The one rule for every password a person sets: the password page, accepting an invitation, `oversight
 * user create` and DEMO_PASSWORD. It follows NCSC's password guidance and OWASP ASVS 5.0 section 6.2:
 * - a minimum length (V6.2.1 asks for at least 8; 12 here, as sign-in has no second factor), at least
 *   64 characters allowed (V6.2.9) and nothing cut short or changed (V6.2.8);
 * - no composition rules (V6.2.5): any characters, spaces and non-Latin letters included;
 * - refused if common or breached (V6.2.4, V6.2.12), against a list shipped with the app (no network), also
 *   when digits or symbols are only added around a listed password ("football2024!");
 * - refused if it contains the person's own email address, the part before the @, or their name (V6.2.11).
 */
export const PASSWORD_MIN_LENGTH = 12
export const PASSWORD_MAX_LENGTH = 128

export const PASSWORD_MESSAGES = {
  tooShort: `Password must be ${PASSWORD_MIN_LENGTH} characters or more`,
  tooLong: `Password must be ${PASSWORD_MAX_LENGTH} characters or fewer`,
  common:
    'Password is too common and easy to guess. Choose a different password, for example three random words',
  personal: 'Password must not contain your name or email address',
} as const

export interface PasswordContext {
  /** The email address of the person whose password this is. */
  email?: string | null
  /** Their full name. */
  name?: string | null
}

let common: Set<string> | null = null

/** The list is read on first use, not at start-up: most requests never set a password. */
function commonPasswords(): Set<string> {
  if (common) return common
  const text = readFileSync(path.join(projectRoot(), 'src', 'auth', 'common-passwords.txt'), 'utf8')
  common = new Set(text.split('\n').filter((line) => line !== '' && !line.startsWith('#')))
  return common
}

/** Letters and digits only, lower-cased: "Priya Shah" and "priya.shah" both become "priyashah". */
function compact(value: string): string {
  return value.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')
}

/** "trustno1trustno1" → "trustno1": a password typed twice is guessed as soon as the password itself. */
function unrepeated(value: string): string {
  const match = /^(.+?)\1+$/su.exec(value)
  return match?.[1] ?? value
}

function isCommon(password: string): boolean {
  const list = commonPasswords()
  const lower = password.toLowerCase()
  // A listed password with digits, spaces or symbols around it is guessed as quickly as the password itself.
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '')
  for (const candidate of new Set([lower, core, unrepeated(lower), unrepeated(core)]))
    if (candidate !== '' && list.has(candidate)) return true
  // Few different characters ("aaaaaaaaaaaa", "abababababab") are guessed first too.
  return new Set(lower).size < 4
}

function isPersonal(password: string, context: PasswordContext): boolean {
  const haystack = compact(password)
  const email = (context.email ?? '').trim()
  const words = [email, email.split('@')[0] ?? '', context.name ?? '']
    .map(compact)
    // Very short names and addresses would refuse too much ("jo" is in many passwords); 3+ characters count.
    .filter((w) => w.length >= 3)
  return words.some((w) => haystack.includes(w))
}

/** The problem with a new password in GOV.UK wording, or null if it may be used. */
export function passwordProblem(password: string, context: PasswordContext = {}): string | null {
  // Characters as a person counts them (code points), not UTF-16 units: an emoji is one character.
  const length = [...password].length
  if (length < PASSWORD_MIN_LENGTH) return PASSWORD_MESSAGES.tooShort
  if (length > PASSWORD_MAX_LENGTH) return PASSWORD_MESSAGES.tooLong
  if (isPersonal(password, context)) return PASSWORD_MESSAGES.personal
  if (isCommon(password)) return PASSWORD_MESSAGES.common
  return null
}
