import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { gapsOf, readPartyKey, validateAsset, type AssetInput } from './responsibilities.rules.ts'

const teams = new Set(['Digital', 'Revenues and Benefits'])
const base: AssetInput = {
  name: 'Council tax pages',
  kind: 'content',
  status: 'live',
  description: '',
  responsibilities: [],
  projectIds: [],
  riskIds: [],
}
const team = (name: string, role: string) => ({
  role,
  party: 'team',
  team: name,
  personId: null,
  partnerId: null,
})
const partner = (id: number, role: string) => ({
  role,
  party: 'partner',
  team: null,
  personId: null,
  partnerId: id,
})

describe('responsibility matrix rules', () => {
  it('accepts one accountable party and refuses two', () => {
    assert.deepEqual(
      validateAsset({ ...base, responsibilities: [team('Digital', 'A'), partner(1, 'R')] }, teams),
      {},
    )
    const errors = validateAsset(
      { ...base, responsibilities: [team('Digital', 'A'), partner(1, 'A')] },
      teams,
    )
    assert.match(errors.responsibilities ?? '', /only one accountable/)
  })

  it('names the row of an unknown team, a repeated party or a missing letter', () => {
    const errors = validateAsset(
      {
        ...base,
        responsibilities: [team('Digitl', 'R'), partner(1, 'R'), partner(1, 'C'), team('Digital', '')],
      },
      teams,
    )
    assert.match(errors['responsibilities-0'] ?? '', /team from the list/)
    assert.equal(errors['responsibilities-1'], undefined)
    assert.match(errors['responsibilities-2'] ?? '', /already in the matrix/)
    assert.match(errors['responsibilities-3'] ?? '', /responsible, accountable/)
  })

  it('reads only the party keys the form offers', () => {
    assert.deepEqual(readPartyKey('team:Revenues and Benefits'), {
      party: 'team',
      team: 'Revenues and Benefits',
      personId: null,
      partnerId: null,
    })
    assert.equal(readPartyKey('person:abc'), null)
    assert.equal(readPartyKey('council:1'), null)
  })

  it('flags content no service area owns, and any asset without an accountable owner', () => {
    const code = (kind: string, rows: Array<{ role: string; party_kind: string }>, status = 'live') =>
      gapsOf({ kind, status }, rows).map((g) => g.code)
    assert.deepEqual(code('content', [{ role: 'R', party_kind: 'partner' }]), [
      'no-accountable',
      'no-service-owner',
    ])
    assert.deepEqual(
      code('content', [
        { role: 'A', party_kind: 'partner' },
        { role: 'R', party_kind: 'team' },
      ]),
      [],
    )
    // Infrastructure is the partner's to run: only the accountable owner is asked for.
    assert.deepEqual(code('infrastructure', [{ role: 'A', party_kind: 'partner' }]), [])
    assert.deepEqual(code('content', [], 'retired'), [])
  })
})
