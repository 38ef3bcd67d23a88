import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { Board } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import { handleForm, whenStale } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import { validateBoard, validateMember, type BoardInput, type MemberInput } from './boards.service.ts'
import { decisionRow } from './decisions.forms.ts'
import { BOARD_CAPACITIES, boardCapacityLabel } from './decisions.rules.ts'

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })

export async function boardsRoutes(app: FastifyInstance) {
  const { boards, decisions } = app.services

  async function listPage(
    reply: FastifyReply,
    values: BoardInput,
    errors: Record<string, string>,
    status = 200,
  ) {
    const actor = reply.request.actor!
    return reply.render(
      'decisions/views/boards.njk',
      {
        title: 'Boards',
        breadcrumbs: [
          { text: 'Dashboard', href: '/' },
          { text: 'Decision log', href: '/decisions' },
        ],
        boards: await boards.list(scopeOf(actor)),
        canConfigure: allows('governance.configure', actor.role),
        values,
        errors,
        errorList: errorList(errors, ['name', 'remit']),
      },
      status,
    )
  }

  app.get('/boards', { config: { policy: 'portfolio.read' } }, async (_request, reply) =>
    listPage(reply, { name: '', remit: '' }, {}),
  )

  app.post<{ Body: FormBody }>(
    '/boards',
    { config: { policy: 'governance.configure' }, schema: { body: FormBody } },
    async (request, reply) => {
      const values = { name: field(request.body, 'name'), remit: field(request.body, 'remit') }
      const invalid = (errs: Record<string, string>) => listPage(reply, values, errs, 400)
      const errors = validateBoard(values)
      if (Object.keys(errors).length > 0) return invalid(errors)
      return handleForm(reply, {
        save: () => boards.create(request.actor!, values),
        onInvalid: invalid,
        onConflict: whenStale(() => invalid({})),
        onSaved: (saved) => {
          reply.flash(`Board ‘${saved.name}’ added`)
          return reply.redirect(`/boards/${saved.id}`, 303)
        },
      })
    },
  )

  async function boardPage(
    reply: FastifyReply,
    board: Board,
    values: MemberInput,
    errors: Record<string, string>,
    status = 200,
  ) {
    const actor = reply.request.actor!
    const scope = scopeOf(actor)
    const [members, boardDecisions] = await Promise.all([
      boards.members(scope, board.id),
      decisions.list(scope, { boardId: board.id, limit: 50 }),
    ])
    return reply.render(
      'decisions/views/board.njk',
      {
        title: board.name,
        breadcrumbs: [
          { text: 'Dashboard', href: '/' },
          { text: 'Boards', href: '/boards' },
        ],
        board,
        members: members.map((m) => ({ ...m, capacityLabel: boardCapacityLabel(m.capacity) })),
        decisions: boardDecisions.map(decisionRow),
        canConfigure: allows('governance.configure', actor.role),
        values,
        capacityItems: [
          { value: '', text: 'Select a capacity' },
          ...BOARD_CAPACITIES.map((c) => ({ ...c, selected: c.value === values.capacity })),
        ],
        errors,
        errorList: errorList(errors, ['name', 'capacity']),
      },
      status,
    )
  }

  app.get<{ Params: { id: number } }>(
    '/boards/:id',
    { config: { policy: 'portfolio.read' }, schema: { params: IdParams } },
    async (request, reply) => {
      const board = await boards.get(scopeOf(request.actor!), request.params.id)
      if (!board) throw notFound('Board')
      return boardPage(reply, board, { userId: null, name: '', capacity: '' }, {})
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/boards/:id/members',
    { config: { policy: 'governance.configure' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const board = await boards.get(scopeOf(request.actor!), request.params.id)
      if (!board) throw notFound('Board')
      const values: MemberInput = {
        userId: optionalInt(field(request.body, 'userId')),
        name: field(request.body, 'name'),
        capacity: field(request.body, 'capacity'),
      }
      const invalid = (errs: Record<string, string>) => boardPage(reply, board, values, errs, 400)
      const errors = validateMember(values)
      if (Object.keys(errors).length > 0) return invalid(errors)
      return handleForm(reply, {
        save: () => boards.addMember(request.actor!, board.id, values),
        onInvalid: invalid,
        onConflict: whenStale(() => invalid({})),
        onSaved: (saved) => {
          reply.flash(`${saved.name} added to the board`)
          return reply.redirect(`/boards/${board.id}`, 303)
        },
      })
    },
  )
}
