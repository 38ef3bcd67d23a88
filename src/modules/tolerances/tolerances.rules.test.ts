import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { addDays } from '../../domain/dates.ts'
import {
  effectiveTolerances,
  evaluateTolerances,
  NO_TOLERANCES,
  type ProjectFacts,
  type Tolerances,
} from './tolerances.rules.ts'
import { addWorkingDays, isWorkingDay } from '../../domain/working-days.ts'

const BASE = '2021-03-31'
const facts = (over: Partial<ProjectFacts> = {}): ProjectFacts => ({
  baselineEnd: BASE,
  forecastEnd: BASE,
  actualEnd: null,
  keyMilestones: [],
  budgetPence: null,
  forecastPence: null,
  risks: [],
  ...over,
})
const tol = (over: Partial<Tolerances>): Tolerances => ({ ...NO_TOLERANCES, ...over })
const kinds = (t: Tolerances, f: ProjectFacts) => evaluateTolerances(t, f).breaches.map((b) => b.kind)

describe('tolerance evaluation', () => {
  it('breaches time exactly when forecast slippage exceeds the tolerance', () => {
    fc.assert(
      fc.property(fc.integer({ min: -400, max: 400 }), fc.integer({ min: 0, max: 365 }), (slip, days) => {
        const f = facts({ forecastEnd: addDays(BASE, slip) })
        assert.equal(kinds(tol({ timeDays: days }), f).includes('time'), slip > days)
      }),
    )
  })

  it('judges a key milestone by its actual date once it has one, else its forecast', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 200 }),
        fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }),
        (days, forecastSlip, actualSlip) => {
          const m = {
            id: 1,
            name: 'Go live',
            baselineDate: BASE,
            forecastDate: addDays(BASE, forecastSlip),
            actualDate: actualSlip === null ? null : addDays(BASE, actualSlip),
            status: actualSlip === null ? 'in_progress' : 'complete',
          }
          const slip = actualSlip ?? forecastSlip
          assert.equal(
            kinds(tol({ timeDays: days }), facts({ keyMilestones: [m] })).includes('time'),
            slip > days,
          )
        },
      ),
    )
  })

  it('never breaches a tolerance that is not set', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -400, max: 4000 }),
        fc.nat(10_000_000),
        fc.nat(10_000_000),
        fc.array(fc.integer({ min: 1, max: 25 })),
        (slip, budget, forecast, scores) => {
          const f = facts({
            forecastEnd: addDays(BASE, slip),
            budgetPence: budget,
            forecastPence: forecast,
            risks: scores.map((score, i) => ({ id: i, title: `R${i}`, score })),
          })
          assert.deepEqual(evaluateTolerances(NO_TOLERANCES, f).breaches, [])
        },
      ),
    )
  })

  it('is monotonic: loosening a tolerance never creates a breach', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: -300, max: 600 }),
        (days, extra, percent, slip) => {
          const f = facts({
            forecastEnd: addDays(BASE, slip),
            budgetPence: 100_000,
            forecastPence: 100_000 + slip * 1000,
          })
          const tight = kinds(tol({ timeDays: days, costPercent: percent }), f)
          const loose = kinds(tol({ timeDays: days + extra, costPercent: percent + extra }), f)
          for (const k of loose) assert.ok(tight.includes(k), `${k} breached only when looser`)
        },
      ),
    )
  })

  it('breaches cost by percentage or by pounds over budget, and says when it cannot judge', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: -1_000_000, max: 5_000_000 }),
        fc.nat(100),
        (budget, over, pct) => {
          const f = facts({ budgetPence: budget, forecastPence: budget + over })
          assert.equal(
            kinds(tol({ costPercent: pct }), f).includes('cost'),
            over > 0 && over * 100 > budget * pct,
          )
          assert.equal(kinds(tol({ costPence: 50_000 }), f).includes('cost'), over > 50_000)
        },
      ),
    )
    const r = evaluateTolerances(tol({ costPercent: 10 }), facts())
    assert.deepEqual(r.breaches, [])
    assert.equal(r.notEvaluated[0]?.kind, 'cost')
  })

  it('breaches risk for each open risk scored above the tolerance, naming them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 25 })),
        fc.integer({ min: 1, max: 25 }),
        (scores, limit) => {
          const r = evaluateTolerances(
            tol({ riskScore: limit }),
            facts({ risks: scores.map((score, i) => ({ id: i, title: `R${i}`, score })) }),
          )
          const above = scores.filter((s) => s > limit).length
          assert.equal(r.breaches.length, above > 0 ? 1 : 0)
          if (above > 0) assert.equal(r.breaches[0]!.facts.length, above + 1)
        },
      ),
    )
  })

  it('a project figure overrides the programme; a blank one inherits it', () => {
    const t = effectiveTolerances(
      { timeDays: 30, costPercent: 10, riskScore: 15, scopeNote: 'No new services' },
      { timeDays: 10, costPercent: null, riskScore: null, scopeNote: '' },
    )
    assert.equal(t.timeDays, 10)
    assert.equal(t.costPercent, 10)
    assert.equal(t.riskScore, 15)
    assert.equal(t.scopeNote, 'No new services')
  })
})

describe('working days (England and Wales)', () => {
  it('skips weekends and bank holidays', () => {
    // Thursday 1 April 2021 + 2 working days: Good Friday and Easter Monday are holidays → Wednesday 7 April.
    assert.equal(addWorkingDays('2021-04-01', 2), '2021-04-07')
    assert.equal(addWorkingDays('2026-11-27', 1), '2026-11-30')
  })

  it('always lands on a working day, strictly later, within n + 2 weeks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 30 }), (offset, n) => {
        const from = addDays('2019-01-01', offset)
        const due = addWorkingDays(from, n)
        assert.ok(isWorkingDay(due))
        assert.ok(due > from)
        assert.ok(due <= addDays(from, n * 2 + 14))
      }),
    )
  })
})
