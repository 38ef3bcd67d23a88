import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { cutoffOf, erasureProblem, periodsFrom, RETENTION_KINDS, validatePeriods } from './privacy.rules.ts'

describe('personal data rules', () => {
  it('an organisation’s own period replaces the default; unknown kinds are ignored', () => {
    const periods = periodsFrom([
      { record_type: 'sessions', days: 7 },
      { record_type: 'not_a_kind', days: 1 },
    ])
    assert.equal(periods.sessions, 7)
    assert.equal(periods.leavers, 2190)
    assert.equal(Object.keys(periods).length, RETENTION_KINDS.length)
  })

  it('reads whole numbers of days in range, and names each bad field in GOV.UK wording', () => {
    const input = Object.fromEntries(RETENTION_KINDS.map((k) => [k.key, String(k.defaultDays)]))
    assert.deepEqual(validatePeriods(input).errors, {})
    const { errors, periods } = validatePeriods({
      ...input,
      leavers: '0',
      sessions: '1.5',
      notifications: '',
      api_tokens: '36501',
    })
    assert.match(errors.leavers ?? '', /between 1 and 36500/)
    assert.match(errors.sessions ?? '', /^Enter the number of days/)
    assert.match(errors.notifications ?? '', /^Enter the number of days/)
    assert.match(errors.api_tokens ?? '', /between 1 and 36500/)
    assert.deepEqual(periods, { import_files: 90 })
  })

  it('counts the cutoff back from now', () => {
    assert.equal(cutoffOf(new Date('2026-12-05T06:00:00Z'), 30), '2026-11-05T06:00:00.000Z')
  })

  it('erases only someone who has left, by today, and only once', () => {
    assert.match(erasureProblem({ left_on: null, erased_at: null }, '2026-12-05') ?? '', /has left/)
    assert.match(erasureProblem({ left_on: '2026-12-06', erased_at: null }, '2026-12-05') ?? '', /has left/)
    assert.equal(erasureProblem({ left_on: '2026-12-05', erased_at: null }, '2026-12-05'), null)
    assert.match(
      erasureProblem({ left_on: '2026-01-01', erased_at: '2026-02-01' }, '2026-12-05') ?? '',
      /already/,
    )
  })
})
