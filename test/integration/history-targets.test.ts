import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

// Issue 9: each area owns its history targets (<area>.history.ts) and services.ts only merges them. The merge
// must keep every kind of record, with the label its history page shows.
describe(`history targets (${dialectName()})`, () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  it('every record kind keeps its history page and label', () => {
    const labels = Object.fromEntries(
      Object.entries(t.app.services.historyTargets).map(([type, target]) => [type, target.label]),
    )
    assert.deepEqual(labels, {
      ledger_import: 'Ledger import',
      programme: 'Programme',
      project: 'Project',
      milestone: 'Milestone',
      exception: 'Tolerance exception',
      status_report: 'Status report',
      committee: 'Committee',
      meeting: 'Meeting',
      agenda_item: 'Agenda item',
      recommendation: 'Recommendation',
      programme_definition: 'Programme definition',
      panel_report: 'Panel progress report',
      report_area: 'Area for consideration',
      budget_line: 'Budget line',
      claim: 'Claim',
      funding_stream: 'Funding stream',
      partner: 'Partner',
      partner_recharge: 'Partner recharge',
      commitment: 'Commitment',
      risk: 'Risk',
      raid_issue: 'Issue',
      assumption: 'Assumption',
      dependency: 'Dependency',
      decision: 'Decision',
      board: 'Board',
      business_case: 'Business case',
      person: 'Person',
      post: 'Post',
      post_holder: 'Post holder',
      secondment: 'Secondment',
      skill: 'Skill',
      service_asset: 'Service or asset',
      project_role: 'Project role',
      allocation: 'Allocation',
      ambition: 'Strategic ambition',
      output: 'Output',
      benefit: 'Benefit',
      indicator: 'Indicator',
      indicator_target: 'Indicator target',
      indicator_value: 'Indicator value',
      forward_plan_entry: 'Forward plan entry',
      document: 'Document',
    })
  })

  it("a commitment's history page names the order and links to the project's finance", async () => {
    const token = await t.tokenFor(t.orgs.a.users.administrator)
    const make = async (url: string, body: unknown) => {
      const res = await t.api(token, 'POST', url, body)
      assert.equal(res.statusCode, 201, res.body)
      return res.json<{ id: number }>().id
    }
    const programmeId = await make('/api/v1/programmes', { reference: 'ICT', name: 'ICT programme' })
    const projectId = await make('/api/v1/projects', { reference: 'ICT-02', name: 'Intranet', programmeId })
    const id = await make(`/api/v1/projects/${projectId}/commitments`, {
      supplierName: 'Jadu Ltd',
      reference: 'PO-77',
      amountPence: 10000,
      raisedOn: '2025-07-01',
    })
    const admin = await t.signIn(t.orgs.a.users.administrator)
    const page = await admin.get(`/history/commitment/${id}`)
    assert.equal(page.status, 200)
    assert.match(page.document.querySelector('h1')?.textContent ?? '', /Order PO-77: Jadu Ltd/)
    assert.ok(page.document.querySelector(`a[href="/projects/${projectId}/finance#commitments"]`))
  })
})
