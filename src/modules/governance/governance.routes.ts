import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import { ValidationError } from '../../errors.ts'
import { errorList, field, FormBody } from '../../web/forms.ts'

const Query = Type.Object({
  rule: Type.Optional(Type.String({ maxLength: 100 })),
  programme: Type.Optional(Type.String({ maxLength: 20 })),
})

/** The governance health check at /governance: counts per rule and per programme, with drill-down. */
export async function governanceRoutes(app: FastifyInstance) {
  const { governance } = app.services

  async function page(
    reply: FastifyReply,
    query: { rule?: string; programme?: string },
    errors: Record<string, string> = {},
    body: FormBody | null = null,
  ) {
    const actor = reply.request.actor!
    const check = await governance.run(scopeOf(actor))
    const programmeId =
      query.programme === 'none' ? null : query.programme ? Number(query.programme) : undefined
    const selected = check.results.find((r) => r.rule.id === query.rule)
    const programme =
      programmeId === undefined ? undefined : check.byProgramme.find((p) => p.id === programmeId)
    // Without a rule chosen, every finding is listed: a count alone does not say what to put right.
    const findings = (selected ? [selected] : check.results.filter((r) => r.enabled)).flatMap((r) =>
      r.findings
        .filter((f) => programmeId === undefined || f.programmeId === programmeId)
        .map((f) => ({ ...f, ruleTitle: r.rule.title })),
    )
    return reply.render(
      'governance/views/health.njk',
      {
        title: 'Governance health check',
        check,
        rules: check.results.map((r) => ({
          id: r.rule.id,
          title: r.rule.title,
          why: r.rule.why,
          lesson: r.rule.lesson,
          enabled: r.enabled,
          threshold: r.threshold,
          thresholdSpec: r.rule.threshold,
          thresholdValue: body
            ? field(body, `threshold-${r.rule.id}`)
            : r.threshold === null
              ? ''
              : String(r.threshold),
          count: r.findings.length,
        })),
        selected: selected && { id: selected.rule.id, title: selected.rule.title, why: selected.rule.why },
        programme,
        findings,
        drillDown: Boolean(selected || programme),
        canConfigure: allows('governance.configure', actor.role),
        errors,
        errorList: errorList(errors),
      },
      Object.keys(errors).length > 0 ? 400 : undefined,
    )
  }

  app.get<{ Querystring: { rule?: string; programme?: string } }>(
    '/governance',
    { config: { policy: 'portfolio.read' }, schema: { querystring: Query } },
    async (request, reply) => page(reply, request.query),
  )

  /** One form configures every rule: on or off, and its threshold where it has one. */
  app.post<{ Body: FormBody }>(
    '/governance/rules',
    { config: { policy: 'governance.configure' }, schema: { body: FormBody } },
    async (request, reply) => {
      const b = request.body
      const errors: Record<string, string> = {}
      const changes = governance.rules.map((rule) => {
        const raw = field(b, `threshold-${rule.id}`)
        let threshold: number | null = null
        if (rule.threshold && raw !== '') {
          if (/^\d{1,4}$/.test(raw)) threshold = Number(raw)
          else errors[`threshold-${rule.id}`] = `${rule.threshold.label} must be a whole number`
        }
        return { rule, enabled: field(b, `enabled-${rule.id}`) === 'on', threshold }
      })
      if (Object.keys(errors).length > 0) return page(reply, {}, errors, b)
      try {
        for (const c of changes)
          await governance.configure(request.actor!, c.rule.id, {
            enabled: c.enabled,
            threshold: c.threshold,
          })
      } catch (err) {
        if (err instanceof ValidationError) return page(reply, {}, err.fields ?? {}, b)
        throw err
      }
      reply.flash('Health check rules saved')
      return reply.redirect('/governance#rules', 303)
    },
  )
}
