/**
 * A year of one council's spend in the LGA spend schema, deterministically: 250,000 rows are about
 * 60 MB, the size of a real annual file. Used by bench/import.ts and the SIGKILL test.
 *   npx tsx bench/generate-ledger.ts [--rows 250000] [--out bench/out/ledger-250k.csv]
 */
import { createWriteStream, mkdirSync } from 'node:fs'
import path from 'node:path'
import { once } from 'node:events'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'

export const LGA_HEADINGS =
  'OrganisationLabel,OrganisationURI,EffectiveDate,OrganisationalUnit,BeneficiaryName,BeneficiaryOtherID,PaymentDate,TransactionNumber,Amount,IrrecoverableVATAmount,Purpose,ProclassLabel,ProclassCode,InvoiceNumber,ProfitCentre,VATRegistrationNumber'

export const UNITS = [
  'Digital and ICT',
  'Adult Social Care',
  'Children’s Services',
  'Housing Needs',
  'Environment and Waste',
  'Finance and Resources',
]
export const SUPPLIERS = [
  'Northgate Public Services (UK) Ltd',
  'Civica UK Ltd',
  'Capita Business Services Ltd',
  'Softcat plc',
  'Microsoft Ltd',
  'Agilisys Ltd',
  'Smith & Sons Builders',
  'Fenland Care Homes Ltd',
  'Anglian Water Services',
]
export const PURPOSES = [
  'Software licences',
  'Consultancy fees',
  'Hardware purchase',
  'Residential care',
  'Building repairs',
  'Web development recharge',
  'Telephony',
  'Cleaning contract',
]
const PROCLASS = [
  'Information Communication Technology',
  'Social Care',
  'Construction',
  'Facilities',
  'Utilities',
]
export const CENTRES = [
  'ICT4410',
  'ICT4420',
  'ICT4430',
  'ASC1001',
  'CHS2002',
  'HSG3003',
  'ENV4004',
  'FIN5005',
]

function rng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Writes `rows` payments from April 2025 to March 2026; about one in 50 is a credit in brackets. */
export async function generateLedger(file: string, rows: number, seed = 42): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true })
  const out = createWriteStream(file)
  const r = rng(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!
  out.write(`${LGA_HEADINGS}\n`)
  let chunk = ''
  for (let i = 1; i <= rows; i++) {
    const day = Math.floor((i - 1) / (rows / 365))
    const d = new Date(Date.UTC(2025, 3, 1) + day * 86_400_000)
    const date = `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`
    const pence = 50_000 + Math.floor(r() * 5_000_000)
    const amount = `${Math.floor(pence / 100)}.${String(pence % 100).padStart(2, '0')}`
    const credit = r() < 0.02
    const supplier = pick(SUPPLIERS)
    const purpose = pick(PURPOSES)
    chunk +=
      `Marshland District Council,http://opendatacommunities.org/id/district-council/marshland,31/03/2026,${pick(UNITS)},` +
      `"${supplier}",SUP${1000 + Math.floor(r() * 9000)},${date},TX${String(i).padStart(8, '0')},` +
      `${credit ? `(${amount})` : amount},0.00,${purpose},${pick(PROCLASS)},${Math.floor(r() * 900000)},INV${i},${pick(CENTRES)},GB${Math.floor(r() * 1e9)}\n`
    if (i % 2000 === 0) {
      if (!out.write(chunk)) await once(out, 'drain')
      chunk = ''
    }
  }
  out.end(chunk)
  await once(out, 'finish')
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { values } = parseArgs({ options: { rows: { type: 'string' }, out: { type: 'string' } } })
  const rows = Number(values.rows ?? 250_000)
  const out = values.out ?? path.join('bench', 'out', `ledger-${rows}.csv`)
  await generateLedger(out, rows)
  process.stdout.write(`${out}\n`)
}
