/**
 * The floors of the public-site benchmarks, served by a bare Fastify with no plugins:
 *  - GET /programme renders the public programme template with the same context the app gives it, computed
 *    once at start-up: a bare GOV.UK Frontend page render, without per-request reads, headers or hooks;
 *  - GET /spend.csv streams the published programme's spend rows (the app's spend query, without the
 *    threshold's paging) through the raw driver, in chunks of whole rows.
 * Run by bench/public.ts and bench/open-data.ts: DATABASE_URL=… PORT=… PROGRAMME_ID=… node --import tsx bench/public-floor.ts
 */
import { Readable } from 'node:stream'
import Fastify from 'fastify'
import { loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/database.ts'
import { PUBLISHED_TYPES } from '../src/modules/public/publication.rules.ts'
import { createViewEnvironment } from '../src/plugins/views.ts'
import { createServices } from '../src/services.ts'
import { SLUG } from './public-workload.ts'

const config = loadConfig({ ...process.env, DEMO: 'false', LOG_LEVEL: 'silent' })
const database = openDatabase(config.database)
const services = createServices(database, config)
const { site: publicSite } = services.publicSite
const programmeId = Number(process.env.PROGRAMME_ID)

const site = await publicSite.site(await publicSite.head(SLUG, 'programmes'))
const [programme] = await publicSite.programmes(site, programmeId)
if (!programme) throw new Error(`Programme ${programmeId} is not published`)
const home = `${config.publicBasePath}/${SLUG}`
const open = await services.publicSubscriptions.organisationOpenTo(SLUG)
const context = {
  subscribeUrl: open ? `${home}/subscribe` : null,
  cspNonce: 'floor',
  organisation: site.organisation,
  brand: site.brand,
  home,
  sections: PUBLISHED_TYPES.filter((t) => site.types.includes(t.value)).map((t) => t.value),
  updatedAt: site.updatedAt,
  title: programme.name,
  programme,
}
const views = createViewEnvironment()
views.addGlobal('publicBase', config.publicBasePath)

const spend = database.sqlite?.prepare(`
  select p.reference as programme, j.reference as project, t.period, t.transaction_date,
    t.supplier_name, t.expense_type, t.amount_pence
  from ledger_transactions t join projects j on j.id = t.project_id join programmes p on p.id = j.programme_id
  where t.organisation_id = ? and (t.amount_pence >= ? or t.amount_pence <= -?) order by t.id`)
const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)

const app = Fastify({ logger: false })
app.get('/programme', async (_request, reply) =>
  reply.type('text/html; charset=utf-8').send(views.render('public/views/programme.njk', context)),
)
app.get('/spend.csv', async (_request, reply) => {
  if (!spend) throw new Error('The spend floor reads SQLite')
  // Rows gathered into chunks of about 64 KiB, as the app sends them (src/web/exports.ts csvStream).
  function* lines() {
    let chunk =
      'programme_reference,project_reference,month,transaction_date,supplier,expense_type,amount\r\n'
    for (const r of spend!.iterate(
      site.organisation.id,
      site.thresholdPence,
      site.thresholdPence,
    ) as Iterable<Record<string, string | number>>) {
      chunk += `${quote(String(r.programme))},${quote(String(r.project))},${r.period},${r.transaction_date},${quote(String(r.supplier_name))},${quote(String(r.expense_type))},${(Number(r.amount_pence) / 100).toFixed(2)}\r\n`
      if (chunk.length >= 65_536) {
        yield chunk
        chunk = ''
      }
    }
    yield chunk
  }
  return reply.type('text/csv; charset=utf-8').send(Readable.from(lines()))
})
await app.listen({ port: Number(process.env.PORT ?? 3299), host: '127.0.0.1' })
process.stdout.write('public floor ready\n')
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0))
})
