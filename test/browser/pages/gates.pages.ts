import { BasePage } from '../../helpers/browser.ts'

export interface ApprovalDecision {
  capacity: string
  decidedBy: string
  decidedOn: [string, string, string]
  decision: string
  reasons: string
  approvedBudget?: string
}

/** Gates, the business case, the RAID log and the decision log of a project. */
export class GatesPages extends BasePage {
  async recordApproval(d: ApprovalDecision, pageName: string): Promise<void> {
    await this.field('What was decided').fill(d.decision)
    await this.page
      .getByRole('group', { name: 'Capacity the decision was taken in' })
      .getByLabel(d.capacity, { exact: true })
      .check()
    await this.field('Decided by').fill(d.decidedBy)
    await this.fillDate('Date decided', ...d.decidedOn)
    await this.field('Reasons').fill(d.reasons)
    await this.field('Budget approved (optional)').fill(d.approvedBudget ?? '')
    await this.press('Record decision and pass the gate', pageName)
  }

  async gateStatus(gate: string): Promise<string> {
    const row = this.page.locator('#gates tbody tr', {
      has: this.page.getByRole('rowheader', { name: new RegExp(gate) }),
    })
    return ((await row.locator('td').first().textContent()) ?? '').trim()
  }
}
