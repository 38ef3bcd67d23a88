import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import type { Organisation } from '../../../db/schema.ts'
import { STANDARD_ERRORS, WRITE_ERRORS } from '../../../web/api-schemas.ts'
import { DISPLAY_NAME_MAX, brandOf } from './brand.service.ts'

const BrandSchema = Type.Object(
  {
    version: Type.Integer({ description: "The organisation's version: send it to change the look" }),
    name: Type.String({ description: 'The name pages show: the name as shown, or the registered name' }),
    displayName: Type.Union([Type.String(), Type.Null()], {
      description: 'The name as shown, or null for the registered name',
    }),
    headerColour: Type.Union([Type.String(), Type.Null()], {
      description: "The header's colour as #rrggbb, or null for the neutral default",
    }),
    headerText: Type.Union([Type.Literal('light'), Type.Literal('dark')], {
      description: "The header text's colour: light (white) or dark (near-black)",
    }),
    logoUrl: Type.Union([Type.String(), Type.Null()], {
      description: 'Where the logo is served; it is uploaded on the settings page (/settings/brand)',
    }),
  },
  { $id: 'Brand' },
)

const BrandUpdate = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'The version you read; a stale one answers 409' }),
    displayName: Type.Optional(
      Type.String({ maxLength: DISPLAY_NAME_MAX + 100, description: 'Empty for the registered name' }),
    ),
    headerColour: Type.Optional(
      Type.String({ maxLength: 20, description: '#rrggbb; empty for the neutral default' }),
    ),
    headerText: Type.Optional(Type.String({ maxLength: 10, description: 'light or dark' })),
  },
  { additionalProperties: false },
)

function json(org: Organisation): Static<typeof BrandSchema> {
  const look = brandOf(org)
  return {
    version: org.version,
    name: look.name,
    displayName: org.display_name,
    headerColour: look.headerColour,
    headerText: look.headerText,
    logoUrl: look.logoUrl,
  }
}

/**
 * The council's own look through the API (issue 13): read by every member, as every page shows it; changed by an
 * administrator with the settings page's checks (WCAG contrast included) and its versioned, audited write. The
 * logo is uploaded on the page only.
 */
export async function brandApi(app: FastifyInstance) {
  const { brand, organisation } = app.services
  const tags = ['Organisation settings']

  app.get(
    '/api/v1/organisation/brand',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: "The organisation's name as shown, header colour, header text and logo address",
        response: { 200: BrandSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => json(await organisation.get(request.actor!.organisationId)),
  )

  app.patch<{ Body: Static<typeof BrandUpdate> }>(
    '/api/v1/organisation/brand',
    {
      config: { policy: 'organisation.admin' },
      schema: {
        tags,
        summary: 'Change the name as shown, the header colour or its text colour (what is not sent stays)',
        description: 'A colour whose header text would fail WCAG 2.2 contrast (4.5:1) is refused with 400.',
        body: BrandUpdate,
        response: { 200: BrandSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const { version, ...sent } = request.body
      const current = await organisation.get(actor.organisationId)
      const updated = await brand.setLook(
        actor,
        {
          displayName: sent.displayName ?? current.display_name ?? '',
          headerColour: sent.headerColour ?? current.header_colour ?? '',
          headerText: sent.headerText ?? current.header_text,
        },
        version,
      )
      return json(updated)
    },
  )
}
