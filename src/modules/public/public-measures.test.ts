import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { publicDecisionMaker } from './public-measures.ts'

describe('who takes a key decision, as the public forward plan names them', () => {
  const entry = (
    decision_maker: string,
    decision_maker_role: string | null,
    board_id: number | null = null,
  ) => ({
    decision_maker,
    decision_maker_role,
    board_id,
  })
  it('names a board, and the Portfolio Holder by name and office, once', () => {
    assert.equal(publicDecisionMaker(entry('Cabinet', null, 3)), 'Cabinet')
    assert.equal(
      publicDecisionMaker(entry('Cllr Ann Hale', 'portfolio_holder')),
      'Cllr Ann Hale, Portfolio Holder',
    )
    assert.equal(
      publicDecisionMaker(entry('Cllr Ann Hale, Portfolio Holder for Resources', 'portfolio_holder')),
      'Cllr Ann Hale, Portfolio Holder for Resources',
    )
  })
  it('names no officer: a role, or the council', () => {
    assert.equal(publicDecisionMaker(entry('Jo Park', 'programme_manager')), 'An officer (Programme manager)')
    assert.equal(publicDecisionMaker(entry('Someone who left', null)), 'An officer of the council')
  })
})
