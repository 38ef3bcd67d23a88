// Reading a portfolio file (issue 13, "Bring the existing portfolio in"), row by row: the column mapping
// (headings recognised — the Government Major Projects Portfolio's annual data among them — or named by the
// person importing) and each row read into a project (with its programme, latest rating and money) and
// optionally one milestone, or the reason it cannot be. Pure: no database.

import { cleanText } from '../../domain/text.ts'
import { readMoneyMillions, type Pence } from '../../domain/money.ts'
import type { Rating, RatingScaleId } from '../../domain/dca.ts'
import { isPeriod, type Period } from '../../domain/periods.ts'
import type { SourceRow } from '../../imports/file-reader.ts'
import type { RowOutcome } from '../../imports/pipeline.ts'
import { parseLedgerDate } from '../ledger/ledger.formats.ts'
import { validateMilestone } from '../milestones/milestones.rules.ts'
import { isProjectStage, validateProject } from '../projects/projects.rules.ts'
import { todayInLondon } from '../../domain/dates.ts'

/** Projects whose file gives no stage are under way: GMPP lists projects in delivery. */
export const DEFAULT_STAGE = 'delivery'

export const PORTFOLIO_FIELDS = [
  'programme',
  'code',
  'name',
  'description',
  'stage',
  'rating',
  'sroRating',
  'ratingComment',
  'asAt',
  'start',
  'end',
  'budget',
  'forecast',
  'wholeLifeCost',
  'milestoneReference',
  'milestoneName',
  'milestoneBaseline',
  'milestoneForecast',
  'milestoneActual',
] as const
export type PortfolioField = (typeof PORTFOLIO_FIELDS)[number]
export type ColumnNames = Partial<Record<PortfolioField, string>>

/**
 * Headings recognised for each field, lower case with spaces for `_`. GMPP years name their columns
 * differently ("project_number" in 2022, "Project Code" or "GMPP ID Number" in others; "colour_rating" twice in
 * 2022, first the IPA's delivery confidence and then the SRO's). Order matters only within a field.
 */
const KNOWN: Record<PortfolioField, readonly string[]> = {
  programme: ['department', 'programme', 'programme name', 'portfolio', 'directorate'],
  code: [
    'project number',
    'project code',
    'project reference',
    'reference',
    'code',
    'gmpp id number',
    'project id',
  ],
  name: ['project name', 'project', 'name', 'project title'],
  description: ['description aims', 'description / aims', 'description', 'aims', 'description and aims'],
  stage: ['stage', 'project stage', 'lifecycle stage'],
  rating: [
    'colour rating',
    'ipa delivery confidence assessment',
    'delivery confidence assessment',
    'ipa dca',
    'dca',
    'delivery confidence',
    'rag',
    'rag status',
    'status',
    'rating',
  ],
  sroRating: ['sro delivery confidence assessment', 'sro dca', 'sro rating', 'colour rating'],
  ratingComment: [
    'rating comment',
    'departmental commentary on actions planned or taken on the ipa rag rating',
    'dca commentary',
    'commentary',
  ],
  asAt: ['year', 'as at', 'reporting period', 'period'],
  start: ['start date', 'project start date', 'start'],
  end: ['end date', 'project end date', 'end'],
  budget: [
    'total baseline',
    'baseline (£m)',
    'total baseline (£m)',
    'budget',
    'budget (£m)',
    'in year baseline',
  ],
  forecast: ['forecast incl ngc', 'forecast', 'forecast (£m)', 'in year forecast'],
  wholeLifeCost: [
    'wlc baseline incl ncg',
    'wlc baseline incl ngc',
    'whole life cost',
    'whole life cost (£m)',
    'total baseline whole life cost (£m)',
    'wlc',
  ],
  milestoneReference: ['milestone reference', 'milestone ref', 'milestone code'],
  milestoneName: ['milestone', 'milestone name'],
  milestoneBaseline: ['milestone baseline', 'milestone baseline date'],
  milestoneForecast: ['milestone forecast', 'milestone forecast date'],
  milestoneActual: ['milestone actual', 'milestone actual date'],
}

/** A rating as the source wrote it, mapped to the organisation's scale; null when it is not a rating. */
export interface ReadRating {
  text: string
  rating: Rating | null
}

export interface PortfolioRow {
  line: number
  programme: string
  code: string
  name: string
  description: string
  stage: string
  rating: ReadRating | null
  ratingComment: string
  period: Period | null
  start: string | null
  end: string | null
  budgetPence: Pence | null
  forecastPence: Pence | null
  wholeLifeCostPence: Pence | null
  /** Cells that held a sentence instead of a figure or date ("Exempt under Section 43 …"), as written. */
  notes: string[]
  milestone: null | {
    reference: string
    name: string
    baseline: string | null
    forecast: string | null
    actual: string | null
  }
}

export const headingKey = (s: string) =>
  s
    .replace(/^\ufeff/, '')
    .trim()
    .toLowerCase()
    .replace(/_/g, ' ')
    .replace(/\s+/g, ' ')
export const printable = (s: string, max = 2000) => cleanText(s).slice(0, max)

/** Why a file cannot be read at all: the import fails with it, naming what to change. */
export class NotAPortfolioFileError extends Error {}

/**
 * A rating as published, onto the organisation's scale. Five-point words map to themselves; on the
 * three-point scale Amber/Green becomes Amber and Amber/Red becomes Red — rounded towards the worse, because
 * a scrutiny tool must not make a project look healthier than its assessors said. "Exempt", "Reset", blank
 * and sentences are not ratings (null): the text is kept, no rating is invented.
 */
export function mapRating(text: string, scale: RatingScaleId): ReadRating | null {
  const t = text.trim()
  if (t === '') return null
  const k = t
    .toLowerCase()
    .replace(/[\s_]*(?:\/|-|–|and)[\s_]*/g, '/')
    .replace(/\s+/g, ' ')
  const five: Record<string, Rating> = {
    green: 'green',
    g: 'green',
    'amber/green': 'amber_green',
    'green/amber': 'amber_green',
    ag: 'amber_green',
    amber: 'amber',
    a: 'amber',
    'amber/red': 'amber_red',
    'red/amber': 'amber_red',
    ar: 'amber_red',
    red: 'red',
    r: 'red',
  }
  const r = five[k] ?? null
  if (r === null || scale === 'ipa5') return { text: printable(t, 500), rating: r }
  const three: Record<Rating, Rating> = {
    green: 'green',
    amber_green: 'amber',
    amber: 'amber',
    amber_red: 'red',
    red: 'red',
  }
  return { text: printable(t, 500), rating: three[r] }
}

/** A cell with letters in it is a sentence standing in for a figure (an exemption, "not available"). */
const isSentence = (s: string) => /[a-ln-z]{2,}/i.test(s.replace(/£|\bm\b/gi, ''))

/**
 * Reads rows once the heading row is found (the first row, among the first twenty, naming a project code
 * and a project name). `names` are the headings the person importing chose for fields, over the known ones.
 */
export class PortfolioRowReader {
  private columns: Partial<Record<PortfolioField, number>> | null = null
  private seen = 0
  gaveUp = false
  headings: string[] = []
  headingLine = 0
  /** The first row with anything in it: the headings to name columns from, when none were recognised. */
  firstCells: string[] = []

  constructor(private readonly opts: { names: ColumnNames; scale: RatingScaleId; today?: string }) {}

  private findColumns(cells: string[]): Partial<Record<PortfolioField, number>> | null {
    const lower = cells.map(headingKey)
    const found: Partial<Record<PortfolioField, number>> = {}
    const taken = new Set<number>()
    for (const f of PORTFOLIO_FIELDS) {
      const named = this.opts.names[f]
      let i = -1
      if (named) i = lower.indexOf(headingKey(named))
      else
        for (const k of KNOWN[f]) {
          i = lower.findIndex((h, j) => h === k && !taken.has(j))
          if (i >= 0) break
        }
      if (i >= 0) {
        found[f] = i
        taken.add(i)
      }
    }
    return found.code !== undefined && found.name !== undefined ? found : null
  }

  read(src: SourceRow): RowOutcome<PortfolioRow> | null {
    if (src.cells.every((c) => c.trim() === '')) return this.columns ? { kind: 'blank' } : null
    if (!this.columns) {
      if (this.seen === 0) this.firstCells = src.cells.map((c) => printable(c, 200))
      this.columns = this.findColumns(src.cells)
      if (this.columns) {
        this.headings = src.cells.map((c) => printable(c, 200))
        this.headingLine = src.line
        // A heading row with gaps between headings is what merged cells leave (a heading spread over two
        // columns, or over two rows): which column is which cannot be known, so the file is refused.
        const last = src.cells.map((c) => c.trim() !== '').lastIndexOf(true)
        const gap = src.cells.slice(0, last).findIndex((c) => c.trim() === '')
        if (gap >= 0)
          throw new NotAPortfolioFileError(
            `Column ${gap + 1} of the heading row (line ${src.line}) has no heading, so its cells may be merged: give every column its own heading on one row, with no merged cells`,
          )
      } else if (++this.seen >= 20) this.gaveUp = true
      return null
    }
    const c = this.columns
    const cell = (f: PortfolioField) => (c[f] === undefined ? '' : (src.cells[c[f]] ?? '').trim())
    const raw = printable(src.raw ?? src.cells.join(','))
    const bad = (reason: string): RowOutcome<PortfolioRow> => ({ kind: 'bad', line: src.line, reason, raw })
    const code = printable(cell('code'), 100)
    const name = printable(cell('name'), 200)
    if (code === '') return bad('The row has no project code')
    if (name === '') return bad(`Project ${code} has no name`)
    const notes: string[] = []
    const money = (f: 'budget' | 'forecast' | 'wholeLifeCost', label: string): Pence | null | string => {
      const text = cell(f)
      const p = readMoneyMillions(text)
      if (typeof p === 'number' || p === null) return p
      if (isSentence(text)) {
        notes.push(`${label}: ${printable(text, 500)}`)
        return null
      }
      return p === 'not-money'
        ? `${label} "${printable(text, 40)}" is not an amount in £ millions, like 12.3 or £12.3m`
        : `${label} must be less than £100,000,000,000`
    }
    const date = (f: PortfolioField, label: string): string | null | { error: string } => {
      const text = cell(f)
      if (text === '') return null
      const d = parseLedgerDate(text)
      if (d.ok) return d.value
      if (isSentence(text) && !/^\d/.test(text)) {
        notes.push(`${label}: ${printable(text, 500)}`)
        return null
      }
      return { error: `${label}: ${d.reason}` }
    }
    const budget = money('budget', 'Budget')
    if (typeof budget === 'string') return bad(budget)
    const forecast = money('forecast', 'Forecast')
    if (typeof forecast === 'string') return bad(forecast)
    const wlc = money('wholeLifeCost', 'Whole-life cost')
    if (typeof wlc === 'string') return bad(wlc)
    const start = date('start', 'Start date')
    if (start !== null && typeof start === 'object') return bad(start.error)
    const end = date('end', 'End date')
    if (end !== null && typeof end === 'object') return bad(end.error)
    const stage = cell('stage').toLowerCase().replace(/\s+/g, '_')
    if (stage !== '' && !isProjectStage(stage))
      return bad(
        `Stage "${printable(cell('stage'), 40)}" is not one of idea, business case, approved, delivery, closure, closed or cancelled`,
      )
    // The IPA's assessment first; where the IPA gave none (a blank cell), the SRO's own.
    const rating = mapRating(cell('rating'), this.opts.scale) ?? mapRating(cell('sroRating'), this.opts.scale)
    const asAt = cell('asAt')
    // A GMPP year ("2022") is the portfolio as it stood at the end of the financial year before (March).
    const period = /^\d{4}$/.test(asAt) ? `${asAt}-03` : isPeriod(asAt.slice(0, 7)) ? asAt.slice(0, 7) : null
    let milestone: PortfolioRow['milestone'] = null
    const mName = printable(cell('milestoneName'), 200)
    const mRef = printable(cell('milestoneReference'), 100)
    if (mName !== '' || mRef !== '') {
      if (mName === '') return bad(`Milestone ${mRef} has no name`)
      const baseline = date('milestoneBaseline', 'Milestone baseline date')
      const mForecast = date('milestoneForecast', 'Milestone forecast date')
      const actual = date('milestoneActual', 'Milestone actual date')
      for (const d of [baseline, mForecast, actual])
        if (d !== null && typeof d === 'object') return bad(d.error)
      milestone = {
        reference: mRef || mName,
        name: mName,
        baseline: baseline as string | null,
        forecast: mForecast as string | null,
        actual: actual as string | null,
      }
    }
    // The projects' and milestones' own rules, as the forms and the API apply them: one rule, every way in.
    const projectErrors = validateProject({
      reference: code,
      name,
      programmeId: 0,
      description: cell('description'),
      projectManagerPersonId: null,
      projectManager: '',
      sponsorPersonId: null,
      sponsor: '',
      stage: stage || DEFAULT_STAGE,
      partnerIds: [],
      baselineStart: start,
      baselineEnd: end,
      forecastStart: null,
      forecastEnd: null,
      actualStart: null,
      actualEnd: null,
    })
    if (Object.keys(projectErrors).length > 0)
      return bad(`Project ${code}: ${Object.values(projectErrors).join('; ')}`)
    if (milestone) {
      const errors = validateMilestone(
        {
          name: milestone.name,
          description: '',
          baselineDate: milestone.baseline,
          forecastDate: milestone.forecast,
          actualDate: milestone.actual,
          status: milestone.actual ? 'complete' : 'not_started',
          isKey: false,
        },
        this.opts.today ?? todayInLondon(),
      )
      if (Object.keys(errors).length > 0)
        return bad(`Milestone ${milestone.reference} of project ${code}: ${Object.values(errors).join('; ')}`)
    }
    return {
      kind: 'good',
      row: {
        line: src.line,
        programme: printable(cell('programme'), 200),
        code,
        name,
        description: printable(cell('description'), 10_000),
        stage,
        rating,
        ratingComment: printable(cell('ratingComment'), 10_000),
        period,
        start,
        end,
        budgetPence: budget,
        forecastPence: forecast,
        wholeLifeCostPence: wlc,
        notes,
        milestone,
      },
    }
  }

  /** After the last row: a file whose headings were never found is not a portfolio file. */
  finish(): void {
    if (!this.columns)
      throw new NotAPortfolioFileError(
        this.seen === 0
          ? 'The file is empty: there is no heading row and no rows'
          : 'The file has no headings for the project code and name: add a heading row (for example Project code, Project name, Programme, Rating) or name the columns',
      )
  }
}
