import assert from 'node:assert/strict'
import { BasePage } from '../../helpers/browser.ts'

/** Panel progress reports: prepare, preview, add areas for consideration, submit and freeze. */
export class ReportsPages extends BasePage {
  async prepare(r: { programme: string; period: string; title: string; summary: string }): Promise<void> {
    await this.goto('/reports', 'reports')
    assert.equal(await this.heading(), 'Panel progress reports')
    await this.follow('Prepare a report', 'report-new')
    await this.field('Programme').selectOption({ label: r.programme })
    await this.field('Reporting period').selectOption({ label: r.period })
    await this.field('Title').fill(r.title)
    await this.field('Summary').fill(r.summary)
    await this.press('Save draft report', 'report-draft')
  }

  async addArea(text: string, owner: RegExp): Promise<void> {
    await this.field('Add an area for consideration').fill(text)
    const select = this.field('Owner')
    const label = (await select.locator('option').allTextContents()).find((o) => owner.test(o))
    assert.ok(label, `an owner matching ${owner}`)
    await select.selectOption({ label })
    await this.press('Add area', 'report-with-area')
  }

  async submit(): Promise<void> {
    await this.press('Submit and freeze report', 'report-submitted')
  }

  /** The content hash in the report's summary list. */
  async contentHash(): Promise<string> {
    const row = this.page.locator('.govuk-summary-list__row', { hasText: 'Content hash (SHA-256)' })
    return ((await row.locator('dd').textContent()) ?? '').trim()
  }

  /** The text of the paper as previewed on the page. */
  async paperText(): Promise<string> {
    return ((await this.page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ')
  }
}
