import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

/** The Green Book / Gateway lifecycle every organisation starts with; each can change it. */
export const DEFAULT_GATES: readonly {
  code: string
  name: string
  description: string
  requiredForStage: string | null
}[] = [
  {
    code: 'SOC',
    name: 'Strategic outline case',
    description: 'The case for change and the preferred way forward are agreed.',
    requiredForStage: null,
  },
  {
    code: 'OBC',
    name: 'Outline business case',
    description: 'Options are appraised and the preferred option identified.',
    requiredForStage: null,
  },
  {
    code: 'FBC',
    name: 'Full business case',
    description:
      'The business case is complete, scope, resources and budget are approved: the project may start delivery.',
    requiredForStage: 'delivery',
  },
  {
    code: 'RFS',
    name: 'Readiness for service',
    description: 'The service is ready to go live and the business is ready to use it.',
    requiredForStage: null,
  },
  {
    code: 'BR',
    name: 'Benefits review',
    description: 'The benefits promised in the business case are being realised.',
    requiredForStage: null,
  },
]

const timestamps = <T extends string, C extends string>(
  b: CreateTableBuilder<T, C>,
): CreateTableBuilder<T, C | 'version' | 'created_at' | 'updated_at'> =>
  b
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())

// Governance control (issue 4): lifecycle gates and the business case, boards and decisions, the RAID log.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Risks at or above this score escalate to the programme (configurable per organisation).
  await db.schema
    .alterTable('organisations')
    .addColumn('risk_escalation_threshold', 'integer', (c) => c.notNull().defaultTo(15))
    .execute()

  const org = (c: ColumnDefinitionBuilder) => c.notNull().references('organisations.id').onDelete('cascade')

  await timestamps(
    idColumn(db, db.schema.createTable('lifecycle_gates'))
      .addColumn('organisation_id', 'integer', org)
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      // The project stage this gate must be passed before (e.g. 'delivery'), or null.
      .addColumn('required_for_stage', 'text'),
  )
    .addUniqueConstraint('lifecycle_gates_org_code', ['organisation_id', 'code'])
    .execute()

  await timestamps(
    idColumn(db, db.schema.createTable('boards'))
      .addColumn('organisation_id', 'integer', org)
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('remit', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('programme_id', 'integer', (c) => c.references('programmes.id').onDelete('set null')),
  ).execute()

  await timestamps(
    idColumn(db, db.schema.createTable('board_members'))
      .addColumn('organisation_id', 'integer', org)
      .addColumn('board_id', 'integer', (c) => c.notNull().references('boards.id').onDelete('cascade'))
      .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('capacity', 'text', (c) => c.notNull()),
  ).execute()
  await db.schema.createIndex('board_members_board').on('board_members').column('board_id').execute()

  await timestamps(
    idColumn(db, db.schema.createTable('decisions'))
      .addColumn('organisation_id', 'integer', org)
      .addColumn('kind', 'text', (c) => c.notNull().defaultTo('general'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('decision_text', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('decided_on', 'text')
      .addColumn('decided_by_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('decided_by_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('capacity', 'text', (c) => c.notNull())
      .addColumn('board_id', 'integer', (c) => c.references('boards.id').onDelete('set null'))
      .addColumn('options_considered', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('reasons', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('is_key', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('approved_budget_pence', 'integer')
      .addColumn('supersedes_id', 'integer', (c) => c.references('decisions.id').onDelete('set null'))
      .addColumn('published_at', 'text')
      .addColumn('recorded_by', 'integer', (c) => c.references('users.id').onDelete('set null')),
  ).execute()
  await db.schema
    .createIndex('decisions_org_status')
    .on('decisions')
    .columns(['organisation_id', 'status'])
    .execute()

  await idColumn(db, db.schema.createTable('decision_links'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('decision_id', 'integer', (c) => c.notNull().references('decisions.id').onDelete('cascade'))
    // gate | exception | project | budget | business_case | risk
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('decision_links_record')
    .on('decision_links')
    .columns(['organisation_id', 'record_type', 'record_id'])
    .execute()
  await db.schema.createIndex('decision_links_decision').on('decision_links').column('decision_id').execute()

  let bc = idColumn(db, db.schema.createTable('business_cases'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('project_id', 'integer', (c) =>
      c.notNull().unique().references('projects.id').onDelete('cascade'),
    )
  for (const part of ['strategic', 'economic', 'commercial', 'financial', 'management']) {
    bc = bc
      .addColumn(`${part}_case`, 'text', (c) => c.notNull().defaultTo(''))
      .addColumn(`${part}_state`, 'text', (c) => c.notNull().defaultTo('not_started'))
  }
  await timestamps(
    bc
      .addColumn('scope_in', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('scope_out', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('options_appraised', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('budget_requested_pence', 'integer'),
  ).execute()

  await timestamps(
    idColumn(db, db.schema.createTable('business_case_resources'))
      .addColumn('organisation_id', 'integer', org)
      .addColumn('business_case_id', 'integer', (c) =>
        c.notNull().references('business_cases.id').onDelete('cascade'),
      )
      .addColumn('role', 'text', (c) => c.notNull())
      // Full-time equivalents in hundredths (0.5 FTE = 50), so sums stay exact on both dialects.
      .addColumn('fte_hundredths', 'integer', (c) => c.notNull())
      .addColumn('months', 'integer', (c) => c.notNull()),
  ).execute()
  await db.schema
    .createIndex('business_case_resources_case')
    .on('business_case_resources')
    .column('business_case_id')
    .execute()

  await timestamps(
    idColumn(db, db.schema.createTable('project_gates'))
      .addColumn('organisation_id', 'integer', org)
      .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('gate_id', 'integer', (c) =>
        c.notNull().references('lifecycle_gates.id').onDelete('cascade'),
      )
      // passed | overridden (an override decision let the project through without meeting the conditions)
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('decision_id', 'integer', (c) => c.references('decisions.id').onDelete('set null'))
      .addColumn('passed_on', 'text'),
  )
    .addUniqueConstraint('project_gates_project_gate', ['project_id', 'gate_id'])
    .execute()

  await timestamps(
    idColumn(db, db.schema.createTable('risks'))
      .addColumn('organisation_id', 'integer', org)
      .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('cause', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('event', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('effect', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('likelihood', 'integer', (c) => c.notNull())
      .addColumn('impact', 'integer', (c) => c.notNull())
      .addColumn('inherent_score', 'integer', (c) => c.notNull())
      .addColumn('residual_likelihood', 'integer')
      .addColumn('residual_impact', 'integer')
      .addColumn('residual_score', 'integer')
      .addColumn('proximity', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('owner', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('review_date', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('escalated', 'integer', (c) => c.notNull().defaultTo(0)),
  ).execute()
  await db.schema.createIndex('risks_project').on('risks').column('project_id').execute()
  await db.schema
    .createIndex('risks_org_review')
    .on('risks')
    .columns(['organisation_id', 'review_date'])
    .execute()

  await timestamps(
    idColumn(db, db.schema.createTable('risk_actions'))
      .addColumn('organisation_id', 'integer', org)
      .addColumn('risk_id', 'integer', (c) => c.notNull().references('risks.id').onDelete('cascade'))
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('owner', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('due_date', 'text')
      .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0)),
  ).execute()
  await db.schema.createIndex('risk_actions_risk').on('risk_actions').column('risk_id').execute()

  await timestamps(
    idColumn(db, db.schema.createTable('raid_issues'))
      .addColumn('organisation_id', 'integer', org)
      .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('priority', 'text', (c) => c.notNull())
      .addColumn('owner', 'text')
      .addColumn('resolution', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('due_date', 'text')
      .addColumn('status', 'text', (c) => c.notNull()),
  ).execute()
  await db.schema.createIndex('raid_issues_project').on('raid_issues').column('project_id').execute()

  await timestamps(
    idColumn(db, db.schema.createTable('assumptions'))
      .addColumn('organisation_id', 'integer', org)
      .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('owner', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('status', 'text', (c) => c.notNull()),
  ).execute()
  await db.schema.createIndex('assumptions_project').on('assumptions').column('project_id').execute()

  await timestamps(
    idColumn(db, db.schema.createTable('dependencies'))
      .addColumn('organisation_id', 'integer', org)
      .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('depends_on_project_id', 'integer', (c) => c.references('projects.id').onDelete('set null'))
      .addColumn('partner_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('needed_by', 'text')
      .addColumn('status', 'text', (c) => c.notNull()),
  ).execute()
  await db.schema.createIndex('dependencies_project').on('dependencies').column('project_id').execute()

  // Organisations that already exist get the default lifecycle, as new ones do (seedDefaultGates).
  const now = new Date().toISOString()
  const orgs = await sql<{ id: number }>`select id from organisations`.execute(db)
  for (const { id } of orgs.rows) {
    for (const [i, g] of DEFAULT_GATES.entries()) {
      await sql`insert into lifecycle_gates
        (organisation_id, position, code, name, description, required_for_stage, version, created_at, updated_at)
        values (${id}, ${i + 1}, ${g.code}, ${g.name}, ${g.description}, ${g.requiredForStage}, 1, ${now}, ${now})`.execute(
        db,
      )
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'dependencies',
    'assumptions',
    'raid_issues',
    'risk_actions',
    'risks',
    'project_gates',
    'business_case_resources',
    'business_cases',
    'decision_links',
    'decisions',
    'board_members',
    'boards',
    'lifecycle_gates',
  ]) {
    await db.schema.dropTable(t).execute()
  }
  await db.schema.alterTable('organisations').dropColumn('risk_escalation_threshold').execute()
}
