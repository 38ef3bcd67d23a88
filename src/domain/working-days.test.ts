import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { projectRoot } from '../paths.ts'
import { FIRST_TABLED_YEAR, LAST_TABLED_YEAR } from './bank-holidays.data.ts'
import {
  addWorkingDays,
  bankHolidays,
  bankHolidaysFromPackage,
  HOLIDAY_REGIONS,
  holidayPredicate,
  isWorkingDay,
  type HolidayRegion,
} from './working-days.ts'

describe('working days and bank holidays', () => {
  it('counts bank holidays after 2027 in England and Wales (the old list stopped there)', () => {
    // Thursday 13 April 2028 + 1 working day: Good Friday and Easter Monday → Tuesday 18 April.
    assert.equal(addWorkingDays('2028-04-13', 1), '2028-04-18')
    // Friday 22 December 2028 + 1: Christmas Day and Boxing Day → Wednesday 27 December.
    assert.equal(addWorkingDays('2028-12-22', 1), '2028-12-27')
    assert.equal(isWorkingDay('2031-08-25'), false, 'the summer bank holiday of 2031')
  })

  it('Scotland: 2 January and St Andrew’s Day, but not Easter Monday', () => {
    const scotland = holidayPredicate('GB-SCT')
    // 2029: 2 January is a Tuesday.
    assert.equal(isWorkingDay('2029-01-02', scotland), false)
    assert.equal(isWorkingDay('2029-01-02'), true, 'a working day in England')
    // St Andrew's Day 2028 is a Thursday.
    assert.equal(isWorkingDay('2028-11-30', scotland), false)
    assert.equal(isWorkingDay('2028-04-17', scotland), true, 'Easter Monday is not a Scottish bank holiday')
    assert.equal(addWorkingDays('2028-11-29', 1, scotland), '2028-12-01')
  })

  it('Northern Ireland: 12 July (and St Patrick’s Day)', () => {
    const ni = holidayPredicate('GB-NIR')
    assert.equal(isWorkingDay('2028-07-12', ni), false)
    assert.equal(isWorkingDay('2028-07-12'), true)
    assert.equal(addWorkingDays('2028-07-11', 1, ni), '2028-07-13')
    assert.ok(bankHolidays('GB-NIR', 2028).has('2028-03-17'))
  })

  it('only public holidays count, not observances such as Mother’s Day', () => {
    assert.ok(!bankHolidays('GB-ENG', 2028).has('2028-03-26'))
  })

  it('a closure day an administrator adds is not a working day', () => {
    const withClosure = holidayPredicate('GB-ENG', ['2028-06-14'])
    assert.equal(isWorkingDay('2028-06-14', withClosure), false)
    assert.equal(addWorkingDays('2028-06-13', 1, withClosure), '2028-06-15')
    assert.equal(addWorkingDays('2028-06-13', 1), '2028-06-14')
  })

  it('the generated table agrees with date-holidays for every region and every tabled year', () => {
    assert.ok(FIRST_TABLED_YEAR <= 2020 && LAST_TABLED_YEAR >= 2035, 'the table covers at least 2020–2035')
    for (const region of Object.keys(HOLIDAY_REGIONS) as HolidayRegion[]) {
      for (let year = FIRST_TABLED_YEAR; year <= LAST_TABLED_YEAR; year++) {
        const fromPackage = [...bankHolidaysFromPackage(region, year)].sort()
        assert.deepEqual(
          [...bankHolidays(region, year)].sort(),
          fromPackage,
          `${region} ${year}: run npm run bank-holidays after upgrading date-holidays`,
        )
      }
    }
    // The one-off days are in it: the Queen's funeral (2022) and the King's coronation (2023).
    assert.ok(bankHolidays('GB-ENG', 2022).has('2022-09-19'))
    assert.ok(bankHolidays('GB-SCT', 2023).has('2023-05-08'))
  })

  it('a year after the table still has its bank holidays, from date-holidays', () => {
    const year = LAST_TABLED_YEAR + 1
    assert.ok(bankHolidays('GB-ENG', year).has(`${year}-12-25`))
    assert.equal(bankHolidays('GB-ENG', year).size, bankHolidaysFromPackage('GB-ENG', year).size)
  })

  it('working out working days in the tabled years does not load date-holidays (~20 MB a process)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'oversight-modules-'))
    const log = path.join(dir, 'modules.log')
    try {
      const script = `
        import { createRequire } from 'node:module'
        const days = await import('./src/domain/working-days.ts')
        for (const region of ['GB-ENG', 'GB-SCT', 'GB-NIR']) days.addWorkingDays('2026-12-20', 10, days.holidayPredicate(region))
        process.stdout.write(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)))`
      const required = JSON.parse(
        execFileSync(
          process.execPath,
          [
            '--import',
            'tsx',
            '--import',
            './test/helpers/module-log.mjs',
            '--input-type=module',
            '-e',
            script,
          ],
          { cwd: projectRoot(), env: { ...process.env, MODULE_LOG: log }, encoding: 'utf8' },
        ),
      ) as string[]
      const loaded = [...readFileSync(log, 'utf8').split('\n'), ...required]
      assert.ok(
        loaded.some((url) => url.includes('working-days')),
        'the module log saw the code under test',
      )
      assert.deepEqual(
        loaded.filter((url) => /date-holidays/.test(url)),
        [],
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
