import assert from 'node:assert/strict'
import { BasePage } from '../../helpers/browser.ts'

export interface BudgetLineDetails {
  year: string
  category: 'Revenue' | 'Capital'
  stream: string
  costType: string
  description: string
  amount: string
  profile: 'Flat' | 'Front-loaded' | 'By hand'
}

/** The finance pages: funding streams, a project's finance, its forms, and the programme summary. */
export class FinancePages extends BasePage {
  async addFundingStream(name: string, baseCostsEligible: boolean): Promise<void> {
    await this.goto('/funding-streams', 'funding-streams')
    await this.follow('Add a funding stream', 'funding-stream-new')
    await this.field('Name').fill(name)
    await this.page.getByRole('group', { name: 'Kind of funding' }).getByLabel('Named funding stream').check()
    await this.field('What it may pay for').fill('Costs above core budgets only')
    await this.page
      .getByRole('group', { name: 'Can it pay for base costs already in the council budget?' })
      .getByLabel(baseCostsEligible ? 'Yes' : 'No', { exact: true })
      .check()
    await this.press('Save funding stream', 'funding-streams-saved')
    assert.ok((await this.flash()).includes(`Funding stream ${name} added`))
  }

  async openProjectFinance(projectId: number, year: string, name: string): Promise<void> {
    await this.goto(`/projects/${projectId}/finance?year=${year}`, name)
  }

  async addBudgetLine(projectId: number, line: BudgetLineDetails, name: string): Promise<void> {
    await this.goto(`/projects/${projectId}/budget-lines/new`, `${name}-form`)
    await this.field('Financial year').fill(line.year)
    await this.page
      .getByRole('group', { name: 'Category' })
      .getByLabel(line.category, { exact: true })
      .check()
    await this.field('Funding stream').selectOption({ label: line.stream })
    await this.field('Cost type').selectOption({ label: line.costType })
    await this.field('Description').fill(line.description)
    await this.field('Amount').fill(line.amount)
    await this.page
      .getByRole('group', { name: 'How is it spread across the year?' })
      .getByLabel(line.profile, { exact: true })
      .check()
    await this.press('Save budget line', name)
  }

  async recordForecast(projectId: number, year: string, month: string, amount: string): Promise<void> {
    await this.goto(`/projects/${projectId}/finance/forecast?year=${year}`, 'forecast-form')
    await this.field('Month of the forecast').selectOption({ label: month })
    await this.field('Forecast outturn for the year').fill(amount)
    await this.field('Note').fill('Web developer recharge extended')
    await this.press('Record forecast', 'forecast-saved')
  }

  async signOff(projectId: number, year: string, month: string, explanation: string): Promise<void> {
    await this.goto(`/projects/${projectId}/finance/sign-off?year=${year}`, 'sign-off-form')
    await this.field('Month').selectOption({ label: month })
    await this.page.getByLabel('I confirm the forecast outturn for this month').check()
    await this.field('Variance explanation').fill(explanation)
    await this.press('Sign off', 'sign-off-saved')
  }

  /** Adds a purchase order from the project finance page's link and lands back on that page. */
  async addCommitment(supplier: string, reference: string, amount: string): Promise<void> {
    await this.follow('Add a commitment', 'commitment-form')
    await this.field('Supplier').fill(supplier)
    await this.field('Purchase order number').fill(reference)
    await this.field('Amount ordered').fill(amount)
    await this.fillDate('Date raised', '2', '6', '2025')
    await this.press('Save commitment', 'commitment-saved')
  }

  async markInvoiced(reference: string): Promise<void> {
    await this.press(`Mark invoiced order ${reference}`, 'commitment-invoiced')
  }

  /** The Finance item in the header leads to the finance front page. */
  async openFinanceHome(): Promise<void> {
    await this.page
      .locator('.govuk-header__navigation')
      .getByRole('link', { name: 'Finance', exact: true })
      .click()
    await this.checkPage('finance-home')
  }

  async mainText(): Promise<string> {
    return ((await this.page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ')
  }
}
