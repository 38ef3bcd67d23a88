import assert from 'node:assert/strict'
import { BasePage } from '../../helpers/browser.ts'

/** "API tokens": create a token (shown once), list and revoke. */
export class TokenPages extends BasePage {
  async open(): Promise<void> {
    await this.goto('/account/tokens', 'tokens')
    assert.equal(await this.heading(), 'API tokens')
  }

  /** Creates a token and returns it as the page shows it, the one time it does. */
  async create(name: string): Promise<string> {
    await this.field('Token name').fill(name)
    await this.press('Create token', 'tokens-created')
    assert.match((await this.page.locator('.govuk-panel').textContent()) ?? '', /Token created/)
    const token = await this.page.getByLabel(`Your new token: ${name}`).inputValue()
    assert.ok(token.length >= 20, 'the new token is shown')
    return token
  }

  async revoke(name: string): Promise<void> {
    await this.press(`Revoke ${name}`, 'tokens-revoked')
  }
}
