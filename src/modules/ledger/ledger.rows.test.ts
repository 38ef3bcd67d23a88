/**
 * The content hash is stored with every payment and compared on every re-import: however it is worked
 * out, it must give the same digest as it always has, or a file imported again would show every payment
 * as changed.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { contentHashOf } from './ledger.rows.ts'

/** The digest as first defined: each text field lower-cased on its own, the fields joined by U+001F. */
function asFirstDefined(row: Parameters<typeof contentHashOf>[0]): string {
  const parts = [
    row.reference ?? '',
    row.date,
    String(row.amountPence),
    row.supplier.toLowerCase(),
    row.description.toLowerCase(),
    row.costCentre.toLowerCase(),
    row.accountCode.toLowerCase(),
    row.expenseType.toLowerCase(),
    row.serviceArea.toLowerCase(),
  ]
  return createHash('sha256').update(parts.join('\u001f')).digest('hex').slice(0, 40)
}

// Letters whose lower case depends on what is around them (final sigma) or changes length (İ), and
// characters that are case-ignorable, beside plain ones.
const char = fc.constantFrom('a', 'Z', ' ', 'Σ', 'ς', 'İ', 'ẞ', "'", '’', '.', '\u0301', 'É', '1', '\u001f')
const text = fc.string({ unit: char, maxLength: 8 })

describe('the content hash of a payment', () => {
  it('is the digest it was first defined as, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.option(text, { nil: null }),
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.array(text, { minLength: 6, maxLength: 6 }),
        (
          reference,
          amountPence,
          [supplier, description, costCentre, accountCode, expenseType, serviceArea],
        ) => {
          const row = {
            reference,
            date: '2025-04-01',
            period: '2025-04',
            financialYear: '2025/26',
            amountPence,
            supplier: supplier!,
            description: description!,
            costCentre: costCentre!,
            accountCode: accountCode!,
            expenseType: expenseType!,
            serviceArea: serviceArea!,
          }
          assert.equal(contentHashOf(row), asFirstDefined(row))
        },
      ),
      { numRuns: 3000 },
    )
  })
})
