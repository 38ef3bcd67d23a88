import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import { addDays, daysBetween, formatDate } from '../../../domain/dates.ts'
import { formatPeriod } from '../../../domain/periods.ts'
import { notFound } from '../../../errors.ts'
import { IdParams } from '../../../web/api-schemas.ts'
import { dateItems, handleForm, readDate, whenStale } from '../../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../../web/forms.ts'

// Issue 10: "a role still unfilled at the forecast start moves the forecast (the user confirms) and so raises
// the tolerance exception that exists today". The page proposes the first month the unfilled roles are
// filled (or takes a date the user picks) and, by default, moves the forecast end by as many days, so the
// project keeps its length. The move is an ordinary change of the project through the projects service, whose
// listeners (the tolerances) raise an exception when the new dates are beyond the time tolerance.

export async function forecastStartRoutes(app: FastifyInstance) {
  const { demand } = app.services.resourcing.capacity
  const { projects, tolerances } = app.services

  async function load(actor: Actor, id: number) {
    const scope = scopeOf(actor)
    const [project, cover] = await Promise.all([projects.get(scope, id), demand.unfilledAtStart(scope, id)])
    if (!project) throw notFound('Project')
    return { project, cover }
  }
  type Loaded = Awaited<ReturnType<typeof load>>

  function page(
    reply: FastifyReply,
    { project, cover }: Loaded,
    body: FormBody | null,
    errors: Record<string, string>,
    status = Object.keys(errors).length > 0 ? 400 : 200,
  ) {
    const moveEnd = body ? field(body, 'moveEnd') === 'yes' : true
    return reply.render(
      'resourcing/capacity/views/forecast-start.njk',
      {
        title: `Move the forecast start: ${project.reference}`,
        breadcrumbs: [
          { text: 'Projects', href: '/projects' },
          { text: project.reference, href: `/projects/${project.id}` },
        ],
        project,
        forecastStart: formatDate(project.forecast_start),
        forecastEnd: project.forecast_end ? formatDate(project.forecast_end) : null,
        unfilled: (cover?.unfilled ?? []).map((u) => ({
          ...u,
          filledFrom: u.firstFilled ? formatPeriod(u.firstFilled) : null,
        })),
        suggested: cover?.suggested ? formatDate(cover.suggested) : null,
        version: body ? field(body, 'version') : String(project.version),
        startItems: dateItems(body, 'forecastStart', cover?.suggested ?? null, Boolean(errors.forecastStart)),
        moveEndItems: [
          {
            value: 'yes',
            text: 'Move the forecast end by the same number of days',
            hint: { text: 'So the project keeps its length' },
            checked: moveEnd,
          },
        ],
        errors,
        errorList: errorList(errors),
      },
      status,
    )
  }

  app.get<{ Params: { id: number } }>(
    '/projects/:id/forecast-start',
    { config: { policy: 'project.write' }, schema: { params: IdParams } },
    async (request, reply) => page(reply, await load(request.actor!, request.params.id), null, {}),
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/projects/:id/forecast-start',
    { config: { policy: 'project.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const loaded = await load(actor, request.params.id)
      const { project } = loaded
      const errors: Record<string, string> = {}
      const start = readDate(request.body, 'forecastStart', 'New forecast start', errors, true)
      const from = project.forecast_start
      if (start !== null && from !== null && start <= from)
        errors.forecastStart = `The new forecast start must be after ${formatDate(from)}`
      const moveEnd = field(request.body, 'moveEnd') === 'yes'
      const end =
        moveEnd && start !== null && from !== null && project.forecast_end !== null
          ? addDays(project.forecast_end, daysBetween(from, start))
          : project.forecast_end
      const openBefore = new Set(
        (await tolerances.listExceptions(scopeOf(actor), { projectId: project.id, open: true })).map(
          (e) => e.id,
        ),
      )
      return handleForm(reply, {
        errors,
        save: () =>
          projects.update(actor, project.id, optionalInt(field(request.body, 'version')) ?? 0, {
            forecastStart: start,
            forecastEnd: end,
          }),
        onInvalid: (e) => {
          const { forecastEnd, ...rest } = e
          return page(reply, loaded, request.body, {
            ...errors,
            ...rest,
            ...(forecastEnd ? { forecastStart: forecastEnd } : {}),
          })
        },
        // Someone changed the project since the page was read: show its dates now, and ask again.
        onConflict: whenStale(async () =>
          page(
            reply,
            await load(actor, project.id),
            null,
            {
              forecastStart: `${project.reference} was changed after you opened this page. Check its dates, then confirm the move again`,
            },
            409,
          ),
        ),
        onSaved: async (saved) => {
          const raised = (
            await tolerances.listExceptions(scopeOf(actor), { projectId: saved.id, open: true })
          ).filter((e) => !openBefore.has(e.id))
          reply.flash(
            `Forecast start moved to ${formatDate(saved.forecast_start)}${saved.forecast_end ? `, forecast end ${formatDate(saved.forecast_end)}` : ''}` +
              (raised.length > 0
                ? `. This is beyond the project’s tolerance: ${raised.length === 1 ? 'an exception was' : `${raised.length} exceptions were`} raised`
                : ''),
          )
          return reply.redirect(`/projects/${saved.id}`, 303)
        },
      })
    },
  )
}
