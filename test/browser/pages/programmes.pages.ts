import assert from 'node:assert/strict'
import { BasePage } from '../../helpers/browser.ts'

export interface ProgrammeDetails {
  reference: string
  name: string
  purpose: string
  sro: string
  portfolioHolder: string
  /** Day, month, year as someone types them. */
  start: [string, string, string]
  end: [string, string, string]
}

/** The programme pages: list, add/edit form, the programme itself and its change history. */
export class ProgrammePages extends BasePage {
  async openList(): Promise<void> {
    await this.goto('/programmes', 'programmes')
    assert.equal(await this.heading(), 'Programmes')
  }

  async startAdding(): Promise<void> {
    await this.follow('Add a programme', 'programme-new')
    assert.equal(await this.heading(), 'Add a programme')
  }

  async fillForm(p: ProgrammeDetails): Promise<void> {
    await this.field('Reference').fill(p.reference)
    await this.field('Programme name').fill(p.name)
    await this.field('Purpose').fill(p.purpose)
    await this.field('Senior Responsible Owner').fill(p.sro)
    // An owner is a person of the register: a name not in its list is typed, and added to it on saving.
    await this.page
      .getByRole('group', { name: 'Portfolio Holder' })
      .getByLabel('Or add a person not in the list', { exact: true })
      .fill(p.portfolioHolder)
    await this.fillDate('Start date', ...p.start)
    await this.fillDate('End date', ...p.end)
  }

  async save(pageName: string): Promise<void> {
    await this.press('Save programme', pageName)
  }

  /** The value beside a label in the programme's summary list. */
  async summary(key: string): Promise<string> {
    const row = this.page.locator('.govuk-summary-list__row', {
      has: this.page.locator('.govuk-summary-list__key', { hasText: key }),
    })
    const text = await row.locator('.govuk-summary-list__value').first().textContent()
    return (text ?? '').replace(/\s+/g, ' ').trim()
  }

  async edit(): Promise<void> {
    await this.follow('Edit programme', 'programme-edit')
  }

  async openHistory(): Promise<void> {
    await this.follow('View change history', 'programme-history')
  }
}
