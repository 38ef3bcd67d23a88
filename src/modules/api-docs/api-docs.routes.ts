import type { FastifyInstance } from 'fastify'

interface OpenApiParameter {
  name: string
  in: string
  required?: boolean
  description?: string
  schema?: { type?: string; enum?: unknown[]; format?: string }
}

interface OpenApiOperation {
  summary?: string
  tags?: string[]
  parameters?: OpenApiParameter[]
  requestBody?: { content?: Record<string, { schema?: unknown }> }
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>
}

interface OpenApiDoc {
  info: { title: string; version: string; description?: string }
  paths: Record<string, Record<string, OpenApiOperation>>
}

/** The browsable reference: the OpenAPI document rendered as an accessible page, no JavaScript needed. */
export async function apiDocsRoutes(app: FastifyInstance) {
  app.get('/api/openapi.json', { config: { policy: 'public' } }, async () => app.swagger())

  app.get('/api/docs', { config: { policy: 'public' } }, async (_request, reply) => {
    const doc = app.swagger() as unknown as OpenApiDoc
    const groups = new Map<string, Array<Record<string, unknown>>>()
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const tag = op.tags?.[0] ?? 'Other'
        const body = op.requestBody?.content?.['application/json']?.schema
        const ok = Object.entries(op.responses ?? {}).find(([code]) => code.startsWith('2'))
        const list = groups.get(tag) ?? []
        list.push({
          id: `${method}-${path}`.replace(/[^a-zA-Z0-9]+/g, '-').replace(/-+$/, ''),
          method: method.toUpperCase(),
          path,
          summary: op.summary ?? '',
          parameters: (op.parameters ?? []).map((p) => ({
            name: p.name,
            in: p.in,
            required: Boolean(p.required),
            type: p.schema?.enum ? p.schema.enum.join(' | ') : (p.schema?.format ?? p.schema?.type ?? ''),
            description: p.description ?? '',
          })),
          body: body ? JSON.stringify(body, null, 2) : null,
          okStatus: ok?.[0] ?? '',
          okSchema: ok?.[1].content?.['application/json']?.schema
            ? JSON.stringify(ok[1].content['application/json'].schema, null, 2)
            : null,
          errorCodes: Object.keys(op.responses ?? {}).filter((c) => !c.startsWith('2')),
        })
        groups.set(tag, list)
      }
    }
    return reply.render('api-docs/views/docs.njk', {
      title: 'API reference',
      info: doc.info,
      groups: [...groups.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([tag, ops]) => ({ tag, ops })),
    })
  })
}
