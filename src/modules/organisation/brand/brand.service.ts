import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import { auditActorOf, type Actor } from '../../../auth/actor.ts'
import type { DB, Organisation } from '../../../db/schema.ts'
import { setTenantOrganisation } from '../../../db/tenant-context.ts'
import { ValidationError } from '../../../errors.ts'
import { recordAudit } from '../../audit/audit.service.ts'
import { updateOrganisation } from '../organisation.service.ts'
import { checkPng, headerContrastProblem, isHeaderText, LOGO_MAX_BYTES, normaliseHex } from './brand.rules.ts'
import { sanitiseSvg } from './svg-sanitiser.ts'

/** How an organisation's pages look: what the layout and the public site need. */
export interface Brand {
  name: string
  headerColour: string | null
  headerText: 'light' | 'dark'
  /** The logo's address, changing with its content (so a browser never shows an old one); null for none. */
  logoUrl: string | null
}

export const DISPLAY_NAME_MAX = 120

/** The logo's address, changing with its content, so a browser never shows the one it replaced. */
const logoUrl = (slug: string, sha256: string | null) =>
  sha256 ? `/brand/${encodeURIComponent(slug)}/logo?v=${sha256.slice(0, 16)}` : null

export function brandOf(org: {
  slug: string
  name: string
  display_name: string | null
  header_colour: string | null
  header_text: string
  logo_sha256: string | null
}): Brand {
  return {
    name: org.display_name ?? org.name,
    headerColour: org.header_colour,
    headerText: org.header_text === 'dark' ? 'dark' : 'light',
    logoUrl: logoUrl(org.slug, org.logo_sha256),
  }
}

/** The look of a signed-in person's organisation, from what the session's query read. */
export function brandOfActor(actor: Actor | null | undefined): Brand | null {
  if (!actor?.look) return null
  return {
    name: actor.organisationName,
    headerColour: actor.look.headerColour,
    headerText: actor.look.headerText,
    logoUrl: logoUrl(actor.organisationSlug, actor.look.logoSha256),
  }
}

export interface LookInput {
  displayName: string
  headerColour: string
  headerText: string
}

export type LogoChange = { remove: true } | { bytes: Buffer; fileName: string }

/** A checked logo ready to store: PNG as uploaded, SVG as sanitised. */
function readLogo(bytes: Buffer): { mediaType: string; bytes: Buffer; removed: string[] } {
  if (bytes.length === 0) throw new ValidationError({ logo: 'The selected file is empty' })
  if (bytes.length > LOGO_MAX_BYTES)
    throw new ValidationError({ logo: `The logo must be smaller than ${LOGO_MAX_BYTES / 1024} KB` })
  if (bytes[0] === 0x89) {
    const png = checkPng(bytes)
    if ('problem' in png) throw new ValidationError({ logo: png.problem })
    return { mediaType: 'image/png', bytes, removed: [] }
  }
  const head = bytes
    .subarray(0, 512)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()
  if (!head.startsWith('<')) throw new ValidationError({ logo: 'The logo must be a PNG or SVG file' })
  const svg = sanitiseSvg(bytes)
  if ('problem' in svg) throw new ValidationError({ logo: svg.problem })
  return { mediaType: 'image/svg+xml', bytes: Buffer.from(svg.svg, 'utf8'), removed: svg.removed }
}

export function createBrandService(db: Kysely<DB>) {
  return {
    /** The look of the organisation with this slug (the public site's), or null. */
    async bySlug(slug: string): Promise<Brand | null> {
      const org = await db.selectFrom('organisations').selectAll().where('slug', '=', slug).executeTakeFirst()
      return org ? brandOf(org) : null
    },

    /** The stored logo of the organisation with this slug: its bytes, type and ETag. */
    async logo(slug: string) {
      // Asked for by anyone (a public page, another council's officer): the organisation comes from the slug,
      // and the request then reads that one's logo, which is all row security lets it see (tenant-context.ts).
      const org = await db
        .selectFrom('organisations')
        .select('id')
        .where('slug', '=', slug)
        .executeTakeFirst()
      if (!org) return undefined
      setTenantOrganisation(org.id)
      return db
        .selectFrom('organisation_logos')
        .select(['media_type', 'bytes', 'sha256'])
        .where('organisation_id', '=', org.id)
        .executeTakeFirst()
    },

    /** Checks the name, colour and text colour read from a form; the field errors in GOV.UK wording. */
    readLook(input: LookInput) {
      const errors: Record<string, string> = {}
      const displayName = input.displayName.trim()
      if (displayName.length > DISPLAY_NAME_MAX)
        errors.displayName = `Name as shown must be ${DISPLAY_NAME_MAX} characters or fewer`
      const headerText = isHeaderText(input.headerText) ? input.headerText : null
      if (!headerText) errors.headerText = 'Select the colour of the header text'
      let headerColour: string | null = null
      if (input.headerColour.trim() !== '') {
        headerColour = normaliseHex(input.headerColour)
        if (!headerColour)
          errors.headerColour = 'Enter the header colour as a hex code of 6 digits, like #1d4f3a'
        else if (headerText) {
          const problem = headerContrastProblem(headerColour, headerText)
          if (problem) errors.headerColour = problem
        }
      }
      return {
        errors,
        look: { displayName: displayName || null, headerColour, headerText: headerText ?? 'light' },
      }
    },

    /** Saves the name as shown, the header colour and its text colour against `version`, audited. */
    async setLook(actor: Actor, input: LookInput, version: number): Promise<Organisation> {
      const { errors, look } = this.readLook(input)
      if (Object.keys(errors).length > 0) throw new ValidationError(errors)
      return db.transaction().execute(async (trx) => {
        const { current, updated } = await updateOrganisation(trx, actor, version, {
          display_name: look.displayName,
          header_colour: look.headerColour,
          header_text: look.headerText,
        })
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'update',
          entityType: 'organisation',
          entityId: actor.organisationId,
          before: pick(current),
          after: pick(updated),
        })
        return updated
      })
    },

    /**
     * Replaces or removes the logo against `version`: the file's bytes are checked (PNG) or rewritten from the
     * allowlist (SVG) before anything is written, and the logo and the organisation's record change together.
     * Answers what the sanitiser left out of an SVG, to tell the administrator.
     */
    async setLogo(actor: Actor, change: LogoChange, version: number) {
      const logo = 'remove' in change ? null : readLogo(change.bytes)
      const sha256 = logo ? createHash('sha256').update(logo.bytes).digest('hex') : null
      return db.transaction().execute(async (trx) => {
        const { current, updated } = await updateOrganisation(trx, actor, version, { logo_sha256: sha256 })
        await trx
          .deleteFrom('organisation_logos')
          .where('organisation_id', '=', actor.organisationId)
          .execute()
        if (logo && sha256)
          await trx
            .insertInto('organisation_logos')
            .values({
              organisation_id: actor.organisationId,
              media_type: logo.mediaType,
              bytes: logo.bytes,
              sha256,
              updated_at: updated.updated_at,
            })
            .execute()
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'update',
          entityType: 'organisation',
          entityId: actor.organisationId,
          before: { logo_sha256: current.logo_sha256 },
          after: {
            logo_sha256: sha256,
            ...(logo
              ? { logo_type: logo.mediaType, logo_file: 'fileName' in change ? change.fileName : '' }
              : {}),
          },
        })
        return { organisation: updated, removed: logo?.removed ?? [] }
      })
    },
  }
}

const pick = (o: Organisation) => ({
  display_name: o.display_name,
  header_colour: o.header_colour,
  header_text: o.header_text,
})
