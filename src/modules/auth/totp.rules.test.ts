import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  base32Decode,
  base32Encode,
  hotp,
  matchingStep,
  newRecoveryCodes,
  normaliseRecoveryCode,
  otpauthUri,
  stepAt,
  totpAt,
} from './totp.rules.ts'

// RFC 6238 Appendix B (SHA-1 rows): the key is the ASCII "12345678901234567890".
const RFC_KEY = Buffer.from('12345678901234567890')
const RFC_VECTORS: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
]

describe('TOTP rules', () => {
  it('gives RFC 6238’s SHA-1 test values, in 8 digits and in the 6 an app shows', () => {
    const secret = base32Encode(RFC_KEY)
    for (const [seconds, code] of RFC_VECTORS) {
      assert.equal(totpAt(secret, seconds * 1000, 8), code, `T=${seconds}`)
      assert.equal(totpAt(secret, seconds * 1000), code.slice(2), `T=${seconds}, 6 digits`)
    }
  })

  it('gives RFC 4226’s HOTP values', () => {
    assert.equal(hotp(RFC_KEY, 0), '755224')
    assert.equal(hotp(RFC_KEY, 9), '520489')
  })

  it('round-trips base32 as RFC 4648 spells it', () => {
    assert.equal(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI')
    assert.equal(base32Decode('mzxw 6ytb oi======').toString(), 'foobar')
    assert.throws(() => base32Decode('not base32!'))
  })

  it('accepts a code once: never the step already used, nor an older one', () => {
    const secret = base32Encode(RFC_KEY)
    const now = 1_700_000_000_000
    const code = totpAt(secret, now)
    const step = matchingStep(secret, code, now, null)
    assert.equal(step, stepAt(now))
    assert.equal(matchingStep(secret, code, now, step), null)
    // The step before still counts for clock drift, but not once a later step has been used.
    const previous = totpAt(secret, now - 30_000)
    assert.equal(matchingStep(secret, previous, now, null), stepAt(now) - 1)
    assert.equal(matchingStep(secret, previous, now, stepAt(now)), null)
    assert.equal(matchingStep(secret, totpAt(secret, now - 90_000), now, null), null)
    assert.equal(matchingStep(secret, 'abcdef', now, null), null)
    assert.equal(matchingStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now, null), stepAt(now))
  })

  it('makes ten different recovery codes that read the same however they are typed', () => {
    const codes = newRecoveryCodes()
    assert.equal(new Set(codes).size, 10)
    for (const c of codes) assert.match(c, /^[a-z2-9]{5}-[a-z2-9]{5}$/)
    assert.equal(normaliseRecoveryCode(` ${codes[0]!.toUpperCase()} `), codes[0]!.replace('-', ''))
  })

  it('names the issuer and the account in the otpauth URI', () => {
    const uri = otpauthUri('JBSWY3DPEHPK3PXP', 'Oversight', 'a.person@council.test')
    assert.equal(
      uri,
      'otpauth://totp/Oversight:a.person%40council.test?secret=JBSWY3DPEHPK3PXP&issuer=Oversight&algorithm=SHA1&digits=6&period=30',
    )
  })
})
