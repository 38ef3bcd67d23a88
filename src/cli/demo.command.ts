import { demoSignInLines, loadDemoIfEmpty } from '../demo/demo.service.ts'
import { CliError, type Command } from './cli-support.ts'

export const demoLoad: Command = {
  name: 'demo load',
  summary: 'Load the demonstration scenario into an empty database.',
  usage: 'demo load',
  description:
    'The scenario retells a council ICT and Digital Work Programme from a public scrutiny minute:\n' +
    'Marshland District Council, its programme, projects, milestones and monthly status reports, and a\n' +
    'neighbouring council, Brecks, with its own programme. The password for every demo account is\n' +
    'DEMO_PASSWORD, or one generated and printed now. It refuses a database that already holds\n' +
    'organisations, so demonstration data never mixes with real records.',
  options: {},
  async run(ctx) {
    const { db } = await ctx.database({ create: true, migrate: true })
    const existing = await db.selectFrom('organisations').select('slug').orderBy('slug').execute()
    if (existing.length > 0) {
      const slugs = existing.map((o) => o.slug)
      throw new CliError(
        `The demo was not loaded: the database already holds ${slugs.length} organisation${slugs.length === 1 ? '' : 's'} ` +
          `(${slugs.slice(0, 5).join(', ')}${slugs.length > 5 ? ', …' : ''}), and the demo only goes into an empty ` +
          'database so that it never mixes with real records. Point DATABASE_URL at a new database to try it.',
      )
    }
    const started = Date.now()
    const result = await loadDemoIfEmpty(db, ctx.config.demoPassword)
    if (!result.loaded)
      throw new CliError('The demo was not loaded: the database stopped being empty while loading')
    ctx.out(`Demo scenario loaded in ${((Date.now() - started) / 1000).toFixed(1)} s.`)
    for (const line of demoSignInLines(result, ctx.config.baseUrl)) ctx.out(line)
  },
}
