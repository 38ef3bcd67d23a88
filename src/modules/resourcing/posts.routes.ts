import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { Post } from '../../db/schema.ts'
import { formatDate } from '../../domain/dates.ts'
import { formatFteFixed } from '../../domain/fte.ts'
import { formatMoney } from '../../domain/money.ts'
import { notFound, type ConflictError } from '../../errors.ts'
import { IdParams } from '../../web/api-schemas.ts'
import { handleForm, renderConflict, resubmitFields } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import type { PostSummary } from './posts.service.ts'
import {
  datedFormContext,
  POST_ORDER,
  postFormContext,
  postFormErrors,
  postToInput,
  readHolderForm,
  readPostForm,
} from './resourcing.forms.ts'
import { labelOf, POST_STATUSES, type PostInput } from './resourcing.rules.ts'
import { accessOf, shownCost, shownGrade, type ResourcingAccess } from './resourcing.view.ts'

const LIST = 'resourcing/views/posts.njk'
const PAGE = 'resourcing/views/post.njk'
const FORM = 'resourcing/views/post-form.njk'
const HOLDER = 'resourcing/views/holder-form.njk'

/** A post as its list and page show it: vacancy age in whole months, costs and grades as the reader may. */
export function postView(s: PostSummary, access: ResourcingAccess) {
  const cost = shownCost(s, access)
  return {
    id: s.post.id,
    title: s.post.title,
    team: s.post.team,
    grade: shownGrade(s, access),
    fte: formatFteFixed(s.post.fte_hundredths),
    funded: s.post.funded === 1 ? 'Funded' : 'Not funded',
    fundedBy: s.post.budget_line_label ?? s.post.funding_stream_name ?? '',
    cost: cost === null ? null : formatMoney(cost),
    status: labelOf(POST_STATUSES, s.post.status),
    holders: s.currentHolders.join(', '),
    vacancy: s.vacancy
      ? `${s.vacancy.months} ${s.vacancy.months === 1 ? 'month' : 'months'} (since ${formatDate(s.vacancy.since)})`
      : '',
  }
}

/** The establishment's pages: the posts, a post with its holders, adding and editing. */
export async function postsRoutes(app: FastifyInstance) {
  const { posts, people } = app.services.resourcing
  const canWrite = (a: Actor) => allows('resourcing.write', a.role)

  async function summaryOr404(actor: Actor, id: number) {
    const row = await posts.get(scopeOf(actor), id)
    if (!row) throw notFound('Post')
    return (await posts.summarise(scopeOf(actor), [row]))[0]!
  }

  app.get<{ Querystring: { status?: string } }>(
    '/posts',
    {
      config: { policy: 'establishment.read' },
      schema: { querystring: Type.Object({ status: Type.Optional(Type.String({ maxLength: 20 })) }) },
    },
    async (request, reply) => {
      const actor = request.actor!
      const status = POST_STATUSES.some((s) => s.value === request.query.status)
        ? request.query.status
        : undefined
      const rows = await posts.summarise(
        scopeOf(actor),
        await posts.list(scopeOf(actor), status ? { status } : {}),
      )
      const access = accessOf(actor)
      return reply.render(LIST, {
        title: 'Posts',
        canWrite: canWrite(actor),
        showCost: access.costs,
        statusItems: [
          { value: '', text: 'All' },
          ...POST_STATUSES.map((s) => ({ ...s, selected: s.value === status })),
        ],
        posts: rows.map((s) => postView(s, access)),
      })
    },
  )

  async function showForm(
    reply: FastifyReply,
    opts: { title: string; action: string; backLink: string; version: number | null },
    values: PostInput,
    body: FormBody | null,
    errors: Record<string, string>,
    status = 200,
  ) {
    const shown = postFormErrors(errors)
    return reply.render(
      FORM,
      {
        ...opts,
        errors: shown,
        errorList: errorList(shown, POST_ORDER),
        ...postFormContext(values, body, shown, await posts.fundingChoices(scopeOf(reply.request.actor!))),
      },
      status,
    )
  }

  const blank: PostInput = {
    title: '',
    team: '',
    grade: '',
    fteHundredths: 100,
    funded: false,
    annualCostPence: 0,
    budgetLineId: null,
    fundingStreamId: null,
    status: 'vacant',
    approvedOn: null,
    advertisedOn: null,
    appointedOn: null,
    startsOn: null,
  }
  const NEW = { title: 'Add a post', action: '/posts/new', backLink: '/posts', version: null }

  app.get('/posts/new', { config: { policy: 'resourcing.write' } }, async (_request, reply) =>
    showForm(reply, NEW, blank, null, {}),
  )

  app.post<{ Body: FormBody }>(
    '/posts/new',
    { config: { policy: 'resourcing.write' }, schema: { body: FormBody } },
    async (request, reply) => {
      const errors: Record<string, string> = {}
      const input = readPostForm(request.body, errors)
      return handleForm(reply, {
        errors,
        save: () => posts.create(request.actor!, input),
        onInvalid: (errs) => showForm(reply, NEW, input, request.body, errs, 400),
        onSaved: (p) => {
          reply.flash(`${p.title} added to the establishment`)
          return reply.redirect(`/posts/${p.id}`, 303)
        },
      })
    },
  )

  app.get<{ Params: { id: number } }>(
    '/posts/:id',
    { config: { policy: 'establishment.read' }, schema: { params: IdParams } },
    async (request, reply) => {
      const actor = request.actor!
      const s = await summaryOr404(actor, request.params.id)
      const view = postView(s, accessOf(actor))
      const holders = await posts.holders(scopeOf(actor), s.post.id)
      const p = s.post
      return reply.render(PAGE, {
        title: p.title,
        breadcrumbs: [{ text: 'Posts', href: '/posts' }],
        post: p,
        canWrite: canWrite(actor),
        facts: [
          { label: 'Team', text: p.team || 'Not recorded' },
          ...(view.grade === null ? [] : [{ label: 'Grade', text: view.grade || 'Not recorded' }]),
          { label: 'FTE', text: view.fte },
          { label: 'Status', text: view.status },
          ...(view.vacancy ? [{ label: 'Vacant for', text: view.vacancy }] : []),
          { label: 'Funding', text: view.fundedBy ? `${view.funded}: ${view.fundedBy}` : view.funded },
          ...(view.cost === null ? [] : [{ label: 'Annual cost', text: view.cost }]),
          { label: 'Approved', text: formatDate(p.approved_on) || 'Not yet' },
          { label: 'Advertised', text: formatDate(p.advertised_on) || 'Not yet' },
          { label: 'Appointed', text: formatDate(p.appointed_on) || 'Not yet' },
          { label: 'Start date', text: formatDate(p.starts_on) || 'Not yet' },
        ],
        holders: holders.map((h) => ({
          personId: h.person_id,
          name: h.person_name,
          fte: formatFteFixed(h.fte_hundredths),
          from: formatDate(h.starts_on),
          to: h.ends_on ? formatDate(h.ends_on) : 'Continuing',
          historyUrl: `/history/post_holder/${h.id}`,
          editUrl: `/post-holders/${h.id}/edit`,
        })),
        historyUrl: `/history/post/${p.id}`,
      })
    },
  )

  const editOpts = (p: Post, version: number) => ({
    title: `Edit ${p.title}`,
    action: `/posts/${p.id}/edit`,
    backLink: `/posts/${p.id}`,
    version,
  })

  app.get<{ Params: { id: number } }>(
    '/posts/:id/edit',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const { post } = await summaryOr404(request.actor!, request.params.id)
      return showForm(reply, editOpts(post, post.version), postToInput(post), null, {})
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/posts/:id/edit',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const { post } = await summaryOr404(request.actor!, request.params.id)
      const errors: Record<string, string> = {}
      const input = readPostForm(request.body, errors)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      return handleForm(reply, {
        errors,
        save: () => posts.update(request.actor!, post.id, version, input),
        onInvalid: (errs) => showForm(reply, editOpts(post, version), input, request.body, errs, 400),
        onConflict: (err) => {
          const saved = (err as ConflictError<Post>).current
          const was = postToInput(saved)
          const show = (v: PostInput) => ({
            title: v.title,
            team: v.team,
            fte: formatFteFixed(v.fteHundredths),
            status: labelOf(POST_STATUSES, v.status),
          })
          const [mine, theirs] = [show(input), show(was)]
          return renderConflict(reply, {
            title: post.title,
            recordUrl: `/posts/${post.id}`,
            action: `/posts/${post.id}/edit`,
            rows: (
              [
                ['Title', 'title'],
                ['Team', 'team'],
                ['FTE', 'fte'],
                ['Status', 'status'],
              ] as const
            ).map(([label, k]) => ({ label, yours: mine[k], saved: theirs[k] })),
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        },
        onSaved: () => {
          reply.flash('Post updated')
          return reply.redirect(`/posts/${post.id}`, 303)
        },
      })
    },
  )

  async function holderForm(
    reply: FastifyReply,
    id: number,
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    const actor = reply.request.actor!
    const { post } = await summaryOr404(actor, id)
    const register = await people.list(scopeOf(actor))
    const chosen = body ? field(body, 'personId') : ''
    return reply.render(
      HOLDER,
      {
        title: `Add a holder of ${post.title}`,
        backLink: `/posts/${post.id}`,
        action: `/posts/${post.id}/holders/new`,
        errors,
        errorList: errorList(errors, ['personId', 'startsOn', 'endsOn', 'fte']),
        personItems: [
          { value: '', text: 'Choose a person' },
          ...register.map((p) => ({ value: String(p.id), text: p.name, selected: String(p.id) === chosen })),
        ],
        ...datedFormContext(body, errors),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  app.get<{ Params: { id: number } }>(
    '/posts/:id/holders/new',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams } },
    async (request, reply) => holderForm(reply, request.params.id, null, {}),
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/posts/:id/holders/new',
    { config: { policy: 'resourcing.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const id = request.params.id
      await summaryOr404(request.actor!, id)
      const errors: Record<string, string> = {}
      const input = readHolderForm(request.body, errors)
      return handleForm(reply, {
        errors,
        save: () => posts.addHolder(request.actor!, id, input),
        onInvalid: (errs) => holderForm(reply, id, request.body, errs),
        onSaved: () => {
          reply.flash('Post holder added')
          return reply.redirect(`/posts/${id}`, 303)
        },
      })
    },
  )
}
