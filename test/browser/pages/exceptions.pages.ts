import assert from 'node:assert/strict'
import { BasePage } from '../../helpers/browser.ts'

export interface ExceptionReport {
  cause: string
  impact: string
  options: string
  recommendation: string
}

/** Notifications, tolerance exceptions, their reports and the board's decision. */
export class ExceptionPages extends BasePage {
  /** The header's notifications link, with its unread count. */
  async headerNotifications(): Promise<string> {
    const text = await this.page
      .locator('.govuk-header__navigation-list a[href="/notifications"]')
      .textContent()
    return (text ?? '').replace(/\s+/g, ' ').trim()
  }

  async openNotification(title: RegExp): Promise<void> {
    await this.goto('/notifications', 'notifications')
    await this.page.getByRole('link', { name: title }).first().click()
    await this.checkPage('exception')
  }

  async writeReport(r: ExceptionReport): Promise<void> {
    await this.follow('Write the exception report', 'report-form')
    for (const [label, value] of Object.entries({
      Cause: r.cause,
      Impact: r.impact,
      Options: r.options,
      Recommendation: r.recommendation,
    }))
      await this.field(label).fill(value)
    await this.press('Save the exception report', 'exception-reported')
  }

  async submitEmptyReport(): Promise<string[]> {
    await this.follow('Write the exception report', 'report-form')
    await this.press('Save the exception report', 'report-form-errors')
    const errors = await this.errorMessages()
    await this.page.goBack()
    await this.page.goBack()
    await this.checkPage('exception-again')
    return errors
  }

  async recordDecision(outcome: string, reasons: string): Promise<void> {
    await this.follow("Record the board's decision", 'decision-form')
    await this.page
      .getByRole('group', { name: 'What did the board decide?' })
      .getByLabel(outcome, { exact: true })
      .check()
    await this.field('Reasons').fill(reasons)
    await this.press('Record the decision', 'exception-decided')
    assert.match(await this.flash(), new RegExp(`Decision recorded: ${outcome}`))
  }
}
