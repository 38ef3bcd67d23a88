import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import fc from 'fast-check'
import { parseMoney } from '../../domain/money.ts'
import { guessDelimiter, numberCellText, readRows, sniff } from '../../imports/file-reader.ts'
import { parseLedgerAmount, parseLedgerDate, recogniseHeadings } from './ledger.formats.ts'
import { interpretRows, NotALedgerError, type RowOutcome } from './ledger.rows.ts'

const dir = mkdtempSync(path.join(tmpdir(), 'ledger-unit-'))
after(() => rmSync(dir, { recursive: true, force: true }))

function value<T>(r: { ok: true; value: T } | { ok: false; reason: string }): T {
  assert.ok(r.ok, r.ok ? '' : r.reason)
  return r.value
}

describe('ledger dates', () => {
  it('reads the forms finance systems export', () => {
    assert.equal(value(parseLedgerDate('25/06/2025')), '2025-06-25')
    assert.equal(value(parseLedgerDate('25.06.2025')), '2025-06-25')
    assert.equal(value(parseLedgerDate('5-6-2025')), '2025-06-05')
    assert.equal(value(parseLedgerDate('2025-06-25')), '2025-06-25')
    assert.equal(value(parseLedgerDate('01-JUN-2012')), '2012-06-01')
    assert.equal(value(parseLedgerDate('2025-06-25 00:00:00')), '2025-06-25')
  })
  it('refuses what it would have to guess, saying why', () => {
    const r = parseLedgerDate('31/02/2025')
    assert.ok(!r.ok && /not a real date/.test(r.reason))
    const y = parseLedgerDate('25/06/25')
    assert.ok(!y.ok && /two-digit year/.test(y.reason))
    const run = parseLedgerDate('25/06/2012900')
    assert.ok(!run.ok && /run together/.test(run.reason))
    assert.ok(!parseLedgerDate('').ok)
    assert.ok(!parseLedgerDate('07. Sep').ok)
  })
  it('is day-first for any real day (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }),
        (d) => {
          const iso = d.toISOString().slice(0, 10)
          const [y, m, day] = iso.split('-')
          assert.equal(value(parseLedgerDate(`${day}/${m}/${y}`)), iso)
          assert.equal(value(parseLedgerDate(`${day}.${m}.${y}`)), iso)
          assert.equal(value(parseLedgerDate(iso)), iso)
        },
      ),
    )
  })
})

describe('ledger amounts', () => {
  it('reads pounds, separators, brackets and minus signs into pence', () => {
    assert.equal(value(parseLedgerAmount('£1,234.56')), 123456)
    assert.equal(value(parseLedgerAmount('1534.2')), 153420)
    assert.equal(value(parseLedgerAmount('(12.50)')), -1250)
    assert.equal(value(parseLedgerAmount('-£12.50')), -1250)
    assert.equal(value(parseLedgerAmount('12.50-')), -1250)
    assert.equal(value(parseLedgerAmount('12.50 CR')), -1250)
    assert.equal(value(parseLedgerAmount(' 900 ')), 90000)
  })
  it('refuses what is not money', () => {
    for (const bad of ['', 'NA', '12.345', '1,23', '12..5', '£', 'PRIVATE RESIDENTIAL CARE']) {
      assert.ok(!parseLedgerAmount(bad).ok, bad)
    }
  })
  it('refuses an amount of £100,000,000,000 or more, in any form a ledger writes it', () => {
    for (const big of [
      '9,999,999,999,999.99',
      '9999999999999.99',
      '100000000000',
      '(100000000000.00)',
      '1e308',
    ]) {
      const r = parseLedgerAmount(big)
      assert.ok(!r.ok, big)
      if (big !== '1e308')
        assert.match(r.reason, /less than £100,000,000,000|more than -£100,000,000,000/, big)
    }
    assert.equal(value(parseLedgerAmount('99999999999.99')), 9_999_999_999_999)
    assert.equal(value(parseLedgerAmount('99,999,999,999.99 CR')), -9_999_999_999_999)
  })
  it('never gains or loses a penny (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.boolean(), (pence, grouped) => {
        const abs = Math.abs(pence)
        const pounds = Math.floor(abs / 100)
        const whole = grouped ? pounds.toLocaleString('en-GB') : String(pounds)
        const text = `${whole}.${String(abs % 100).padStart(2, '0')}`
        assert.equal(value(parseLedgerAmount(pence < 0 ? `(£${text})` : `£${text}`)), pence)
        assert.equal(value(parseLedgerAmount(pence < 0 ? `-${text}` : text)), pence)
      }),
    )
  })
  it('takes a spreadsheet number as the decimal that was typed', () => {
    assert.equal(numberCellText(1534.2399999999998), '1534.24')
    assert.equal(numberCellText(0.1 + 0.2), '0.30')
    assert.equal(numberCellText(900), '900')
  })
})

describe('the quick reading of plain dates and amounts', () => {
  // parseLedgerDate and parseLedgerAmount read the common forms digit by digit; they must agree with the
  // general reading (dates: the same text with a time after it; amounts: parseMoney) for every input.
  it('reads dd/mm/yyyy exactly as the general date reading does (property)', () => {
    const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'))
    fc.assert(
      fc.property(two, two, fc.integer({ min: 0, max: 9999 }), (d, m, y) => {
        const text = `${d}/${m}/${String(y).padStart(4, '0')}`
        const quick = parseLedgerDate(text)
        const general = parseLedgerDate(`${text} 00:00`)
        assert.equal(quick.ok, general.ok, text)
        if (quick.ok && general.ok) assert.equal(quick.value, general.value)
        if (!quick.ok) assert.match(quick.reason, /not a real date/)
      }),
    )
  })
  it('reads plain amounts exactly as parseMoney does (property)', () => {
    const amount = fc
      .tuple(
        fc.constantFrom('', '-', '('),
        fc.stringMatching(/^\d{0,16}$/),
        fc.constantFrom('', '.', '.5', '.05', '.50', '.505'),
        fc.constantFrom('', ')', '-'),
      )
      .map(([a, b, c, d]) => a + b + c + d)
    fc.assert(
      fc.property(amount, (text) => {
        const r = parseLedgerAmount(text)
        const credit = text.endsWith('-') && !text.startsWith('-') && !text.startsWith('(')
        const expected = parseMoney(credit ? text.slice(0, -1) : text)
        const want = expected === null ? null : credit ? -expected : expected
        assert.equal(r.ok ? r.value : null, want, text)
      }),
      { numRuns: 500 },
    )
    assert.equal(value(parseLedgerAmount('(12.50)')), -1250)
    assert.equal(value(parseLedgerAmount('1234.5')), 123450)
  })
})

describe('headings and delimiters', () => {
  it('recognises the LGA spend schema and older council headings, and not a project list', () => {
    const lga = recogniseHeadings(
      'OrganisationLabel,OrganisationURI,EffectiveDate,OrganisationalUnit,BeneficiaryName,BeneficiaryOtherID,PaymentDate,TransactionNumber,Amount,IrrecoverableVATAmount,Purpose,ProclassLabel,ProclassCode,InvoiceNumber,ProfitCentre,VATRegistrationNumber'.split(
        ',',
      ),
    )
    assert.equal(lga?.layout, 'LGA spend schema')
    assert.equal(lga?.columns.date, 6)
    assert.equal(lga?.columns.costCentre, 14)
    const lambeth = recogniseHeadings([
      'Body',
      'Department',
      'Supplier Name',
      'Invoice Creation Date',
      'Invoice Nett Amount',
      'Subj Description',
    ])
    assert.deepEqual(lambeth?.columns, { date: 3, amount: 4, supplier: 2, description: 5, serviceArea: 1 })
    assert.equal(recogniseHeadings(['project_name', 'start_date', 'end_date', 'total_baseline']), null)
  })
  it('guesses the delimiter the lines agree on', () => {
    assert.equal(guessDelimiter('a;b;c\n1;"x, y";3\n'), ';')
    assert.equal(guessDelimiter('a,b,c\n1,2,3\n'), ',')
  })
})

async function readAll(
  file: string,
): Promise<{ outcomes: RowOutcome[]; layout: string; headingLine: number }> {
  const shape = await sniff(file)
  const outcomes: RowOutcome[] = []
  let layout = ''
  let headingLine = 0
  for await (const o of interpretRows(readRows(file, shape), {}, (l) => {
    layout = l.layout
    headingLine = l.headingLine
  }))
    outcomes.push(o)
  return { outcomes, layout, headingLine }
}

describe('reading dirty files', () => {
  it('reads Windows-1252, semicolons, a preamble, CR line ends and a multi-line quoted cell', async () => {
    const text =
      'Spend report\r\nRun on 01.07.2025\r\n\r\nPayment Date;Supplier Name;Amount;Description\r' +
      '02.06.2025;Caf\u00e9 Ltd;£1.234,00;x\n' +
      '03.06.2025;Smith & Co;"(12.50)";"two\r\nlines"\r\n' +
      '04.06.2025;Jones;£99.99;ok\n'
    // "£1.234,00" is continental: refused, not misread as £1.23.
    const file = path.join(dir, 'w1252.csv')
    writeFileSync(file, Buffer.from(text, 'latin1'))
    const { outcomes, headingLine } = await readAll(file)
    assert.equal(headingLine, 4)
    assert.equal(outcomes.length, 3)
    assert.equal(outcomes[0]!.kind, 'bad')
    assert.equal(outcomes[0]!.kind === 'bad' && outcomes[0]!.line, 5)
    const [, credit, last] = outcomes
    assert.ok(credit?.kind === 'good' && last?.kind === 'good')
    assert.equal(credit.row.amountPence, -1250)
    assert.equal(credit.row.description, 'two lines')
    assert.equal(credit.row.line, 6)
    assert.equal(last.row.line, 8)
    assert.equal(last.row.supplier, 'Jones')
  })
  it('reads UTF-8 with a byte order mark', async () => {
    const file = path.join(dir, 'bom.csv')
    writeFileSync(file, '\uFEFFPaymentDate,BeneficiaryName,Amount\n2025-04-01,Café Ltd,"1,000.00"\n')
    const { outcomes } = await readAll(file)
    assert.equal(outcomes[0]?.kind === 'good' && outcomes[0].row.supplier, 'Café Ltd')
    assert.equal(outcomes[0]?.kind === 'good' && outcomes[0].row.amountPence, 100000)
    assert.equal(outcomes[0]?.kind === 'good' && outcomes[0].row.financialYear, '2025/26')
  })
  it('says a file with no ledger headings is not a ledger', async () => {
    const file = path.join(dir, 'not.csv')
    writeFileSync(file, 'project_name;start_date;end_date\nA;2020-01-01;2021-01-01\n')
    await assert.rejects(
      readAll(file),
      (err: unknown) => err instanceof NotALedgerError && /not look like a ledger/.test(err.message),
    )
  })
  it('gives identical rows different keys within a file, and the same keys on a second read', async () => {
    const file = path.join(dir, 'same.csv')
    writeFileSync(file, 'Date,Supplier,Amount\n01/06/2025,A,10.00\n01/06/2025,A,10.00\n')
    const one = (await readAll(file)).outcomes.map((o) => (o.kind === 'good' ? o.row.dedupeKey : ''))
    const two = (await readAll(file)).outcomes.map((o) => (o.kind === 'good' ? o.row.dedupeKey : ''))
    assert.notEqual(one[0], one[1])
    assert.deepEqual(one, two)
  })
  it('never throws on garbage (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        const file = path.join(dir, 'garbage.bin')
        writeFileSync(file, Buffer.concat([Buffer.from('Date,Amount\n'), Buffer.from(bytes)]))
        try {
          await readAll(file)
        } catch (err) {
          assert.ok(err instanceof Error && /line|ledger|workbook/i.test(err.message), String(err))
        }
      }),
      { numRuns: 60 },
    )
  })
})
