/**
 * The ledger side of the Marshland story: the finance system's spend export arrives each quarter; rules
 * tie the ICT cost centres to their projects, and what no rule matches waits in the suspense list — here
 * the shared partner's web-developer recharge coded to a non-base cost centre nobody had mapped, which is
 * exactly the "appendix nobody could reconcile" the panel complained of.
 */
import { createHash } from 'node:crypto'
import { financialYearOf } from '../domain/periods.ts'
import { recordAudit } from '../modules/audit/audit.service.ts'
import { DEMO_ACTOR } from './demo-loader.ts'
import type { DemoExtension } from './extensions.ts'

export const ledgerDemo: DemoExtension = async ({ trx, organisationId: org, people, now }) => {
  const at = now.toISOString()
  const projects = await trx
    .selectFrom('projects')
    .select(['id', 'reference'])
    .where('organisation_id', '=', org)
    .execute()
  const project = (ref: string) => {
    const p = projects.find((x) => x.reference === ref)
    if (!p) throw new Error(`Demo project ${ref} is missing`)
    return p.id
  }
  const audit = (entityType: string, entityId: number, after: unknown, action = 'create') =>
    recordAudit(trx, { organisationId: org, actor: DEMO_ACTOR, action, entityType, entityId, after })

  const mapping = await trx
    .insertInto('column_mappings')
    .values({
      organisation_id: org,
      name: 'Marshland finance system spend export',
      columns_json: JSON.stringify({
        date: 'Posting Date',
        amount: 'Net Amount',
        reference: 'Document No',
        supplier: 'Supplier',
        description: 'Description',
        costCentre: 'Cost Centre',
        accountCode: 'Account',
      }),
      date_format: 'dmy',
      delimiter: 'auto',
      encoding: 'auto',
      skip_lines: 0,
      created_at: at,
      updated_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  await audit('column_mapping', mapping.id, mapping)

  const rules: Array<[string, string, string, string, number]> = [
    ['cost_centre', 'prefix', 'ICT41', 'ICT-01', 10],
    ['cost_centre', 'prefix', 'ICT42', 'ICT-02', 10],
    ['account_code', 'exact', '5120', 'ICT-05', 20],
  ]
  for (const [field, type, value, ref, priority] of rules) {
    const rule = await trx
      .insertInto('cost_mapping_rules')
      .values({
        organisation_id: org,
        match_field: field,
        match_type: type,
        match_value: value,
        project_id: project(ref),
        priority,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await audit('cost_mapping_rule', rule.id, rule)
  }

  // One committed quarterly import, three of whose payments matched no rule.
  const suspense: Array<[string, string, number, string, string, string, string]> = [
    [
      'MDC-Q1-0412',
      '2021-05-14',
      412500,
      'Peterborough Shared Services (PSPS)',
      'Web developer recharge, April–May (non-base)',
      'PSPS-NB',
      '5410',
    ],
    [
      'MDC-Q1-0519',
      '2021-06-03',
      186000,
      'Granicus UK Ltd',
      'Online forms platform licence uplift',
      'ICT900',
      '5230',
    ],
    [
      'MDC-Q1-0603',
      '2021-06-24',
      -45000,
      'Dell Corporation Ltd',
      'Credit note: returned laptops',
      'ICT900',
      '5110',
    ],
  ]
  const total = suspense.reduce((s, r) => s + r[2], 0)
  const finance = people.finance_officer
  const imp = await trx
    .insertInto('ledger_imports')
    .values({
      organisation_id: org,
      file_name: 'marshland-spend-2021-q1.csv',
      file_size: 1843,
      sha256: createHash('sha256').update('marshland-spend-2021-q1').digest('hex'),
      format: 'csv',
      layout: 'Saved mapping',
      mapping_id: mapping.id,
      mapping_name: mapping.name,
      encoding: 'utf-8',
      delimiter: ',',
      status: 'committed',
      failure_reason: '',
      rows_read: 4,
      rows_good: 3,
      rows_bad: 1,
      rows_duplicate: 0,
      rows_changed: 0,
      rows_unmatched: 3,
      rows_added: 3,
      total_pence: total,
      progress_bytes: 0,
      summary_json: JSON.stringify({
        layout: 'Saved mapping',
        headingLine: 3,
        firstDate: '2021-05-14',
        lastDate: '2021-06-24',
        byPeriod: [
          { period: '2021-05', count: 1, pence: 412500 },
          { period: '2021-06', count: 2, pence: 141000 },
        ],
        byProject: [
          { projectId: null, reference: '', name: 'Suspense (no project matched)', count: 3, pence: total },
        ],
        newPence: total,
        unmatchedPence: total,
      }),
      created_by: finance?.id ?? null,
      created_by_name: finance?.name ?? 'Finance officer',
      started_at: at,
      finished_at: at,
      committed_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  await trx
    .insertInto('ledger_import_problems')
    .values({
      organisation_id: org,
      import_id: imp.id,
      kind: 'bad',
      line_number: 7,
      reason: 'The date and the amount have run together (“30/06/2021950.00”), so the row is a column short',
      raw_text: 'MDC-Q1-0655,30/06/2021950.00,Fenland Print Ltd,Printed consultation leaflets,ICT410,5310',
    })
    .execute()
  for (const [ref, date, pence, supplier, description, costCentre, account] of suspense) {
    const hash = createHash('sha256').update(`${ref}|${date}|${pence}`).digest('hex').slice(0, 40)
    await trx
      .insertInto('ledger_transactions')
      .values({
        organisation_id: org,
        project_id: null,
        import_id: imp.id,
        transaction_ref: ref,
        dedupe_key: `ref:${ref}#1`,
        content_hash: hash,
        transaction_date: date,
        period: date.slice(0, 7),
        financial_year: financialYearOf(date).label,
        amount_pence: pence,
        supplier_name: supplier,
        description,
        cost_centre: costCentre,
        account_code: account,
        expense_type: '',
        service_area: 'ICT and Digital',
        created_at: at,
      })
      .execute()
  }
  await audit('ledger_import', imp.id, { fileName: imp.file_name, rowsAdded: 3, rowsBad: 1 }, 'commit')
}
