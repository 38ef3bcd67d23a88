import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isIndividual, publicSupplier, REDACTED } from './spend-redaction.rules.ts'

describe('redacting payments to individuals in the public spend data', () => {
  it('keeps organisations by their legal form or an organisation word', () => {
    for (const name of [
      'Civica UK Ltd',
      'Goss Interactive Limited',
      'Marshland District Council',
      'Smith & Sons',
      'Norfolk Digital Services',
    ])
      assert.equal(isIndividual(name), false, name)
  })
  it('redacts a name with no mark of an organisation (an acronym too: the safe way round), and a blank one', () => {
    for (const name of ['Jane Smith', 'Mr J Smith', 'PSPS', '', '  '])
      assert.equal(publicSupplier(name), REDACTED, name)
  })
})
