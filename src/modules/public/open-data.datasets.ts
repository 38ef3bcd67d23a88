import type { CellKind } from '../../web/exports.ts'
import type { PublicSite, PublicSiteService } from './public-site.service.ts'
import type { PublishedType } from './publication.rules.ts'

export const LICENCE = {
  name: 'Open Government Licence v3.0',
  url: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
}

type Row = Record<string, string | number | boolean | null>

export interface Dataset {
  /** The file name: programmes.csv, programmes.json. */
  name: string
  title: string
  description: string
  type: PublishedType
  /** The stable schema: columns in order, with what each holds. New columns are only ever added at the end. */
  columns: readonly { name: string; description: string; kind?: CellKind }[]
  rows(site: PublicSite): AsyncIterable<Row>
}

async function* each<T>(items: Promise<T[]>, map: (t: T) => Row | Row[]): AsyncIterable<Row> {
  for (const item of await items) {
    const out = map(item)
    if (Array.isArray(out)) yield* out
    else yield out
  }
}

/** Every public list as a dataset, in the order the index lists them. */
export function datasets(service: PublicSiteService): Dataset[] {
  return [
    {
      name: 'programmes',
      title: 'Programmes',
      description: 'The published programmes and their status.',
      type: 'programmes',
      columns: [
        { name: 'reference', description: 'The programme’s reference' },
        { name: 'name', description: 'Its name' },
        { name: 'status', description: 'Proposed, Active, On hold or Closed' },
        { name: 'start_date', description: 'Start date (YYYY-MM-DD), blank if not set' },
        { name: 'end_date', description: 'End date (YYYY-MM-DD), blank if not set' },
      ],
      rows: (site) =>
        each(service.programmes(site), (p) => ({
          reference: p.reference,
          name: p.name,
          status: p.status,
          start_date: p.startDate,
          end_date: p.endDate,
        })),
    },
    {
      name: 'projects',
      title: 'Projects',
      description: 'Each published programme’s projects, their stage and latest delivery confidence rating.',
      type: 'programmes',
      columns: [
        { name: 'programme_reference', description: 'The programme the project is part of' },
        { name: 'reference', description: 'The project’s reference' },
        { name: 'name', description: 'Its name' },
        { name: 'stage', description: 'Its lifecycle stage' },
        { name: 'delivery_confidence', description: 'The latest monthly rating, or Not rated' },
        { name: 'rating_month', description: 'The month of that rating (YYYY-MM), blank if none' },
        { name: 'expected_end', description: 'When it finished or is expected to (YYYY-MM-DD)' },
      ],
      rows: (site) =>
        each(service.programmes(site), (p) =>
          p.projects.map((j) => ({
            programme_reference: p.reference,
            reference: j.reference,
            name: j.name,
            stage: j.stage,
            delivery_confidence: j.deliveryConfidence,
            rating_month: j.ratingPeriod,
            expected_end: j.forecastEnd,
          })),
        ),
    },
    {
      name: 'ambitions',
      title: 'Strategic ambitions',
      description: 'The council’s strategic ambitions the programmes serve (agreed ones only).',
      type: 'ambitions',
      columns: [
        { name: 'title', description: 'The ambition' },
        { name: 'statement', description: 'What it means' },
        { name: 'theme', description: 'The corporate plan theme it serves' },
        { name: 'horizon_on', description: 'When it is to be met (YYYY-MM-DD), blank if not set' },
        { name: 'status', description: 'Active, Achieved or Withdrawn' },
      ],
      rows: (site) =>
        each(service.ambitions(site), (a) => ({
          title: a.title,
          statement: a.statement,
          theme: a.theme,
          horizon_on: a.horizonOn,
          status: a.status,
        })),
    },
    {
      name: 'outputs',
      title: 'Outputs',
      description: 'What each project delivers, and whether it has.',
      type: 'outputs',
      columns: [
        { name: 'project_reference', description: 'The project delivering it' },
        { name: 'title', description: 'The output' },
        { name: 'type', description: 'Service, System, Content, Process or Capability' },
        { name: 'planned_on', description: 'Planned delivery (YYYY-MM-DD)' },
        { name: 'delivered_on', description: 'Actual delivery (YYYY-MM-DD), blank until delivered' },
        { name: 'status', description: 'Planned, In progress, Delivered, Accepted or Withdrawn' },
      ],
      rows: (site) =>
        each(service.outputs(site), (o) => ({
          project_reference: o.project,
          title: o.title,
          type: o.type,
          planned_on: o.plannedOn,
          delivered_on: o.deliveredOn,
          status: o.status,
        })),
    },
    {
      name: 'indicators',
      title: 'Performance indicators',
      description: 'Each published indicator’s latest twelve periods: the value reported and the target set.',
      type: 'indicators',
      columns: [
        { name: 'indicator', description: 'The indicator’s name' },
        { name: 'unit', description: 'Count, Percentage, Money (£), Days or Score' },
        { name: 'period', description: 'The period: YYYY-MM, YYYY/YY-Qn or YYYY/YY' },
        { name: 'value', description: 'The value reported, in the unit (pounds for money); blank if none' },
        { name: 'target', description: 'The target for the period, in the unit; blank if none set' },
        {
          name: 'against_target',
          description: 'On target, Warning, Off target, No target, Missing or Not due yet',
        },
      ],
      rows: (site) =>
        each(service.indicators(site), (i) =>
          i.periods.map((p) => ({
            indicator: i.name,
            unit: i.unit,
            period: p.key,
            value: p.valueDecimal,
            target: p.targetDecimal,
            against_target: p.status,
          })),
        ),
    },
    {
      name: 'meetings',
      title: 'Committee meetings',
      description:
        'Published committee meetings. Agendas, minutes and resolutions are on each meeting’s page.',
      type: 'meetings',
      columns: [
        { name: 'id', description: 'The meeting’s number, as in its page’s address' },
        { name: 'committee', description: 'The committee' },
        { name: 'date', description: 'Date (YYYY-MM-DD)' },
        { name: 'start_time', description: 'Start time (HH:MM), blank if not set' },
        { name: 'place', description: 'Where it met' },
        { name: 'status', description: 'Scheduled, Held or Cancelled' },
      ],
      rows: (site) =>
        each(service.meetings(site), (m) => ({
          id: m.id,
          committee: m.committee,
          date: m.date,
          start_time: m.startTime,
          place: m.place,
          status: m.status,
        })),
    },
    {
      name: 'recommendations',
      title: 'Scrutiny recommendations',
      description: 'Each recommendation, the response to it and its status and outcome.',
      type: 'recommendations',
      columns: [
        { name: 'reference', description: 'The recommendation’s reference' },
        { name: 'committee', description: 'The committee that made it' },
        { name: 'made_on', description: 'Date made (YYYY-MM-DD)' },
        { name: 'text', description: 'The recommendation' },
        { name: 'addressed_to', description: 'Who must respond (a role, never a person’s name)' },
        { name: 'response_due_on', description: 'Date the response is due (YYYY-MM-DD)' },
        { name: 'response', description: 'Accepted, Partly accepted or Rejected; blank until responded' },
        { name: 'responded_on', description: 'Date of the response (YYYY-MM-DD)' },
        {
          name: 'status',
          description: 'Where it stands, for example Accepted – in progress or Response overdue',
        },
        { name: 'actions', description: 'Number of actions agreed' },
        { name: 'outcome', description: 'The evidence of its outcome, once recorded' },
      ],
      rows: (site) =>
        each(service.recommendations(site), (r) => ({
          reference: r.reference,
          committee: r.committee,
          made_on: r.madeOn,
          text: r.text,
          addressed_to: r.addressedTo,
          response_due_on: r.responseDueOn,
          response: r.response,
          responded_on: r.respondedOn,
          status: r.status,
          actions: r.actions.length,
          outcome: r.outcome,
        })),
    },
    {
      name: 'decisions',
      title: 'Decisions',
      description: 'Published decisions on the programmes.',
      type: 'decisions',
      columns: [
        { name: 'id', description: 'The decision’s number' },
        { name: 'title', description: 'What was decided, in brief' },
        { name: 'decided_on', description: 'Date decided (YYYY-MM-DD)' },
        { name: 'decided_by', description: 'The capacity in which it was taken (a role, never a name)' },
        { name: 'key_decision', description: 'true for a key decision' },
        { name: 'decision', description: 'The decision' },
        { name: 'reasons', description: 'The reasons for it' },
      ],
      rows: (site) =>
        each(service.decisions(site), (d) => ({
          id: d.id,
          title: d.title,
          decided_on: d.decidedOn,
          decided_by: d.decidedBy,
          key_decision: d.keyDecision,
          decision: d.decision,
          reasons: d.reasons,
        })),
    },
    {
      name: 'forward-plan',
      title: 'Forward plan of key decisions',
      description:
        'The key decisions expected, with who takes each and when; exempt entries are never listed.',
      type: 'forward-plan',
      columns: [
        { name: 'id', description: 'The entry’s number' },
        { name: 'title', description: 'The decision to be taken' },
        { name: 'description', description: 'What it is about' },
        {
          name: 'decision_maker',
          description: 'A board, the Portfolio Holder by name, or an officer by role',
        },
        { name: 'expected_on', description: 'When it is expected to be taken (YYYY-MM-DD)' },
        { name: 'listed_on', description: 'When it was first put on the plan (YYYY-MM-DD)' },
        { name: 'status', description: 'Planned, Taken or Deferred' },
      ],
      rows: (site) =>
        each(service.forwardPlan(site), (e) => ({
          id: e.id,
          title: e.title,
          description: e.description,
          decision_maker: e.decisionMaker,
          expected_on: e.expectedOn,
          listed_on: e.listedOn,
          status: e.status,
        })),
    },
    {
      name: 'spend',
      title: 'The programmes’ spend',
      description:
        'Each payment from the ledger charged to a published programme’s projects, at or above the cost threshold, by month. This is the programmes’ spend, not the council’s Transparency Code return. Payments to individuals are shown as “Redacted – personal data”.',
      type: 'spend',
      columns: [
        { name: 'programme_reference', description: 'The programme' },
        { name: 'project_reference', description: 'The project it was charged to' },
        { name: 'month', description: 'The ledger period (YYYY-MM)' },
        { name: 'transaction_date', description: 'Date of the payment (YYYY-MM-DD)' },
        { name: 'supplier', description: 'Who was paid, or Redacted – personal data for an individual' },
        { name: 'expense_type', description: 'What it was for, as the ledger classifies it' },
        { name: 'amount', description: 'Pounds, two decimal places; a refund is negative', kind: 'number' },
      ],
      rows: async function* (site) {
        for await (const r of service.spend(site))
          yield {
            programme_reference: r.programme,
            project_reference: r.project,
            month: r.month,
            transaction_date: r.date,
            supplier: r.supplier,
            expense_type: r.expenseType,
            amount: r.amount,
          }
      },
    },
  ]
}
