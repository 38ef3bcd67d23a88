import { formatDate } from '../../../domain/dates.ts'
import { penceToDecimal, sumPence } from '../../../domain/money.ts'
import { horizontalBarChart } from '../../../web/charts.ts'
import type { Cell, Table } from '../../../web/exports.ts'
import { BENEFIT_TYPES, formatValue, labelOf } from './benefits.rules.ts'
import type { BenefitView } from './benefits.service.ts'

// The register as pages and exports show it: one row a benefit, the profile as a table and a chart with the
// same figures, and the register's exact totals of cashable benefits and of savings counted in the MTFS.

/** Where a benefit comes from: its project, or its programme as a whole. */
export function homeOf(b: BenefitView['benefit']): { text: string; href: string } {
  return b.project_id === null
    ? {
        text: `${b.programme_reference}: ${b.programme_name} (whole programme)`,
        href: `/programmes/${b.programme_id}`,
      }
    : { text: `${b.project_reference ?? ''}: ${b.project_name ?? ''}`, href: `/projects/${b.project_id}` }
}

const fmt = (v: BenefitView, value: number | null) => formatValue(value, v.benefit.type, v.benefit.unit)

export function benefitRow(v: BenefitView) {
  const b = v.benefit
  return {
    id: b.id,
    title: b.title,
    home: homeOf(b),
    type: labelOf(BENEFIT_TYPES, b.type),
    disBenefit: b.dis_benefit === 1,
    mtfs: b.mtfs === 1,
    owner: b.owner || 'Not recorded',
    ambition: b.ambition_title ?? '',
    planned: fmt(v, v.totals.planned),
    realised: fmt(v, v.totals.realised),
  }
}

export function benefitFacts(v: BenefitView) {
  const b = v.benefit
  return [
    { label: b.project_id === null ? 'Programme' : 'Project', ...homeOf(b) },
    { label: 'Type', text: labelOf(BENEFIT_TYPES, b.type) + (b.dis_benefit === 1 ? ' dis-benefit' : '') },
    ...(b.type === 'cashable'
      ? [
          {
            label: 'Medium-term financial strategy',
            text: b.mtfs === 1 ? 'Counted as a saving' : 'Not counted',
          },
        ]
      : [{ label: 'Unit', text: b.unit }]),
    { label: 'Description', text: b.description || 'Not recorded' },
    { label: 'Owner', text: b.owner || 'Not recorded' },
    {
      label: 'Ambition it serves',
      text: b.ambition_title ?? 'None',
      ...(b.ambition_id === null ? {} : { href: `/ambitions/${b.ambition_id}` }),
    },
    {
      label: 'Indicator that measures it',
      text: b.indicator_name ?? 'None',
      ...(b.indicator_name === null ? {} : { href: `/indicators/${b.indicator_id}` }),
    },
    { label: 'Baseline', text: baselineText(v) },
    {
      label: 'Target',
      text:
        b.target_value === null
          ? 'Not recorded'
          : `${fmt(v, Number(b.target_value))}${b.target_on ? ` by ${formatDate(b.target_on)}` : ''}`,
    },
    { label: 'Realised to date', text: fmt(v, v.totals.realised) },
  ]
}

function baselineText(v: BenefitView): string {
  const b = v.benefit
  const value = b.baseline_value === null ? null : fmt(v, Number(b.baseline_value))
  if (value === null)
    return b.baseline_year ? `Measured in ${b.baseline_year}, value not recorded` : 'Not recorded'
  return b.baseline_year ? `${value} in ${b.baseline_year}` : value
}

export function profileTable(v: BenefitView) {
  return v.profile.map((p) => ({
    year: p.year,
    planned: fmt(v, p.planned),
    realised: p.realised === null ? 'Not recorded' : fmt(v, p.realised),
  }))
}

/** Planned and realised by year as bars, each labelled with its year and which it is (never colour alone). */
export function profileChart(v: BenefitView): string {
  const unit = v.benefit.type === 'cashable' ? 'pounds' : v.benefit.unit
  return horizontalBarChart({
    id: `benefit-${v.benefit.id}-chart`,
    title: `${v.benefit.title}: planned and realised by year`,
    description: `Planned and realised values for each financial year, in ${unit}. The table gives the same figures.`,
    bars: v.profile.flatMap((p) => [
      { label: `${p.year} planned`, value: p.planned / 100, colour: '#1d70b8', text: fmt(v, p.planned) },
      ...(p.realised === null
        ? []
        : [
            {
              label: `${p.year} realised`,
              value: p.realised / 100,
              colour: '#00703c',
              text: fmt(v, p.realised),
            },
          ]),
    ]),
  })
}

/**
 * The register's totals: cashable benefits planned and realised to date, and those counted as savings in the
 * medium-term financial strategy; exact sums of pence. Dis-benefits are left out (a cost is not a saving).
 */
export function registerTotals(views: readonly BenefitView[]) {
  const cashable = views.filter((v) => v.benefit.type === 'cashable' && v.benefit.dis_benefit === 0)
  const mtfs = cashable.filter((v) => v.benefit.mtfs === 1)
  const sum = (list: readonly BenefitView[], k: 'planned' | 'realised') =>
    sumPence(list.map((v) => v.totals[k]))
  return {
    cashablePlanned: sum(cashable, 'planned'),
    cashableRealised: sum(cashable, 'realised'),
    mtfsPlanned: sum(mtfs, 'planned'),
    mtfsRealised: sum(mtfs, 'realised'),
  }
}

/** The register as a table for CSV and Excel (src/web/exports.ts writes both). */
export function benefitsTable(views: readonly BenefitView[]): Table {
  // Hundredths as decimals: pounds and pence for cashable benefits, the unit's value otherwise.
  const decimal = (value: number | null) => (value === null ? '' : penceToDecimal(value))
  return {
    name: 'Benefits',
    header: [
      'Benefit',
      'Project or programme',
      'Type',
      'Dis-benefit',
      'Unit',
      'Counted in MTFS',
      'Owner',
      'Ambition',
      'Indicator',
      'Baseline year',
      'Baseline',
      'Target',
      'Target by',
      'Planned (all years)',
      'Realised to date',
      'Profile',
    ],
    rows: views.map((v): Cell[] => {
      const b = v.benefit
      return [
        b.title,
        homeOf(b).text,
        labelOf(BENEFIT_TYPES, b.type),
        b.dis_benefit === 1 ? 'Yes' : 'No',
        b.unit,
        b.mtfs === 1 ? 'Yes' : 'No',
        b.owner,
        b.ambition_title ?? '',
        b.indicator_name ?? '',
        b.baseline_year ?? '',
        decimal(b.baseline_value === null ? null : Number(b.baseline_value)),
        decimal(b.target_value === null ? null : Number(b.target_value)),
        b.target_on ?? '',
        decimal(v.totals.planned),
        decimal(v.totals.realised),
        v.profile
          .map(
            (p) =>
              `${p.year}: ${fmt(v, p.planned)} planned, ${p.realised === null ? 'not recorded' : `${fmt(v, p.realised)} realised`}`,
          )
          .join('; '),
      ]
    }),
    money: [],
    numeric: [10, 11, 13, 14],
    dates: [12],
  }
}
