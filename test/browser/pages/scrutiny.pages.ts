import assert from 'node:assert/strict'
import { BasePage } from '../../helpers/browser.ts'

/** The scrutiny loop: an agenda item, a recommendation made there, the addressee's response, the follow-up. */
export class ScrutinyPages extends BasePage {
  async recordRecommendation(
    itemPath: string,
    r: { reference: string; text: string; addressee: string },
  ): Promise<void> {
    await this.goto(itemPath, 'agenda-item')
    await this.follow('Record a recommendation', 'recommendation-new')
    await this.field('Reference').fill(r.reference)
    await this.page
      .getByRole('group', { name: 'Recommendation or request' })
      .getByLabel('Request', { exact: true })
      .check()
    await this.field('What the panel recommends or asks for').fill(r.text)
    await this.page
      .getByRole('group', { name: 'Addressed to' })
      .getByLabel('Portfolio Holder', { exact: true })
      .check()
    await this.field('Person who must respond').selectOption({ label: r.addressee })
    await this.press('Record recommendation', 'recommendation')
  }

  async respond(
    reference: string,
    response: string,
    reasons: string,
    on: [string, string, string],
  ): Promise<void> {
    await this.goto('/scrutiny', 'scrutiny-dashboard')
    await this.follow('See what is awaiting your response', 'awaiting-response')
    await this.follow(reference, 'recommendation-awaiting')
    await this.follow('Respond to this request', 'respond')
    await this.page
      .getByRole('group', { name: 'Your response' })
      .getByLabel(response, { exact: true })
      .check()
    await this.field('Reasons').fill(reasons)
    await this.fillDate('Date of the response', ...on)
    await this.press('Send response', 'recommendation-responded')
  }

  async followUp(recommendationPath: string, itemLabel: string): Promise<void> {
    await this.goto(recommendationPath, 'recommendation-before-follow-up')
    await this.field('Agenda item that followed it up').selectOption({ label: itemLabel })
    await this.press('Record follow-up', 'recommendation-followed-up')
  }

  async summaryValue(key: string): Promise<string> {
    const row = this.page.locator('.govuk-summary-list__row', {
      has: this.page.locator('dt', { hasText: new RegExp(`^\\s*${key}\\s*$`) }),
    })
    assert.equal(await row.count(), 1, `one "${key}" row`)
    return ((await row.locator('dd').textContent()) ?? '').replace(/\s+/g, ' ').trim()
  }
}
