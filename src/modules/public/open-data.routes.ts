import { Readable } from 'node:stream'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { notFound } from '../../errors.ts'
import { csvStream } from '../../web/exports.ts'
import { datasets, LICENCE } from './open-data.datasets.ts'
import { answerPublic } from './public-answer.ts'
import type { PublicSite } from './public-site.service.ts'

type Render = (
  reply: FastifyReply,
  site: PublicSite,
  template: string,
  context: Record<string, unknown>,
) => unknown

const FileParams = Type.Object({
  org: Type.String({ pattern: '^[a-z0-9-]{1,60}$' }),
  file: Type.String({ pattern: '^[a-z]{1,30}\\.(csv|json)$' }),
})

/** Open data: each public list as CSV and JSON with a documented schema, under the Open Government Licence. */
export async function openDataRoutes(app: FastifyInstance, opts: { render: Render }) {
  const all = datasets(app.services.publicSite.site)
  const base = app.config.publicBasePath

  app.get<{ Params: { org: string } }>(
    '/:org/data',
    { config: { policy: 'public' }, schema: { params: Type.Pick(FileParams, ['org']) } },
    async (request, reply) =>
      answerPublic(app, request, reply, request.params.org, 'any', async (site) =>
        opts.render(reply, site, 'open-data.njk', {
          title: 'Open data',
          licence: LICENCE,
          datasets: all.filter((d) => site.types.includes(d.type)),
        }),
      ),
  )

  app.get<{ Params: { org: string; file: string } }>(
    '/:org/data/:file',
    { config: { policy: 'public' }, schema: { params: FileParams } },
    async (request, reply) => {
      const [name, format] = request.params.file.split('.') as [string, 'csv' | 'json']
      const dataset = all.find((d) => d.name === name)
      if (!dataset) throw notFound()
      return answerPublic(app, request, reply, request.params.org, dataset.type, async (site) => {
        const file = `${site.organisation.slug}-${dataset.name}.${format}`
        reply.header('content-disposition', `inline; filename="${file}"`)
        if (format === 'csv') {
          const columns = dataset.columns.map((c) => ({
            header: c.name,
            kind: c.kind,
            value: (row: Record<string, string | number | boolean | null>) => {
              const v = row[c.name]
              return typeof v === 'boolean' ? String(v) : v
            },
          }))
          return reply.type('text/csv; charset=utf-8').send(csvStream(columns, dataset.rows(site)))
        }
        async function* json() {
          yield JSON.stringify({
            dataset: dataset!.title,
            description: dataset!.description,
            publisher: site.organisation.name,
            licence: LICENCE,
            updated: site.updatedAt,
            url: `${app.config.baseUrl}${base}/${site.organisation.slug}/data/${dataset!.name}.json`,
            columns: dataset!.columns,
          }).replace(/}$/, ',"items":[')
          let first = true
          for await (const row of dataset!.rows(site)) {
            yield `${first ? '' : ','}${JSON.stringify(row)}`
            first = false
          }
          yield ']}'
        }
        return reply.type('application/json; charset=utf-8').send(Readable.from(json()))
      })
    },
  )
}
