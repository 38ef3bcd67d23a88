import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import { handleForm } from '../../web/form-pages.ts'
import { errorList, field, FormBody } from '../../web/forms.ts'
import { peopleRoutes } from './people.routes.ts'
import { postsRoutes } from './posts.routes.ts'
import { peopleTable, postsTable, tableCsv, tableXlsx, type Table } from './resourcing-export.ts'
import { accessOf } from './resourcing.view.ts'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

function download(reply: FastifyReply, table: Table, file: string, format: 'csv' | 'xlsx') {
  reply.header('content-disposition', `attachment; filename="${file}.${format}"`)
  if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(tableCsv(table))
  return tableXlsx(table).then((b) => reply.type(XLSX).send(b))
}

/** Resourcing (issue 10): the people register, the establishment, the skills catalogue and their exports. */
export async function resourcingRoutes(app: FastifyInstance) {
  const { people, posts, skills } = app.services.resourcing

  await app.register(peopleRoutes)
  await app.register(postsRoutes)

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/people/export.${format}`, { config: { policy: 'people.read' } }, async (request, reply) => {
      const actor = request.actor!
      const rows = await people.list(scopeOf(actor))
      return download(reply, peopleTable(rows, accessOf(actor), actor.organisationName), 'people', format)
    })
    app.get(
      `/posts/export.${format}`,
      { config: { policy: 'establishment.read' } },
      async (request, reply) => {
        const actor = request.actor!
        const summaries = await posts.summarise(scopeOf(actor), await posts.list(scopeOf(actor)))
        return download(reply, postsTable(summaries, accessOf(actor)), 'posts', format)
      },
    )
  }

  async function skillsPage(reply: FastifyReply, body: FormBody | null, errors: Record<string, string>) {
    const actor = reply.request.actor!
    return reply.render(
      'resourcing/views/skills.njk',
      {
        title: 'Skills catalogue',
        breadcrumbs: [{ text: 'People', href: '/people' }],
        skills: await skills.list(scopeOf(actor), { includeRetired: true }),
        canWrite: allows('resourcing.write', actor.role),
        errors,
        errorList: errorList(errors, ['name', 'description']),
        values: {
          name: body ? field(body, 'name') : '',
          description: body ? field(body, 'description') : '',
        },
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  app.get('/skills', { config: { policy: 'establishment.read' } }, async (_request, reply) =>
    skillsPage(reply, null, {}),
  )

  app.post<{ Body: FormBody }>(
    '/skills',
    { config: { policy: 'resourcing.write' }, schema: { body: FormBody } },
    async (request, reply) =>
      handleForm(reply, {
        save: () =>
          skills.create(request.actor!, {
            name: field(request.body, 'name'),
            description: field(request.body, 'description'),
            retired: false,
          }),
        onInvalid: (errors) => skillsPage(reply, request.body, errors),
        onSaved: (s) => {
          reply.flash(`${s.name} added to the catalogue`)
          return reply.redirect('/skills', 303)
        },
      }),
  )
}
