import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import type { Claim } from '../../../db/schema.ts'
import { penceToDecimal } from '../../../domain/money.ts'
import { dateItems, readDate, readMoneyField } from '../../../web/form-pages.ts'
import { field, type FormBody } from '../../../web/forms.ts'
import { radios, type Field } from '../shared/finance.forms.ts'
import { CLAIM_STATUSES, type ClaimInput } from '../shared/finance.rules.ts'

/** Reads the claim form (add and change share it): money as pence, dates from GOV.UK date inputs. */
export function readClaimForm(b: FormBody, errors: Record<string, string>): ClaimInput {
  const id = (n: string) => {
    const x = Number(field(b, n))
    return Number.isSafeInteger(x) && x > 0 ? x : null
  }
  return {
    fundingStreamId: id('fundingStreamId'),
    projectId: id('projectId'),
    title: field(b, 'title'),
    eligiblePence: readMoneyField(field(b, 'eligible'), 'eligible', 'Eligible amount', errors, false),
    claimedPence: readMoneyField(field(b, 'claimed'), 'claimed', 'Amount claimed', errors, false),
    receivedPence: readMoneyField(field(b, 'received'), 'received', 'Amount received', errors, false),
    submittedOn: readDate(b, 'submittedOn', 'Date submitted', errors),
    receivedOn: readDate(b, 'receivedOn', 'Date received', errors),
    status: field(b, 'status'),
  }
}

/** The saved claim as form values, so the change form opens filled in. */
export function claimAsForm(c: Claim): FormBody {
  const date = (name: string, iso: string | null) => {
    const [y, m, d] = (iso ?? '').split('-')
    return {
      [`${name}-day`]: d ? String(Number(d)) : '',
      [`${name}-month`]: m ? String(Number(m)) : '',
      [`${name}-year`]: y ?? '',
    }
  }
  return {
    fundingStreamId: String(c.funding_stream_id),
    projectId: c.project_id === null ? '' : String(c.project_id),
    title: c.title,
    eligible: penceToDecimal(Number(c.eligible_pence)),
    claimed: penceToDecimal(Number(c.claimed_pence)),
    received: penceToDecimal(Number(c.received_pence)),
    ...date('submittedOn', c.submitted_on),
    ...date('receivedOn', c.received_on),
    status: c.status,
  }
}

export async function claimFormContext(
  app: FastifyInstance,
  actor: Actor,
  body: FormBody | null,
  hasError: (n: string) => boolean,
  edit?: { id: number; version: number },
): Promise<{
  title: string
  action: string
  backLink: string
  submitText: string
  version?: number
  fields: Field[]
}> {
  const { finance, projects } = app.services
  const scope = scopeOf(actor)
  const streams = await finance.fundingStreams(scope)
  const projectRows = await projects.listProjects(scope, { limit: 500 })
  const v = (n: string) => field(body ?? {}, n)
  return {
    title: edit ? 'Change the claim' : 'Add a claim',
    action: edit ? `/claims/${edit.id}/edit` : '/claims',
    backLink: edit ? `/claims/${edit.id}` : '/claims',
    submitText: edit ? 'Save changes' : 'Save claim',
    version: edit?.version,
    fields: [
      {
        name: 'fundingStreamId',
        type: 'select',
        label: 'Funding stream',
        items: [
          { value: '', text: 'Select a funding stream' },
          ...streams.map((s) => ({
            value: String(s.id),
            text: s.name,
            selected: String(s.id) === v('fundingStreamId'),
          })),
        ],
      },
      {
        name: 'projectId',
        type: 'select',
        label: 'Project',
        items: [
          { value: '', text: 'Not for one project' },
          ...projectRows.map((p) => ({
            value: String(p.id),
            text: `${p.reference} ${p.name}`,
            selected: String(p.id) === v('projectId'),
          })),
        ],
      },
      {
        name: 'title',
        label: 'Title',
        value: v('title'),
        hint: 'For example, overtime in the Grants team',
      },
      { name: 'eligible', type: 'money', label: 'Eligible amount', value: v('eligible') },
      { name: 'claimed', type: 'money', label: 'Amount claimed', value: v('claimed') },
      { name: 'received', type: 'money', label: 'Amount received', value: v('received') },
      {
        name: 'submittedOn',
        type: 'date',
        label: 'Date submitted',
        items: dateItems(body, 'submittedOn', null, hasError('submittedOn')),
      },
      {
        name: 'receivedOn',
        type: 'date',
        label: 'Date money received',
        items: dateItems(body, 'receivedOn', null, hasError('receivedOn')),
      },
      {
        name: 'status',
        type: 'radios',
        label: 'Status',
        items: radios(CLAIM_STATUSES, v('status') || 'draft'),
      },
    ],
  }
}
