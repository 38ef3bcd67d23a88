import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { holidayPredicate } from '../../domain/working-days.ts'
import {
  callInEndsOn,
  clearDaysBetween,
  clearWorkingDaysBetween,
  givesNotice,
  implementationProblem,
  papersDueBy,
  validateEntry,
  type EntryInput,
} from './forward-plan.rules.ts'

const england = holidayPredicate('GB-ENG')

describe('forward plan: clear days', () => {
  it('counts neither the day of notice nor the day of decision', () => {
    assert.equal(clearDaysBetween('2027-03-01', '2027-03-02'), 0)
    assert.equal(clearDaysBetween('2027-03-01', '2027-03-30'), 28)
  })

  it('a key decision needs 28 clear days on the plan', () => {
    assert.equal(givesNotice('2027-03-01', '2027-03-30'), true)
    assert.equal(givesNotice('2027-03-01', '2027-03-29'), false)
  })

  it('counts working days between two dates, without weekends and bank holidays', () => {
    // Thursday 1 April 2027 to Thursday 8 April: 2, 5, 6 and 7 April (Easter is in March in 2027).
    assert.equal(clearWorkingDaysBetween('2027-04-01', '2027-04-08', england), 4)
    // Christmas 2026: Friday 25 and Monday 28 December (Boxing Day's substitute) are bank holidays.
    assert.equal(clearWorkingDaysBetween('2026-12-23', '2026-12-30', england), 2)
  })

  it('papers are due five clear working days before the meeting', () => {
    // A Thursday meeting: papers by the Wednesday of the week before.
    assert.equal(papersDueBy('2027-06-17', england), '2027-06-09')
    assert.equal(clearWorkingDaysBetween(papersDueBy('2027-06-17', england), '2027-06-17', england), 5)
    // Over the late May bank holiday (Monday 31 May 2027) it is a day earlier.
    assert.equal(papersDueBy('2027-06-03', england), '2027-05-25')
    // Over an organisation's own closure day, a day earlier still.
    assert.equal(papersDueBy('2027-06-17', holidayPredicate('GB-ENG', ['2027-06-14'])), '2027-06-08')
  })
})

describe('forward plan: call-in', () => {
  it('runs five working days after publication and refuses implementation within it', () => {
    // Published Friday 19 March 2027: Good Friday (26 March) and Easter Monday do not count.
    assert.equal(callInEndsOn('2027-03-19', 5, england), '2027-03-30')
    assert.match(implementationProblem('2027-03-30', '2027-03-19', 5, england) ?? '', /call-in period/)
    assert.equal(implementationProblem('2027-03-31', '2027-03-19', 5, england), null)
  })

  it('honours a configured period and refuses an unpublished decision', () => {
    assert.equal(callInEndsOn('2027-06-07', 3, england), '2027-06-10')
    assert.equal(implementationProblem('2027-06-11', '2027-06-07', 3, england), null)
    assert.match(implementationProblem('2027-06-11', null, 3, england) ?? '', /only once it is published/)
  })
})

describe('forward plan: entries', () => {
  const ok: EntryInput = {
    title: 'Award of the CRM replacement contract',
    description: '',
    decisionMaker: 'board:1',
    expectedOn: '2027-03-25',
    isExempt: false,
    exemptParagraph: '',
    status: 'planned',
    decisionId: null,
    programmeId: null,
    projectId: null,
  }

  it('accepts a complete entry', () => {
    assert.deepEqual(validateEntry(ok, '2027-01-04', null), {})
  })

  it('refuses a new entry expected in the past, but keeps an old entry editable', () => {
    assert.match(validateEntry(ok, '2027-04-01', null).expectedOn ?? '', /today or in the future/)
    assert.deepEqual(validateEntry(ok, '2027-04-01', '2027-03-25'), {})
  })

  it('refuses an exempt entry without its paragraph, and a missing decision-maker', () => {
    const errors = validateEntry({ ...ok, isExempt: true, decisionMaker: 'someone' }, '2027-01-04', null)
    assert.match(errors.exemptParagraph ?? '', /Schedule 12A/)
    assert.match(errors.decisionMaker ?? '', /who takes the decision/)
    assert.deepEqual(validateEntry({ ...ok, isExempt: true, exemptParagraph: '3' }, '2027-01-04', null), {})
  })
})
