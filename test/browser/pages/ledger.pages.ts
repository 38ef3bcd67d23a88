import assert from 'node:assert/strict'
import { BasePage } from '../../helpers/browser.ts'

/** The ledger import wizard, the suspense list and the cost mapping rules. */
export class LedgerPages extends BasePage {
  async openImports(): Promise<void> {
    await this.goto('/finance/imports', 'ledger-imports')
    assert.equal(await this.heading(), 'Ledger imports')
  }

  /** Uploads a file; lands on the import page once it has been checked. */
  async upload(file: string, layout?: string): Promise<void> {
    await this.follow('Import a ledger file', 'ledger-upload')
    await this.field('Ledger file').setInputFiles(file)
    if (layout) await this.field('Column layout').selectOption({ label: layout })
    await this.press('Upload and check', 'ledger-import')
  }

  async mapColumns(name: string, columns: Record<string, string>): Promise<void> {
    await this.follow('map its columns', 'ledger-mapping')
    await this.field('Name for this layout').fill(name)
    for (const [label, heading] of Object.entries(columns))
      await this.field(label).selectOption({ label: heading })
    await this.press('Save the mapping and check the file', 'ledger-preview')
  }

  async summary(key: string): Promise<string> {
    const row = this.page.locator('.govuk-summary-list__row', {
      has: this.page.locator('dt', { hasText: key }),
    })
    return ((await row.locator('dd').first().textContent()) ?? '').replace(/\s+/g, ' ').trim()
  }

  async assignFirstSuspense(project: string): Promise<void> {
    await this.goto('/finance/suspense', 'ledger-suspense')
    const form = this.page.locator('main form[action^="/finance/transactions/"]').first()
    await form.locator('select').selectOption({ label: project })
    await form.getByRole('button').click()
    await this.checkPage('ledger-suspense-assigned')
  }
}
