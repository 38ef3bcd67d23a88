import { createHash } from 'node:crypto'
import { sanitiseSvg } from '../modules/organisation/brand/svg-sanitiser.ts'
import { recordAudit } from '../modules/audit/audit.service.ts'
import { DEMO_ACTOR } from './demo-loader.ts'
import type { DemoContext } from './extensions.ts'

/** Marshland's mark, drawn for the demo: reeds over water on a white tile, readable on its green header. */
export const MARSHLAND_LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" role="img" aria-label="Marshland District Council">
  <rect width="48" height="48" rx="8" fill="#ffffff"/>
  <path d="M16 33 L13 12 M24 33 L24 9 M32 33 L35 13" stroke="#1d4f3a" stroke-width="2.5" stroke-linecap="round"/>
  <ellipse cx="13.3" cy="13" rx="2.2" ry="5" fill="#6f4e37"/>
  <ellipse cx="24" cy="10" rx="2.2" ry="5" fill="#6f4e37"/>
  <ellipse cx="34.7" cy="14" rx="2.2" ry="5" fill="#6f4e37"/>
  <path d="M5 36 q4.75 -4 9.5 0 t9.5 0 t9.5 0 t9.5 0" fill="none" stroke="#1d70b8" stroke-width="3" stroke-linecap="round"/>
  <path d="M5 42 q4.75 -4 9.5 0 t9.5 0 t9.5 0 t9.5 0" fill="none" stroke="#1d70b8" stroke-width="3" stroke-linecap="round"/>
</svg>`

/** Issue 13: Marshland's own look, a marsh green header (white text at 9.4:1) and its logo, as the settings page saves them. */
export async function brandDemo({ trx, organisationId, now }: DemoContext) {
  const logo = sanitiseSvg(Buffer.from(MARSHLAND_LOGO))
  if ('problem' in logo) throw new Error(`The demo logo is refused: ${logo.problem}`)
  const bytes = Buffer.from(logo.svg, 'utf8')
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const at = now.toISOString()
  const look = { header_colour: '#1d4f3a', header_text: 'light', logo_sha256: sha256 }
  await trx.updateTable('organisations').set(look).where('id', '=', organisationId).execute()
  await trx
    .insertInto('organisation_logos')
    .values({ organisation_id: organisationId, media_type: 'image/svg+xml', bytes, sha256, updated_at: at })
    .execute()
  await recordAudit(trx, {
    organisationId,
    actor: DEMO_ACTOR,
    action: 'update',
    entityType: 'organisation',
    entityId: organisationId,
    before: { header_colour: null, logo_sha256: null },
    after: { ...look, logo_type: 'image/svg+xml' },
  })
}
