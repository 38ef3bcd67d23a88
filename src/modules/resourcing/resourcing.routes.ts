import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { Skill } from '../../db/schema.ts'
import { notFound, type ConflictError } from '../../errors.ts'
import { IdParams } from '../../web/api-schemas.ts'
import { handleForm, renderConflict, resubmitFields } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import { holdingsRoutes } from './holdings.routes.ts'
import { peopleRoutes } from './people.routes.ts'
import { postsRoutes } from './posts.routes.ts'
import { download } from '../../web/exports.ts'
import { peopleTable, postsTable } from './resourcing-export.ts'
import { accessOf } from './resourcing.view.ts'

/** Resourcing (issue 10): the people register, the establishment, the skills catalogue and their exports. */
export async function resourcingRoutes(app: FastifyInstance) {
  const { people, posts, skills } = app.services.resourcing

  await app.register(peopleRoutes)
  await app.register(postsRoutes)
  await app.register(holdingsRoutes)

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

  async function skillForm(
    reply: FastifyReply,
    skill: Skill,
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    const retired = body ? field(body, 'retired') === 'yes' : skill.retired === 1
    return reply.render(
      'resourcing/views/skill-form.njk',
      {
        title: `Edit ${skill.name}`,
        backLink: '/skills',
        action: `/skills/${skill.id}/edit`,
        version: body ? field(body, 'version') : skill.version,
        errors,
        errorList: errorList(errors, ['name', 'description']),
        values: {
          name: body ? field(body, 'name') : skill.name,
          description: body ? field(body, 'description') : skill.description,
        },
        retiredItems: [
          {
            value: 'yes',
            text: 'Retired: kept for the people who hold it, not offered anew',
            checked: retired,
          },
        ],
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  const skillOr404 = async (request: { actor: Actor | null }, id: number) => {
    const s = await skills.get(scopeOf(request.actor!), id)
    if (!s) throw notFound('Skill')
    return s
  }

  app.get<{ Params: { id: number } }>(
    '/skills/:id/edit',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams } },
    async (request, reply) => skillForm(reply, await skillOr404(request, request.params.id), null, {}),
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/skills/:id/edit',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const skill = await skillOr404(request, request.params.id)
      const input = {
        name: field(request.body, 'name'),
        description: field(request.body, 'description'),
        retired: field(request.body, 'retired') === 'yes',
      }
      return handleForm(reply, {
        save: () =>
          skills.update(request.actor!, skill.id, optionalInt(field(request.body, 'version')) ?? 0, input),
        onInvalid: (errors) => skillForm(reply, skill, request.body, errors),
        onConflict: (err) => {
          const saved = (err as ConflictError<Skill>).current
          return renderConflict(reply, {
            title: skill.name,
            recordUrl: '/skills',
            action: `/skills/${skill.id}/edit`,
            rows: [
              { label: 'Name', yours: input.name, saved: saved.name },
              { label: 'Description', yours: input.description, saved: saved.description },
              {
                label: 'Retired',
                yours: input.retired ? 'Yes' : 'No',
                saved: saved.retired === 1 ? 'Yes' : 'No',
              },
            ],
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        },
        onSaved: () => {
          reply.flash('Skill saved')
          return reply.redirect('/skills', 303)
        },
      })
    },
  )
}
