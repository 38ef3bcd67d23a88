import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { ServiceAsset } from '../../db/schema.ts'
import { notFound, type ConflictError } from '../../errors.ts'
import { IdParams } from '../../web/api-schemas.ts'
import { handleForm, renderConflict, whenStale } from '../../web/form-pages.ts'
import { field, FormBody, optionalInt } from '../../web/forms.ts'
import { download } from '../../web/exports.ts'
import {
  assetFormContext,
  describeMatrix,
  inputOf,
  readAssetForm,
  resubmitAsset,
} from './responsibilities.forms.ts'
import { ASSET_KINDS, ASSET_STATUSES, labelOf, RACI, type AssetInput } from './responsibilities.rules.ts'
import type { AssetView } from './responsibilities.service.ts'
import { matrixOf, matrixTable, PARTY_LABELS } from './responsibilities.view.ts'

const HOME = { text: 'Responsibilities', href: '/responsibilities' }

const gapTags = (v: AssetView) => v.gaps.map((g) => g.text)

/** The responsibility matrix's pages (issue 10): the matrix, one asset with its history, the forms, exports. */
export async function responsibilitiesRoutes(app: FastifyInstance) {
  const service = app.services.responsibilities
  const canWrite = (actor: Actor) => allows('project.write', actor.role)

  app.get('/responsibilities', { config: { policy: 'portfolio.read' } }, async (request, reply) => {
    const actor = request.actor!
    const views = await service.all(scopeOf(actor))
    const { parties, rows } = matrixOf(views)
    return reply.render('responsibilities/views/matrix.njk', {
      title: 'Responsibilities for services and assets',
      canWrite: canWrite(actor),
      parties: parties.map((p) => ({ ...p, label: PARTY_LABELS[p.kind] })),
      rows: rows.map((r) => ({
        id: r.view.asset.id,
        name: r.view.asset.name,
        kind: labelOf(ASSET_KINDS, r.view.asset.kind),
        status: labelOf(ASSET_STATUSES, r.view.asset.status),
        letters: r.letters,
        gaps: gapTags(r.view),
      })),
      gapCount: rows.filter((r) => r.view.gaps.length > 0).length,
    })
  })

  for (const format of ['csv', 'xlsx'] as const)
    app.get(
      `/responsibilities/export.${format}`,
      { config: { policy: 'portfolio.read' } },
      async (request, reply) => {
        const table = matrixTable(await service.all(scopeOf(request.actor!)))
        return download(reply, table, 'responsibilities', format)
      },
    )

  async function viewOr404(actor: Actor, id: number) {
    const v = await service.view(scopeOf(actor), id)
    if (!v) throw notFound('Service or asset')
    return v
  }

  async function showForm(
    reply: FastifyReply,
    opts: { title: string; action: string; backLink: string; version: number | string | null },
    values: AssetInput,
    errors: Record<string, string>,
  ) {
    const actor = reply.request.actor!
    return reply.render(
      'responsibilities/views/asset-form.njk',
      { ...opts, ...assetFormContext(values, await service.options(actor), errors) },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  const blank: AssetInput = {
    name: '',
    kind: '',
    status: 'live',
    description: '',
    responsibilities: [],
    projectIds: [],
    riskIds: [],
  }
  const NEW = {
    title: 'Add a service or asset',
    action: '/responsibilities/new',
    backLink: '/responsibilities',
    version: null,
  }

  app.get('/responsibilities/new', { config: { policy: 'project.write' } }, async (_request, reply) =>
    showForm(reply, NEW, blank, {}),
  )

  app.post<{ Body: FormBody }>(
    '/responsibilities/new',
    { config: { policy: 'project.write' }, schema: { body: FormBody } },
    async (request, reply) => {
      const input = readAssetForm(request.body)
      return handleForm(reply, {
        save: () => service.create(request.actor!, input),
        onInvalid: (errors) => showForm(reply, NEW, input, errors),
        onSaved: (a: ServiceAsset) => {
          reply.flash(`${a.name} added`)
          return reply.redirect(`/responsibilities/${a.id}`, 303)
        },
      })
    },
  )

  app.get<{ Params: { id: number } }>(
    '/responsibilities/:id',
    { config: { policy: 'portfolio.read' }, schema: { params: IdParams } },
    async (request, reply) => {
      const actor = request.actor!
      const v = await viewOr404(actor, request.params.id)
      return reply.render('responsibilities/views/asset.njk', {
        title: v.asset.name,
        breadcrumbs: [HOME],
        asset: v.asset,
        canWrite: canWrite(actor),
        facts: [
          { label: 'Kind', text: labelOf(ASSET_KINDS, v.asset.kind) },
          { label: 'Status', text: labelOf(ASSET_STATUSES, v.asset.status) },
          { label: 'Description', text: v.asset.description || 'Not recorded' },
        ],
        cells: v.cells.map((c) => ({
          name: c.name ?? 'Not shown',
          kind: c.name === null ? '' : PARTY_LABELS[c.partyKind],
          role: `${c.role}: ${labelOf(RACI, c.role)}`,
          url: c.name !== null && c.partyKind === 'person' ? `/people/${c.personId}` : null,
        })),
        gaps: gapTags(v),
        projects: v.projects,
        risks: v.risks,
        historyUrl: `/history/service_asset/${v.asset.id}`,
      })
    },
  )

  const editOpts = (a: ServiceAsset, version: number | string) => ({
    title: `Edit ${a.name}`,
    action: `/responsibilities/${a.id}/edit`,
    backLink: `/responsibilities/${a.id}`,
    version,
  })

  app.get<{ Params: { id: number } }>(
    '/responsibilities/:id/edit',
    { config: { policy: 'project.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const v = await viewOr404(request.actor!, request.params.id)
      return showForm(reply, editOpts(v.asset, v.asset.version), inputOf(v), {})
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/responsibilities/:id/edit',
    { config: { policy: 'project.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const v = await viewOr404(actor, request.params.id)
      const input = readAssetForm(request.body)
      const version = field(request.body, 'version')
      return handleForm(reply, {
        save: () => service.update(actor, v.asset.id, optionalInt(version) ?? 0, input),
        onInvalid: (errors) => showForm(reply, editOpts(v.asset, version), input, errors),
        onConflict: whenStale(async (err) => {
          const saved = (err as ConflictError<ServiceAsset>).current
          const [now, options] = await Promise.all([viewOr404(actor, saved.id), service.options(actor)])
          const describe = (a: AssetInput) => describeMatrix(a, options)
          return renderConflict(reply, {
            title: saved.name,
            recordUrl: `/responsibilities/${saved.id}`,
            action: `/responsibilities/${saved.id}/edit`,
            rows: [
              { label: 'Name', yours: input.name, saved: saved.name },
              {
                label: 'Kind',
                yours: labelOf(ASSET_KINDS, input.kind),
                saved: labelOf(ASSET_KINDS, saved.kind),
              },
              {
                label: 'Status',
                yours: labelOf(ASSET_STATUSES, input.status),
                saved: labelOf(ASSET_STATUSES, saved.status),
              },
              { label: 'Description', yours: input.description, saved: saved.description },
              { label: 'Matrix', yours: describe(input), saved: describe(inputOf(now)) },
            ],
            resubmit: resubmitAsset(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: (a: ServiceAsset) => {
          reply.flash(`${a.name} saved`)
          return reply.redirect(`/responsibilities/${a.id}`, 303)
        },
      })
    },
  )
}
