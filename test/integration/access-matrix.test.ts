import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { allows, POLICIES } from '../../src/auth/policy.ts'
import { ROLES, type Role } from '../../src/auth/roles.ts'
import { isApiPath, type RouteRecord } from '../../src/plugins/auth.ts'
import { buildTestApp, type Agent, type TestUser } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { sessionFor } from '../helpers/sessions.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

/**
 * Every route × {anonymous, each role of organisation a, organisation b's administrator}, driven by
 * `app.routeRecords` and `POLICIES`: a new route is in the matrix the moment it is registered, and a
 * route whose parameters the fixture table cannot fill fails with "add a fixture for …".
 */

/** Text only organisation a's fixture records carry: it must never reach organisation b. */
const MARKER = 'ALPHA-ONLY'

type RecordKind =
  | 'programme'
  | 'project'
  | 'milestone'
  | 'statusReport'
  | 'token'
  | 'person'
  | 'invitation'
  | 'exception'
  | 'notification'
  | 'decision'
  | 'board'
  | 'risk'
  | 'issue'
  | 'businessCase'
  | 'committee'
  | 'meeting'
  | 'agendaItem'
  | 'recommendation'
  | 'recommendationAction'
  | 'report'
  | 'reportArea'
  | 'definition'
  | 'budgetLine'
  | 'claim'
  | 'ledgerImport'
  | 'ledgerTransaction'
  | 'columnMapping'
  | 'costRule'
  | 'commitment'
  | 'gate'
  | 'assumption'
  | 'dependency'
  | 'fundingStream'
  | 'partner'
  | 'recharge'
  | 'registerPerson'
  | 'post'
  | 'postHolder'
  | 'secondment'
  | 'skill'
  | 'resourceLine'
  | 'serviceAsset'
  | 'projectRole'
  | 'allocation'
  | 'ambition'
  | 'output'
  | 'benefit'
  | 'indicator'
  | 'indicatorTarget'
  | 'indicatorValue'
  | 'indicatorImport'
  | 'portfolioImport'
  | 'withholding'
  | 'forwardPlanEntry'
  | 'document'
  | 'documentVersion'
type Records = Record<RecordKind, number>

/** Route parameters, by the collection segment in front of them: `/projects/:projectId/…` names a project. */
const RECORD_PARAMS: Record<string, RecordKind> = {
  programmes: 'programme',
  projects: 'project',
  milestones: 'milestone',
  'status-reports': 'statusReport',
  tokens: 'token',
  people: 'person',
  invitations: 'invitation',
  exceptions: 'exception',
  notifications: 'notification',
  decisions: 'decision',
  boards: 'board',
  risks: 'risk',
  issues: 'issue',
  committees: 'committee',
  meetings: 'meeting',
  'agenda-items': 'agendaItem',
  recommendations: 'recommendation',
  'recommendation-actions': 'recommendationAction',
  reports: 'report',
  areas: 'reportArea',
  'programme-definitions': 'definition',
  'budget-lines': 'budgetLine',
  claims: 'claim',
  imports: 'ledgerImport',
  transactions: 'ledgerTransaction',
  mappings: 'columnMapping',
  rules: 'costRule',
  commitments: 'commitment',
  gates: 'gate',
  assumptions: 'assumption',
  dependencies: 'dependency',
  'funding-streams': 'fundingStream',
  partners: 'partner',
  recharges: 'recharge',
  posts: 'post',
  'post-holders': 'postHolder',
  secondments: 'secondment',
  skills: 'skill',
  'business-case-resources': 'resourceLine',
  responsibilities: 'serviceAsset',
  'service-assets': 'serviceAsset',
  'project-roles': 'projectRole',
  allocations: 'allocation',
  ambitions: 'ambition',
  outputs: 'output',
  benefits: 'benefit',
  indicators: 'indicator',
  values: 'indicatorValue',
  targets: 'indicatorTarget',
  'indicator-imports': 'indicatorImport',
  'portfolio-imports': 'portfolioImport',
  withheld: 'withholding',
  'forward-plan': 'forwardPlanEntry',
  documents: 'document',
  versions: 'documentVersion',
}
/**
 * Collections whose name alone is ambiguous, by the two segments in front of the parameter: `/settings/people`
 * names user accounts, `/people` (and `/api/v1/people`) the people register.
 */
const RECORD_PARAMS_IN: Record<string, RecordKind> = {
  '/people': 'registerPerson',
  'v1/people': 'registerPerson',
  'indicators/imports': 'indicatorImport',
  'imports/portfolio': 'portfolioImport',
}
/** `/history/:type/:id`: each kind of record with a history page (`services.historyTargets`). */
const HISTORY_TYPES: Record<string, RecordKind> = {
  programme: 'programme',
  project: 'project',
  milestone: 'milestone',
  status_report: 'statusReport',
  exception: 'exception',
  decision: 'decision',
  board: 'board',
  risk: 'risk',
  raid_issue: 'issue',
  assumption: 'assumption',
  dependency: 'dependency',
  business_case: 'businessCase',
  committee: 'committee',
  meeting: 'meeting',
  agenda_item: 'agendaItem',
  recommendation: 'recommendation',
  panel_report: 'report',
  report_area: 'reportArea',
  programme_definition: 'definition',
  budget_line: 'budgetLine',
  claim: 'claim',
  ledger_import: 'ledgerImport',
  commitment: 'commitment',
  funding_stream: 'fundingStream',
  partner: 'partner',
  partner_recharge: 'recharge',
  person: 'registerPerson',
  post: 'post',
  post_holder: 'postHolder',
  secondment: 'secondment',
  skill: 'skill',
  service_asset: 'serviceAsset',
  project_role: 'projectRole',
  allocation: 'allocation',
  ambition: 'ambition',
  output: 'output',
  benefit: 'benefit',
  indicator: 'indicator',
  indicator_target: 'indicatorTarget',
  indicator_value: 'indicatorValue',
  forward_plan_entry: 'forwardPlanEntry',
  document: 'document',
}
/** Parameters that name no record. */
const OTHER_PARAMS: Record<string, string> = {
  '/public/*': '/public/app.css',
  // The public site (issue 12): open to anyone, each organisation's by its slug; the matrix publishes nothing,
  // so every page answers 404 (public-site.test.ts covers what is published and another organisation's site).
  '/public/:org/': '/public/alpha/',
  '/public/:org/accessibility': '/public/alpha/accessibility',
  '/public/:org/programmes': '/public/alpha/programmes',
  '/public/:org/programmes/:id': '/public/alpha/programmes/1',
  '/public/:org/ambitions': '/public/alpha/ambitions',
  '/public/:org/outputs': '/public/alpha/outputs',
  '/public/:org/indicators': '/public/alpha/indicators',
  '/public/:org/forward-plan': '/public/alpha/forward-plan',
  '/public/:org/meetings': '/public/alpha/meetings',
  '/public/:org/meetings/:id': '/public/alpha/meetings/1',
  '/public/:org/recommendations': '/public/alpha/recommendations',
  '/public/:org/decisions': '/public/alpha/decisions',
  '/public/:org/data': '/public/alpha/data',
  '/public/:org/data/:file': '/public/alpha/data/programmes.csv',
  // Sign-in through an organisation's identity provider (issue 13): alpha has none here, so it is not found for
  // anyone; sso.test.ts covers a configured provider and another organisation's configuration.
  '/sign-in/sso/:slug': '/sign-in/sso/alpha',
  // An organisation's logo is public, as its public site is (issue 13); alpha has none, so 404 for everyone.
  '/brand/:slug/logo': '/brand/alpha/logo',
  // The token is the credential: an unknown one is simply not found, for anyone.
  '/calendar/:token': '/calendar/ovc_not-a-real-feed.ics',
  '/invitations/:token': '/invitations/not-a-real-invitation',
  // A public subscription page names the organisation by its public slug; alpha has not turned it on.
  '/public/:slug/subscribe': '/public/alpha/subscribe',
  '/public/:slug/subscribe/confirm': '/public/alpha/subscribe/confirm',
  '/public/:slug/unsubscribe': '/public/alpha/unsubscribe',
  // A closure day is named by its date within the asker's own organisation: no other organisation's to find.
  '/settings/working-days/closures/:date/delete': '/settings/working-days/closures/2030-01-02/delete',
  '/api/v1/organisation/closure-days/:date': '/api/v1/organisation/closure-days/2030-01-02',
  // Search (issue 13) for the words every fixture record of organisation a carries.
  '/search': `/search?q=${MARKER}`,
  '/api/v1/search': `/api/v1/search?q=${MARKER}`,
}
/**
 * Policies whose service also checks the person's capacity, so a role the policy allows may still be
 * refused (403) for a particular record: only a recommendation's addressee or lead officer responds.
 */
// Attaching a document: the service checks the role against the parent record's own policy (a scrutiny
// member attaches to a meeting, not to the fixture project).
const CAPACITY_CHECKED = new Set<string>([
  'scrutiny.respond',
  'indicator.enter',
  'actions.progress',
  'documents.attach',
])

interface Target {
  route: RouteRecord
  url: string
  /** True when the URL names an organisation-a record: organisation b must get 404. */
  namesRecord: boolean
}

/** The concrete URLs for a route, or a "add a fixture" problem. */
function fill(route: RouteRecord, records: Records, historyTypes: string[]): Target[] | string {
  const other = OTHER_PARAMS[route.url]
  if (other) return [{ route, url: other, namesRecord: false }]
  if (route.url === '/history/:type/:id') {
    const missing = historyTypes.filter((type) => !HISTORY_TYPES[type])
    if (missing.length > 0) return `add a fixture for /history/${missing.join('|')}/:id`
    return historyTypes.map((type) => ({
      route,
      url: `/history/${type}/${records[HISTORY_TYPES[type]!]}`,
      namesRecord: true,
    }))
  }
  const segments = route.url.split('/')
  let namesRecord = false
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!
    if (!segment.startsWith(':') && !segment.includes('*')) continue
    const kind =
      RECORD_PARAMS_IN[`${segments[i - 2] ?? ''}/${segments[i - 1] ?? ''}`] ??
      RECORD_PARAMS[segments[i - 1] ?? '']
    if (!kind || segment.includes('*')) return `add a fixture for ${route.method} ${route.url}`
    segments[i] = String(records[kind])
    namesRecord = true
  }
  return [{ route, url: segments.join('/'), namesRecord }]
}

type JsonSchema = { properties?: Record<string, unknown>; $ref?: string }
interface OpenApi {
  paths: Record<
    string,
    Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>
  >
  components?: { schemas?: Record<string, JsonSchema> }
}

/** The JSON body a route accepts, as property names, from the OpenAPI document. */
function bodyFields(doc: OpenApi, route: RouteRecord): string[] {
  const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}')
  let schema =
    doc.paths[path]?.[route.method.toLowerCase()]?.requestBody?.content?.['application/json']?.schema
  if (schema?.$ref) schema = doc.components?.schemas?.[schema.$ref.split('/').pop()!]
  return Object.keys(schema?.properties ?? {})
}

function pick(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in source).map((k) => [k, source[k]]))
}

/** The fields of each form on a page, keyed by where it posts: what a person would submit unchanged. */
function formsOn(document: Document): Map<string, Record<string, string[]>> {
  const forms = new Map<string, Record<string, string[]>>()
  for (const form of document.querySelectorAll('form[method="post"]')) {
    const values: Record<string, string[]> = {}
    const add = (name: string | null, value: string) => {
      if (!name || name === '_csrf') return
      ;(values[name] ??= []).push(value)
    }
    for (const el of form.querySelectorAll('input, textarea, select')) {
      const name = el.getAttribute('name')
      const type = el.getAttribute('type') ?? ''
      if (el.tagName === 'TEXTAREA') add(name, el.textContent ?? '')
      else if (el.tagName === 'SELECT')
        add(name, el.querySelector('option[selected]')?.getAttribute('value') ?? '')
      else if (type === 'radio' || type === 'checkbox') {
        if (el.hasAttribute('checked')) add(name, el.getAttribute('value') ?? 'on')
      } else if (type !== 'submit') add(name, el.getAttribute('value') ?? '')
    }
    forms.set(form.getAttribute('action') ?? '', values)
  }
  return forms
}

const t = await buildTestApp()
const a = t.orgs.a
const foreignAdmin = t.orgs.b.users.administrator

describe(`route × role × organisation matrix (${dialectName()})`, () => {
  const records = {} as Records
  const forms = new Map<string, Record<string, string[]>>()
  const json = new Map<string, Record<string, unknown>>()
  const agents = new Map<number, Agent>()
  const doc = t.app.swagger() as unknown as OpenApi
  const historyTypes = Object.keys(t.app.services.historyTargets)

  after(() => t.close())

  /** Reads a record through the API as organisation a's administrator and keeps its JSON. */
  const remember = async (url: string) => {
    const res = await t.api(await t.tokenFor(a.users.administrator), 'GET', url)
    // Downloads (a paper's PDF, DOCX or HTML) are not records to build a body from.
    if (res.statusCode === 200 && String(res.headers['content-type']).startsWith('application/json'))
      json.set(url, res.json())
  }

  before(async () => {
    const adminToken = await t.tokenFor(a.users.administrator)
    const create = async (url: string, body: Record<string, unknown>) => {
      const res = await t.api(adminToken, 'POST', url, body)
      assert.equal(res.statusCode, 201, `fixture ${url}: ${res.body}`)
      return res.json<{ id: number }>().id
    }
    records.programme = await create('/api/v1/programmes', {
      reference: 'MTX-P',
      name: `Matrix programme ${MARKER}`,
    })
    records.project = await create('/api/v1/projects', {
      reference: 'MTX-1',
      name: `Matrix project ${MARKER}`,
      programmeId: records.programme,
      // Shared, so the partner officer's allowed routes reach the record rather than a 404.
      partnerIds: [await t.partner(t.orgs.a)],
    })
    records.milestone = await create('/api/v1/milestones', {
      projectId: records.project,
      name: `Matrix milestone ${MARKER}`,
      baselineDate: '2025-06-30',
    })
    records.statusReport = await create('/api/v1/status-reports', {
      projectId: records.project,
      period: '2025-05',
      rating: 'amber',
      narrative: `Matrix report ${MARKER}`,
    })
    const stream = await create('/api/v1/funding-streams', {
      name: `Matrix stream ${MARKER}`,
      kind: 'named',
      baseCostsEligible: false,
    })
    records.budgetLine = await create(`/api/v1/projects/${records.project}/budget-lines`, {
      financialYear: '2025/26',
      category: 'revenue',
      fundingStreamId: stream,
      costType: 'staff',
      amountPence: 120000,
      profileMethod: 'flat',
      description: `Matrix budget line ${MARKER}`,
    })
    records.claim = await create('/api/v1/claims', {
      fundingStreamId: stream,
      projectId: records.project,
      title: `Matrix claim ${MARKER}`,
      eligiblePence: 1000,
      claimedPence: 1000,
      status: 'submitted',
    })
    records.fundingStream = stream
    records.partner = await create('/api/v1/partners', { name: `Matrix partner ${MARKER}` })
    records.recharge = await create(`/api/v1/projects/${records.project}/recharges`, {
      partnerId: records.partner,
      description: `Matrix recharge ${MARKER}`,
      period: '2025-06',
      amountPence: 2500,
      costBasis: 'non_base',
    })
    records.commitment = await create(`/api/v1/projects/${records.project}/commitments`, {
      supplierName: `Matrix supplier ${MARKER}`,
      reference: 'PO-MATRIX',
      amountPence: 5000,
      raisedOn: '2025-06-01',
    })
    // Ledger: a committed import whose one payment waits in suspense, a saved mapping and a rule.
    const upload = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ledger/imports?fileName=matrix.csv',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' },
      payload: `PaymentDate,TransactionNumber,Amount,BeneficiaryName\n2025-05-01,MTX-T1,12.34,Matrix supplier ${MARKER}\n`,
    })
    assert.equal(upload.statusCode, 201, `fixture ledger import: ${upload.body}`)
    records.ledgerImport = upload.json<{ id: number }>().id
    const committed = await t.api(adminToken, 'POST', `/api/v1/ledger/imports/${records.ledgerImport}/commit`)
    assert.equal(committed.statusCode, 200, `fixture ledger commit: ${committed.body}`)
    const suspense = await t.api(adminToken, 'GET', '/api/v1/ledger/suspense')
    records.ledgerTransaction = suspense.json<{ items: Array<{ id: number }> }>().items[0]!.id
    records.columnMapping = await create('/api/v1/ledger/mappings', {
      name: `Matrix mapping ${MARKER}`,
      columns: { date: 'Posted', amount: 'Net' },
    })
    records.costRule = await create('/api/v1/ledger/rules', {
      matchField: 'cost_centre',
      matchType: 'exact',
      matchValue: `MTX-${MARKER}`,
      projectId: records.project,
    })
    records.token = (
      await inOrganisation(a, () =>
        t.app.services.tokens.create(a.id, a.users.administrator.id, 'Matrix fixture'),
      )
    ).id
    records.committee = await create('/api/v1/committees', {
      name: `Matrix panel ${MARKER}`,
      code: 'MTX',
      kind: 'scrutiny_panel',
    })
    records.meeting = await create('/api/v1/meetings', {
      committeeId: records.committee,
      meetingDate: '2025-03-18',
      place: `Matrix chamber ${MARKER}`,
      status: 'held',
    })
    records.agendaItem = await create(`/api/v1/meetings/${records.meeting}/items`, {
      number: '1',
      title: `Matrix item ${MARKER}`,
    })
    records.recommendation = await create('/api/v1/recommendations', {
      agendaItemId: records.agendaItem,
      reference: 'MTX/2025/01',
      kind: 'recommendation',
      text: `Matrix recommendation ${MARKER}`,
      addressedTo: 'portfolio_holder',
      addresseeUserId: a.users.portfolio_holder.id,
      leadOfficerUserId: a.users.programme_manager.id,
    })
    const scrutinyAdmin = await inOrganisation(a, () =>
      t.app.services.auth.actorFor(a.users.administrator.id, a.id, 'session', null),
    )
    records.recommendationAction = (
      await inOrganisation(a, () =>
        t.app.services.scrutiny.recommendations.addAction(scrutinyAdmin!, records.recommendation, {
          text: `Matrix action ${MARKER}`,
          ownerUserId: a.users.programme_manager.id,
          dueOn: '2025-06-30',
          projectId: records.project,
          programmeId: null,
          status: 'in_progress',
          evidenceText: '',
          evidenceUrl: '',
        }),
      )
    ).id
    records.report = await create('/api/v1/reports', {
      programmeId: records.programme,
      meetingId: records.meeting,
      period: '2025-05',
      title: `Matrix report ${MARKER}`,
      areas: [{ text: `Matrix area ${MARKER}`, ownerUserId: a.users.portfolio_holder.id }],
    })
    const report = await t.api(adminToken, 'GET', `/api/v1/reports/${records.report}`)
    records.reportArea = report.json<{ areas: Array<{ id: number }> }>().areas[0]!.id
    records.definition = await create('/api/v1/programme-definitions', {
      programmeId: records.programme,
      recommendationId: records.recommendation,
      title: `Matrix definition ${MARKER}`,
    })
    const at = new Date().toISOString()
    const person = await t.database.db
      .insertInto('users')
      .values({
        email: 'matrix.person@alpha.test',
        name: `Matrix person ${MARKER}`,
        password_hash: 'x',
        is_active: 1,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await t.database.db
      .insertInto('memberships')
      .values({ organisation_id: a.id, user_id: person.id, role: 'viewer', created_at: at })
      .execute()
    records.person = person.id
    const adminActor = await inOrganisation(a, () =>
      t.app.services.auth.actorFor(a.users.administrator.id, a.id, 'session', null),
    )
    await inOrganisation(a, () =>
      t.app.services.invitations.invite(adminActor!, {
        name: `Matrix invitee ${MARKER}`,
        email: 'matrix.invitee@elsewhere.test',
        role: 'viewer',
      }),
    )
    records.invitation = (
      await t.database.db
        .selectFrom('invitations')
        .select('id')
        .where('email', '=', 'matrix.invitee@elsewhere.test')
        .executeTakeFirstOrThrow()
    ).id
    // A tolerance exception with its report written (so the board's decision form is reachable), and a
    // notification to organisation a's administrator.
    const exception = await t.database.db
      .insertInto('tolerance_exceptions')
      .values({
        organisation_id: a.id,
        programme_id: records.programme,
        project_id: records.project,
        kind: 'scope',
        source: 'manual',
        status: 'reported',
        summary: `Matrix exception ${MARKER}`,
        facts_json: JSON.stringify({ facts: [{ label: 'Scope', value: MARKER }] }),
        raised_at: at,
        raised_by: 'Matrix',
        report_due: '2025-07-07',
        cause: `Cause ${MARKER}`,
        impact: 'Impact',
        options: 'Options',
        recommendation: 'Recommendation',
        reported_at: at,
        reported_by: 'Matrix',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    records.exception = exception.id
    const notification = await t.database.db
      .insertInto('notifications')
      .values({
        organisation_id: a.id,
        user_id: a.users.administrator.id,
        kind: 'exception',
        title: `Matrix notification ${MARKER}`,
        body: '',
        url: `/exceptions/${exception.id}`,
        created_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    records.notification = notification.id
    // Governance (G1): a board, a draft decision (so its edit form is reachable), a risk, an issue, a business case.
    records.board = await create('/api/v1/boards', { name: `Matrix board ${MARKER}` })
    records.decision = await create('/api/v1/decisions', {
      title: `Matrix decision ${MARKER}`,
      capacity: 'portfolio_holder',
      status: 'awaiting_decision',
      links: [{ recordType: 'project', recordId: records.project }],
    })
    records.risk = await create('/api/v1/risks', {
      projectId: records.project,
      title: `Matrix risk ${MARKER}`,
      event: 'The network fails',
      category: 'resilience',
      likelihood: 4,
      impact: 4,
    })
    records.issue = await create('/api/v1/issues', {
      projectId: records.project,
      title: `Matrix issue ${MARKER}`,
      priority: 'high',
    })
    const bc = await t.api(adminToken, 'PUT', `/api/v1/projects/${records.project}/business-case`, {
      version: null,
      cases: Object.fromEntries(
        ['strategic', 'economic', 'commercial', 'financial', 'management'].map((k) => [
          k,
          { text: `Matrix case ${MARKER}`, state: 'in_progress' },
        ]),
      ),
      scopeIn: MARKER,
      scopeOut: '',
      optionsAppraised: '',
      budgetRequestedPence: 100,
      resources: [{ role: `Matrix developer ${MARKER}`, fte: 1, months: 6 }],
    })
    assert.equal(bc.statusCode, 200, bc.body)
    records.businessCase = bc.json<{ id: number }>().id
    records.resourceLine = (
      await t.database.db
        .selectFrom('business_case_resources')
        .select('id')
        .where('business_case_id', '=', records.businessCase)
        .executeTakeFirstOrThrow()
    ).id
    // Governance (G2): a lifecycle gate no project has passed, an assumption and a dependency.
    records.gate = await create('/api/v1/governance/lifecycle/gates', {
      code: 'MTX',
      name: `Matrix gate ${MARKER}`,
    })
    records.assumption = await create('/api/v1/assumptions', {
      projectId: records.project,
      description: `Matrix assumption ${MARKER}`,
    })
    records.dependency = await create('/api/v1/dependencies', {
      projectId: records.project,
      description: `Matrix dependency ${MARKER}`,
      partnerName: 'Matrix partner',
    })

    // Resourcing (issue 10): a person of the shared partner, a post they hold, a secondment, a skill.
    records.registerPerson = await create('/api/v1/people', {
      name: `Matrix register person ${MARKER}`,
      kind: 'partner_staff',
      partnerId: await t.partner(t.orgs.a),
      email: 'matrix.register@alpha.test',
    })
    records.post = await create('/api/v1/posts', {
      title: `Matrix post ${MARKER}`,
      fte: 1,
      status: 'filled',
      funded: true,
      fundingStreamId: records.fundingStream,
    })
    records.postHolder = await create('/api/v1/post-holders', {
      postId: records.post,
      personId: records.registerPerson,
      startsOn: '2025-01-01',
      fte: 1,
    })
    records.secondment = await create('/api/v1/secondments', {
      personId: records.registerPerson,
      direction: 'out',
      toTeam: `Matrix response ${MARKER}`,
      startsOn: '2025-02-01',
      fte: 0.5,
    })
    records.skill = await create('/api/v1/skills', { name: `Matrix skill ${MARKER}` })
    // The responsibility matrix (issue 10): an asset the shared partner is responsible for.
    records.serviceAsset = await create('/api/v1/service-assets', {
      name: `Matrix asset ${MARKER}`,
      kind: 'infrastructure',
      responsibilities: [{ party: 'partner', partnerId: await t.partner(t.orgs.a), role: 'R' }],
      projectIds: [records.project],
      riskIds: [records.risk],
    })
    // Demand and allocation: a role of the shared project, with the register person allocated to it.
    records.projectRole = await create('/api/v1/project-roles', {
      projectId: records.project,
      title: `Matrix role ${MARKER}`,
      months: [{ period: '2025-03', fte: 1 }],
    })
    records.allocation = await create('/api/v1/allocations', {
      roleId: records.projectRole,
      personId: records.registerPerson,
      months: [{ period: '2025-03', fte: 0.5 }],
    })
    // Outcomes (issue 11): an ambition the shared project contributes to, and an output of that project.
    records.ambition = await create('/api/v1/ambitions', {
      title: `Matrix ambition ${MARKER}`,
      programmeIds: [records.programme],
      projectIds: [records.project],
    })
    records.output = await create('/api/v1/outputs', {
      projectId: records.project,
      title: `Matrix output ${MARKER}`,
      type: 'service',
      milestoneIds: [records.milestone],
    })
    // The benefits register (issue 11): a benefit of the shared project, with a profile year.
    records.benefit = await create('/api/v1/benefits', {
      projectId: records.project,
      title: `Matrix benefit ${MARKER}`,
      type: 'cashable',
      profile: [{ year: '2021/22', planned: 100, realised: 50 }],
    })
    // The forward plan (issue 12): a key decision Cabinet expects to take.
    records.forwardPlanEntry = await create('/api/v1/forward-plan', {
      title: `Matrix key decision ${MARKER}`,
      decisionMaker: `board:${records.board}`,
      expectedOn: '2099-03-26',
    })

    // A document (issue 13) attached to the shared project, in its first version.
    const attached = await t.app.inject({
      method: 'POST',
      url: `/api/v1/documents?parentType=project&parentId=${records.project}&title=Matrix%20paper%20${MARKER}&fileName=matrix.pdf`,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/octet-stream' },
      payload: `%PDF-1.4\n% Matrix paper ${MARKER}\n%%EOF\n`,
    })
    assert.equal(attached.statusCode, 201, `fixture document: ${attached.body}`)
    records.document = attached.json<{ id: number }>().id
    records.documentVersion = 1

    // A performance indicator (issue 11) of the shared project, with a target and a value.
    records.indicator = await create('/api/v1/indicators', {
      name: `Matrix indicator ${MARKER}`,
      unit: 'count',
      polarity: 'higher',
      frequency: 'monthly',
      projectIds: [records.project],
    })
    for (const part of ['targets', 'values'] as const) {
      const res = await t.api(adminToken, 'POST', `/api/v1/indicators/${records.indicator}/${part}`, {
        period: '2025-04',
        ...(part === 'targets' ? { target: 10 } : { value: 9, note: MARKER }),
      })
      assert.equal(res.statusCode, 200, `fixture ${part}: ${res.body}`)
      const row = await t.database.db
        .selectFrom(part === 'targets' ? 'indicator_targets' : 'indicator_values')
        .select('id')
        .where('indicator_id', '=', records.indicator)
        .executeTakeFirstOrThrow()
      records[part === 'targets' ? 'indicatorTarget' : 'indicatorValue'] = row.id
    }

    const imported = await t.app.inject({
      method: 'POST',
      url: '/api/v1/indicator-imports?fileName=matrix.csv',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' },
      payload: `Indicator,Period,Value,Note\nMatrix indicator ${MARKER},2025-05,8,${MARKER}\n`,
    })
    assert.equal(imported.statusCode, 201, `fixture indicator import: ${imported.body}`)
    records.indicatorImport = imported.json<{ id: number }>().id
    const portfolio = await t.app.inject({
      method: 'POST',
      url: '/api/v1/portfolio-imports?fileName=matrix.csv',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' },
      payload: `Project code,Project name\nMATRIX-1,Matrix project ${MARKER}\n`,
    })
    assert.equal(portfolio.statusCode, 201, `fixture portfolio import: ${portfolio.body}`)
    records.portfolioImport = portfolio.json<{ id: number }>().id
    // A record withheld from the public site (issue 12), which an administrator can publish again.
    const withholder = await inOrganisation(a, () =>
      t.app.services.auth.actorFor(a.users.administrator.id, a.id, 'session', null),
    )
    records.withholding = (
      await inOrganisation(a, () =>
        t.app.services.publicSite.publication.withhold(withholder!, {
          recordType: 'project',
          recordId: String(records.project),
          reason: 'commercial',
        }),
      )
    ).id

    // The forms and records as organisation a's administrator sees them, before anything changes:
    // posts send them back unchanged, so handlers get past validation to the record lookup.
    const admin = await sessionFor(t, a.users.administrator)
    for (const route of t.app.routeRecords) {
      const targets = fill(route, records, historyTypes)
      if (typeof targets === 'string' || route.method !== 'GET') continue
      for (const target of targets) {
        if (isApiPath(target.url)) {
          if (target.namesRecord) await remember(target.url)
        } else if (!target.url.startsWith('/public/') && !target.url.startsWith('/assets/')) {
          const page = await admin.get(target.url)
          for (const [action, values] of formsOn(page.document))
            if (!forms.has(action)) forms.set(action, values)
        }
      }
    }
  })

  const agentFor = async (user: TestUser): Promise<Agent> => {
    let agent = agents.get(user.id)
    if (!agent) agents.set(user.id, (agent = await sessionFor(t, user)))
    return agent
  }

  let anon: Agent | null = null
  /** Anonymous, with the CSRF token the sign-in form gives, as a browser that opened it would have. */
  const anonymous = async (): Promise<Agent> => {
    if (!anon) {
      anon = t.anonymous()
      await anon.get('/sign-in')
    }
    return anon
  }

  interface Answer {
    status: number
    location?: string
    body: string
  }

  /** One request as the user (null: anonymous), through the session for pages and a token for the API. */
  async function call(target: Target, user: TestUser | null): Promise<Answer> {
    const { method } = target.route
    // Someone the policy refuses sends an empty body: they must be refused before it is validated.
    const refused = !allows(target.route.policy, user?.role ?? null)
    if (isApiPath(target.url)) {
      const token = user ? await t.tokenFor(user) : null
      let body: Record<string, unknown> | undefined
      if (method !== 'GET' && method !== 'DELETE') {
        // Otherwise a well-formed body built from the record itself, so the handler (not the schema)
        // answers; re-read first, so an update carries the current version.
        if (method === 'PATCH' && !refused) await remember(target.url)
        const source = json.get(target.url) ?? json.get(`${target.url}/${recordIdFor(target.url)}`) ?? {}
        body = refused ? {} : pick(source, bodyFields(doc, target.route))
      }
      const res = await t.api(token, method, target.url, body)
      return { status: res.statusCode, location: res.headers.location, body: res.body }
    }
    // Signing out ends the session: use a fresh one so the other routes keep theirs.
    const fresh = target.route.url === '/sign-out'
    const agent = user ? (fresh ? await sessionFor(t, user) : await agentFor(user)) : await anonymous()
    let page
    if (method === 'GET') page = await agent.get(target.url)
    else if (method === 'POST')
      page = await agent.post(target.url, refused ? {} : (forms.get(target.url) ?? {}))
    else assert.fail(`the matrix cannot yet send ${method} to a page route: extend call() for ${target.url}`)
    return { status: page.status, location: page.location, body: page.body }
  }

  /** `/api/v1/projects` creates a project: its body is built from the fixture project. */
  function recordIdFor(collectionUrl: string): number | undefined {
    const parts = collectionUrl.split('/')
    const kind = RECORD_PARAMS_IN[parts.slice(-2).join('/')] ?? RECORD_PARAMS[parts.pop() ?? '']
    return kind ? records[kind] : undefined
  }

  function expectations(target: Target, who: string, role: Role | null, answer: Answer): string[] {
    const problems: string[] = []
    const { policy } = target.route
    const said = `${who} got ${answer.status}${answer.location ? ` → ${answer.location}` : ''}`
    if (answer.status >= 500) return [`${said}: a server error`]
    if (role === null && POLICIES[policy] !== null) {
      if (isApiPath(target.url)) {
        if (answer.status !== 401) problems.push(`${said}, expected 401`)
      } else if (answer.status !== 303 || !answer.location?.startsWith('/sign-in')) {
        problems.push(`${said}, expected a 303 redirect to /sign-in`)
      }
    } else if (role !== null && !allows(policy, role)) {
      if (answer.status !== 403) problems.push(`${said}, expected 403 (${policy})`)
    } else if (answer.status === 403 && CAPACITY_CHECKED.has(policy)) {
      // allowed by the policy, refused by the service for this record: fine
    } else if (answer.status === 401 || answer.status === 403) {
      problems.push(`${said}, but ${policy} allows ${role ?? 'anyone'}`)
    }
    return problems
  }

  // Reads first, then writes, so a write cannot hide a read problem; sign-out uses its own session.
  const order = (r: RouteRecord) => (r.method === 'GET' ? 0 : 1)
  const routes = [...t.app.routeRecords].sort((x, y) => order(x) - order(y))

  it('covers every route, with a policy from POLICIES', () => {
    assert.ok(routes.length > 20, `only ${routes.length} routes registered`)
    for (const r of routes) assert.ok(Object.hasOwn(POLICIES, r.policy), `${r.method} ${r.url}: ${r.policy}`)
  })

  for (const route of routes) {
    it(`${route.method} ${route.url} (${route.policy})`, async () => {
      const targets = fill(route, records, historyTypes)
      if (typeof targets === 'string') assert.fail(targets)
      const problems: string[] = []
      for (const target of targets) {
        const at = targets.length > 1 ? ` ${target.url}` : ''
        problems.push(...expectations(target, `anonymous${at}`, null, await call(target, null)))
        for (const role of ROLES) {
          const answer = await call(target, a.users[role])
          problems.push(...expectations(target, `${role}${at}`, role, answer))
        }
        if (!target.namesRecord) continue
        // Another organisation's record does not exist for you: 404, never 403, never its data.
        const answer = await call(target, foreignAdmin)
        if (answer.status !== 404)
          problems.push(`organisation b's administrator${at} got ${answer.status}, expected 404`)
        if (answer.body.includes(MARKER))
          problems.push(`organisation b's administrator${at} saw organisation a's data`)
      }
      assert.deepEqual(problems, [], problems.join('\n'))
    })
  }

  it("search finds organisation a's records for its staff and none of them for organisation b", async () => {
    const mine = await t.api(await t.tokenFor(a.users.viewer), 'GET', `/api/v1/search?q=${MARKER}`)
    assert.ok(mine.json<{ items: unknown[] }>().items.length > 5, mine.body)
    const theirs = await t.api(await t.tokenFor(foreignAdmin), 'GET', `/api/v1/search?q=${MARKER}`)
    assert.deepEqual(theirs.json(), { groups: [], items: [], next: null })
    const page = await (await agentFor(foreignAdmin)).get(`/search?q=${MARKER}`)
    assert.equal(page.status, 200)
    assert.ok(!page.body.includes(MARKER.replace('-', ' ')) && !page.body.includes('<mark>'))
  })

  it("a body naming organisation a's records creates nothing for organisation b", async () => {
    const token = await t.tokenFor(foreignAdmin)
    const problems: string[] = []
    let tried = 0
    for (const route of routes.filter((r) => r.method === 'POST' && isApiPath(r.url))) {
      const source = json.get(`${route.url}/${recordIdFor(route.url)}`)
      if (!source) continue
      const body = pick(source, bodyFields(doc, route))
      // A reference left empty (an owner not yet named: `portfolioHolderPersonId: null`) names no record.
      if (!Object.entries(body).some(([k, v]) => /Id$/.test(k) && v !== null)) continue
      tried++
      const res = await t.api(token, 'POST', route.url, body)
      if (res.statusCode < 400 || res.statusCode >= 500)
        problems.push(`POST ${route.url} with ${JSON.stringify(body)} answered ${res.statusCode}`)
    }
    assert.ok(tried >= 3, `only ${tried} create routes take a reference to another record`)
    assert.deepEqual(problems, [])
  })
})
