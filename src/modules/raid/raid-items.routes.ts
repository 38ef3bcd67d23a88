import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { Assumption, RaidIssue } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import { renderConflict, resubmitFields, handleForm, whenStale } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import {
  assumptionConflictRows,
  assumptionFacts,
  assumptionFormContext,
  assumptionStatusActions,
  assumptionStatusLabel,
  dependencyConflictRows,
  dependencyFacts,
  dependencyFormContext,
  dependencyStatusActions,
  dependencyStatusLabel,
  issueConflictRows,
  issueFacts,
  issueStatusActions,
  readAssumptionForm,
  readDependencyForm,
  STATUS_VALUES,
  type Fact,
  type StatusAction,
} from './raid-items.forms.ts'
import {
  toAssumptionInput,
  toDependencyInput,
  validateDependency,
  type DependencyRow,
} from './raid-log.service.ts'
import { raidPageContext } from './raid-page-context.ts'
import { issueFormContext, readIssueForm } from './raid.forms.ts'
import { issueStatusLabel, validateIssue } from './raid.rules.ts'
import { toIssueInput } from './raid.service.ts'

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })
type Segment = keyof typeof STATUS_VALUES

/** What the shared item page needs of an issue, an assumption or a dependency. */
interface ItemView {
  id: number
  version: number
  projectId: number
  status: string
  heading: string
  lead: string | null
  facts: Fact[]
}

interface ItemKind {
  noun: string
  historyType: string
  load(scope: Scope, id: number): Promise<ItemView | undefined>
  actions(status: string): StatusAction[]
  setStatus(actor: Actor, id: number, version: number, status: string): Promise<unknown>
  statusLabel(status: string): string
}

/**
 * One page each for an issue, an assumption and a dependency (`/issues/:id` is where the governance
 * health check sends an issue nobody owns): shown to every reader, edited and closed or reopened by
 * those who keep the RAID log, each change through the audited versioned update of its service.
 */
export async function raidItemsRoutes(app: FastifyInstance) {
  const { raid, raidLog, projects } = app.services
  const { people } = raidPageContext(app)

  const kinds: Record<Segment, ItemKind> = {
    issues: {
      noun: 'Issue',
      historyType: 'raid_issue',
      load: async (scope, id) => {
        const i = await raid.getIssue(scope, id)
        return (
          i && {
            ...common(i),
            heading: i.title,
            lead: null,
            facts: issueFacts(i),
          }
        )
      },
      actions: issueStatusActions,
      setStatus: (actor, id, version, status) => raid.updateIssue(actor, id, version, { status }),
      statusLabel: issueStatusLabel,
    },
    assumptions: {
      noun: 'Assumption',
      historyType: 'assumption',
      load: async (scope, id) => {
        const a = await raidLog.getAssumption(scope, id)
        return a && { ...common(a), heading: 'Assumption', lead: a.description, facts: assumptionFacts(a) }
      },
      actions: assumptionStatusActions,
      setStatus: (actor, id, version, status) => raidLog.updateAssumption(actor, id, version, { status }),
      statusLabel: assumptionStatusLabel,
    },
    dependencies: {
      noun: 'Dependency',
      historyType: 'dependency',
      load: async (scope, id) => {
        const d = await raidLog.getDependency(scope, id)
        return d && { ...common(d), heading: 'Dependency', lead: d.description, facts: dependencyFacts(d) }
      },
      actions: dependencyStatusActions,
      setStatus: (actor, id, version, status) => raidLog.updateDependency(actor, id, version, { status }),
      statusLabel: dependencyStatusLabel,
    },
  }

  function common(r: { id: number; version: number; project_id: number; status: string }) {
    return { id: r.id, version: r.version, projectId: r.project_id, status: r.status }
  }

  async function itemPage(
    reply: FastifyReply,
    segment: Segment,
    id: number,
    errors: Record<string, string> = {},
    status = 200,
  ) {
    const actor = reply.request.actor!
    const kind = kinds[segment]
    const item = await kind.load(scopeOf(actor), id)
    if (!item) throw notFound(kind.noun)
    const project = await raid.project(scopeOf(actor), item.projectId)
    return reply.render(
      'raid/views/item.njk',
      {
        title: item.heading,
        backLink: `/projects/${item.projectId}/risks#${segment}`,
        noun: kind.noun,
        project,
        item,
        url: `/${segment}/${item.id}`,
        historyUrl: `/history/${kind.historyType}/${item.id}`,
        statusActions: kind.actions(item.status),
        canWrite: allows('governance.write', actor.role),
        errors,
        errorList: errorList(errors),
      },
      status,
    )
  }

  for (const segment of Object.keys(kinds) as Segment[]) {
    const kind = kinds[segment]
    app.get<{ Params: { id: number } }>(
      `/${segment}/:id`,
      { config: { policy: 'portfolio.read' }, schema: { params: IdParams } },
      async (request, reply) => itemPage(reply, segment, request.params.id),
    )

    /** Close, reopen, confirm, mark as met: one button, carrying the version the person saw. */
    app.post<{ Params: { id: number }; Body: FormBody }>(
      `/${segment}/:id/status`,
      { config: { policy: 'governance.write' }, schema: { params: IdParams, body: FormBody } },
      async (request, reply) => {
        const id = request.params.id
        const status = field(request.body, 'status')
        const version = optionalInt(field(request.body, 'version')) ?? 0
        if (!STATUS_VALUES[segment].includes(status))
          return itemPage(reply, segment, id, { status: 'Select a status from the buttons' }, 400)
        return handleForm(reply, {
          save: () => kind.setStatus(request.actor!, id, version, status),
          onInvalid: (errs) => itemPage(reply, segment, id, { status: Object.values(errs).join('. ') }, 400),
          onConflict: whenStale((conflict) => {
            const saved = conflict.current as { version: number; status: string }
            return renderConflict(reply, {
              title: kind.noun,
              recordUrl: `/${segment}/${id}`,
              action: `/${segment}/${id}/status`,
              rows: [
                { label: 'Status', yours: kind.statusLabel(status), saved: kind.statusLabel(saved.status) },
              ],
              resubmit: resubmitFields(request.body),
              savedVersion: saved.version,
            })
          }),
          onSaved: () => {
            reply.flash(`${kind.noun} is now ${kind.statusLabel(status).toLowerCase()}`)
            return reply.redirect(`/${segment}/${id}`, 303)
          },
        })
      },
    )
  }

  // Editing: each kind has its own form, and a stale edit goes to the shared conflict page.

  const ISSUE_FORM = 'raid/views/issue-form.njk'
  app.get<{ Params: { id: number } }>(
    '/issues/:id/edit',
    { config: { policy: 'governance.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const issue = await raid.getIssue(scopeOf(request.actor!), request.params.id)
      if (!issue) throw notFound('Issue')
      return reply.render(ISSUE_FORM, {
        title: 'Edit issue',
        backLink: `/issues/${issue.id}`,
        action: `/issues/${issue.id}/edit`,
        version: issue.version,
        ...issueFormContext(toIssueInput(issue), null, {}, await people(reply, issue.owner_person_id)),
      })
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/issues/:id/edit',
    { config: { policy: 'governance.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const id = request.params.id
      if (!(await raid.getIssue(scopeOf(request.actor!), id))) throw notFound('Issue')
      const errors: Record<string, string> = {}
      const values = readIssueForm(request.body, errors)
      const choices = await people(reply, values.ownerPersonId)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      const form = (errs: Record<string, string>) =>
        reply.render(
          ISSUE_FORM,
          {
            title: 'Edit issue',
            backLink: `/issues/${id}`,
            action: `/issues/${id}/edit`,
            version,
            ...issueFormContext(values, request.body, errs, choices),
          },
          400,
        )
      if (Object.keys(errors).length > 0) return form({ ...validateIssue(values), ...errors })
      return handleForm(reply, {
        save: () => raid.updateIssue(request.actor!, id, version, values),
        onInvalid: form,
        onConflict: whenStale((err) => {
          const saved = err.current as RaidIssue
          return renderConflict(reply, {
            title: saved.title,
            recordUrl: `/issues/${id}`,
            action: `/issues/${id}/edit`,
            rows: issueConflictRows(values, toIssueInput(saved), choices),
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: () => {
          reply.flash('Issue updated')
          return reply.redirect(`/issues/${id}`, 303)
        },
      })
    },
  )

  const ASSUMPTION_FORM = 'raid/views/assumption-form.njk'
  app.get<{ Params: { id: number } }>(
    '/assumptions/:id/edit',
    { config: { policy: 'governance.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const a = await raidLog.getAssumption(scopeOf(request.actor!), request.params.id)
      if (!a) throw notFound('Assumption')
      return reply.render(ASSUMPTION_FORM, {
        title: 'Edit assumption',
        backLink: `/assumptions/${a.id}`,
        action: `/assumptions/${a.id}/edit`,
        version: a.version,
        ...assumptionFormContext(toAssumptionInput(a), {}, await people(reply, a.owner_person_id)),
      })
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/assumptions/:id/edit',
    { config: { policy: 'governance.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const id = request.params.id
      const values = readAssumptionForm(request.body)
      const choices = await people(reply, values.ownerPersonId)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      return handleForm(reply, {
        save: () => raidLog.updateAssumption(request.actor!, id, version, values),
        onInvalid: (errs) =>
          reply.render(
            ASSUMPTION_FORM,
            {
              title: 'Edit assumption',
              backLink: `/assumptions/${id}`,
              action: `/assumptions/${id}/edit`,
              version,
              ...assumptionFormContext(values, errs, choices),
            },
            400,
          ),
        onConflict: whenStale((err) => {
          const saved = err.current as Assumption
          return renderConflict(reply, {
            title: 'Assumption',
            recordUrl: `/assumptions/${id}`,
            action: `/assumptions/${id}/edit`,
            rows: assumptionConflictRows(values, saved, choices),
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: () => {
          reply.flash('Assumption updated')
          return reply.redirect(`/assumptions/${id}`, 303)
        },
      })
    },
  )

  const DEPENDENCY_FORM = 'raid/views/dependency-form.njk'
  /** The projects a dependency may be on: any the person can see, except its own. */
  async function projectOptions(scope: Scope, ownProjectId: number) {
    const list = await projects.listProjects(scope, { limit: 1000 })
    return [
      { value: '', text: 'Not another project' },
      ...list
        .filter((p) => p.id !== ownProjectId)
        .map((p) => ({ value: String(p.id), text: `${p.reference} – ${p.name}` })),
    ]
  }

  app.get<{ Params: { id: number } }>(
    '/dependencies/:id/edit',
    { config: { policy: 'governance.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const scope = scopeOf(request.actor!)
      const d = await raidLog.getDependency(scope, request.params.id)
      if (!d) throw notFound('Dependency')
      return reply.render(DEPENDENCY_FORM, {
        title: 'Edit dependency',
        backLink: `/dependencies/${d.id}`,
        action: `/dependencies/${d.id}/edit`,
        version: d.version,
        ...dependencyFormContext(toDependencyInput(d), null, {}, await projectOptions(scope, d.project_id)),
      })
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/dependencies/:id/edit',
    { config: { policy: 'governance.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const id = request.params.id
      const scope = scopeOf(request.actor!)
      const current = await raidLog.getDependency(scope, id)
      if (!current) throw notFound('Dependency')
      const options = await projectOptions(scope, current.project_id)
      const errors: Record<string, string> = {}
      const values = readDependencyForm(request.body, errors)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      const form = (errs: Record<string, string>) =>
        reply.render(
          DEPENDENCY_FORM,
          {
            title: 'Edit dependency',
            backLink: `/dependencies/${id}`,
            action: `/dependencies/${id}/edit`,
            version,
            ...dependencyFormContext(values, request.body, errs, options),
          },
          400,
        )
      if (Object.keys(errors).length > 0) return form({ ...validateDependency(values), ...errors })
      const projectName = (pid: number | null) =>
        pid === null ? '' : (options.find((o) => o.value === String(pid))?.text ?? '')
      return handleForm(reply, {
        save: () => raidLog.updateDependency(request.actor!, id, version, values),
        onInvalid: form,
        onConflict: whenStale((err) => {
          const saved = err.current as DependencyRow
          return renderConflict(reply, {
            title: 'Dependency',
            recordUrl: `/dependencies/${id}`,
            action: `/dependencies/${id}/edit`,
            rows: dependencyConflictRows(values, toDependencyInput(saved), projectName),
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: () => {
          reply.flash('Dependency updated')
          return reply.redirect(`/dependencies/${id}`, 303)
        },
      })
    },
  )
}
