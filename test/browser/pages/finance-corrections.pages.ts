import { FinancePages } from './finance.pages.ts'

/** Correcting finance records: the Change links on the lists, the change forms and the removal page. */
export class FinanceCorrectionPages extends FinancePages {
  /** Follows a table row's Change (or Remove) link, whose hidden text names the record. */
  async rowLink(text: string, pageName: string): Promise<void> {
    await this.page.getByRole('link', { name: text, exact: true }).click()
    await this.checkPage(pageName)
  }

  async changeFundingStream(name: string, eligibility: string, baseCostsEligible: boolean): Promise<void> {
    await this.goto('/funding-streams', 'funding-streams')
    await this.rowLink(`Change ${name}`, 'funding-stream-edit')
    await this.field('What it may pay for').fill(eligibility)
    await this.page
      .getByRole('group', { name: 'Can it pay for base costs already in the council budget?' })
      .getByLabel(baseCostsEligible ? 'Yes' : 'No', { exact: true })
      .check()
    await this.press('Save changes', 'funding-stream-edited')
  }

  async changePartnerName(from: string, to: string): Promise<void> {
    await this.goto('/partners', 'partners')
    await this.rowLink(`Change ${from}`, 'partner-edit')
    await this.field('Name').fill(to)
    await this.press('Save changes', 'partner-edited')
  }
}
