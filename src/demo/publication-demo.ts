import { demoInserter } from './demo-insert.ts'
import type { DemoContext } from './extensions.ts'

/**
 * Issue 12: Marshland publishes its ICT programme and its projects' delivery confidence, the ambitions it
 * serves, the projects' outputs and the indicators that measure them, its scrutiny
 * meetings (the 18 March 2021 panel among them) with their minutes and resolutions, the recommendation tracker
 * with the Portfolio Holder's responses, the programme's spend over £500 and its forward plan of key
 * decisions. Brecks publishes nothing, so
 * its public site does not exist.
 */
export async function publicationDemo({ trx, organisationId, now }: DemoContext) {
  const add = demoInserter(trx, organisationId, now)
  await add('publication_settings', 'publication', {
    published_types: JSON.stringify([
      'programmes',
      'ambitions',
      'outputs',
      'indicators',
      'meetings',
      'recommendations',
      'spend',
      'forward-plan',
    ]),
    cost_threshold_pence: 50_000,
  })
}
