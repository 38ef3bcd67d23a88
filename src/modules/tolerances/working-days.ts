import { addDays, daysBetween, type IsoDate } from '../../domain/dates.ts'

/**
 * Bank holidays in England and Wales (GOV.UK "UK bank holidays"), including the substitute days and the
 * one-off days (VE Day 2020, the Platinum Jubilee, the State Funeral, the Coronation). An exception
 * report "within five working days" means five days the council's offices are open.
 */
export const BANK_HOLIDAYS_ENGLAND_WALES: ReadonlySet<IsoDate> = new Set([
  '2019-01-01',
  '2019-04-19',
  '2019-04-22',
  '2019-05-06',
  '2019-05-27',
  '2019-08-26',
  '2019-12-25',
  '2019-12-26',
  '2020-01-01',
  '2020-04-10',
  '2020-04-13',
  '2020-05-08',
  '2020-05-25',
  '2020-08-31',
  '2020-12-25',
  '2020-12-28',
  '2021-01-01',
  '2021-04-02',
  '2021-04-05',
  '2021-05-03',
  '2021-05-31',
  '2021-08-30',
  '2021-12-27',
  '2021-12-28',
  '2022-01-03',
  '2022-04-15',
  '2022-04-18',
  '2022-05-02',
  '2022-06-02',
  '2022-06-03',
  '2022-08-29',
  '2022-09-19',
  '2022-12-26',
  '2022-12-27',
  '2023-01-02',
  '2023-04-07',
  '2023-04-10',
  '2023-05-01',
  '2023-05-08',
  '2023-05-29',
  '2023-08-28',
  '2023-12-25',
  '2023-12-26',
  '2024-01-01',
  '2024-03-29',
  '2024-04-01',
  '2024-05-06',
  '2024-05-27',
  '2024-08-26',
  '2024-12-25',
  '2024-12-26',
  '2025-01-01',
  '2025-04-18',
  '2025-04-21',
  '2025-05-05',
  '2025-05-26',
  '2025-08-25',
  '2025-12-25',
  '2025-12-26',
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-04',
  '2026-05-25',
  '2026-08-31',
  '2026-12-25',
  '2026-12-28',
  '2027-01-01',
  '2027-03-26',
  '2027-03-29',
  '2027-05-03',
  '2027-05-31',
  '2027-08-30',
  '2027-12-27',
  '2027-12-28',
])

/** Monday to Friday, not a bank holiday. */
export function isWorkingDay(
  d: IsoDate,
  holidays: ReadonlySet<IsoDate> = BANK_HOLIDAYS_ENGLAND_WALES,
): boolean {
  // 1970-01-01 was a Thursday: day 0 → 4 (Sunday = 0).
  const weekday = (((daysBetween('1970-01-01', d) + 4) % 7) + 7) % 7
  return weekday !== 0 && weekday !== 6 && !holidays.has(d)
}

/** The date `n` working days after `from` (the day itself does not count). */
export function addWorkingDays(
  from: IsoDate,
  n: number,
  holidays: ReadonlySet<IsoDate> = BANK_HOLIDAYS_ENGLAND_WALES,
): IsoDate {
  let d = from
  let left = n
  while (left > 0) {
    d = addDays(d, 1)
    if (isWorkingDay(d, holidays)) left--
  }
  return d
}
