import type { Kysely, Transaction } from 'kysely'
import { auditActorOf, scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import type { DB, Partner, PartnerSeparation } from '../../db/schema.ts'
import { h2, para, table, type Block, type PaperDocument } from '../../documents/document.model.ts'
import { formatDate, todayInLondon } from '../../domain/dates.ts'
import { formatMoney } from '../../domain/money.ts'
import { HttpError, notFound, ValidationError } from '../../errors.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { insertAudited, updateVersioned, type VersionedTable } from '../audit/versioned-update.ts'
import type { DecisionsService } from '../decisions/decisions.service.ts'
import { partnerOf, separationOf, sharedItems } from './separation.repository.ts'
import {
  ITEM_KINDS,
  outcomeText,
  splitByPercent,
  validateSeparation,
  type ItemChoice,
  type ItemKind,
  type SeparationInput,
  type SharedItem,
} from './separation.rules.ts'

/** Where each kind of shared record lives, and the name its history is filed under. */
const TABLES: Record<ItemKind, { table: VersionedTable; entityType: string }> = {
  project: { table: 'projects', entityType: 'project' },
  post: { table: 'posts', entityType: 'post' },
  person: { table: 'people', entityType: 'person' },
  recharge: { table: 'partner_recharges', entityType: 'partner_recharge' },
  funding: { table: 'budget_lines', entityType: 'budget_line' },
  risk: { table: 'risks', entityType: 'risk' },
  dependency: { table: 'dependencies', entityType: 'dependency' },
}

export class PartnershipEndedError extends HttpError {
  constructor(p: Partner) {
    super(409, `The partnership with ${p.name} already ended on ${formatDate(p.ended_on)}.`)
  }
}

interface Row {
  id: number
  organisation_id: number
  version: number
  updated_at: string
  [column: string]: unknown
}

/** The separation summary for the panel: what was shared, and what became of each record. */
export function separationSummary(
  partner: Pick<Partner, 'name'>,
  input: SeparationInput,
  items: readonly SharedItem[],
  decisionTitle: string,
  author: string,
): PaperDocument {
  const byKey = new Map(input.choices.map((c) => [`${c.kind}-${c.id}`, c]))
  const blocks: Block[] = [
    para(`The partnership with ${partner.name} ended on ${formatDate(input.endedOn)}.`),
    para(`Recorded as the decision “${decisionTitle}”.`),
    h2('Reasons'),
    para(input.reasons.trim()),
  ]
  if (items.length === 0) blocks.push(para('Nothing was shared with the partner.'))
  for (const kind of ITEM_KINDS) {
    const of = items.filter((i) => i.kind === kind.value)
    if (of.length === 0) continue
    blocks.push(h2(kind.text))
    const money = of.some((i) => i.amountPence !== undefined)
    blocks.push(
      table(
        kind.text,
        money ? [kind.one, 'About', 'Amount', 'Outcome'] : [kind.one, 'About', 'Outcome'],
        of.map((i) => {
          const outcome = outcomeText(i, byKey.get(`${i.kind}-${i.id}`)!)
          return money
            ? [i.title, i.detail ?? '', formatMoney(i.amountPence ?? 0), outcome]
            : [i.title, i.detail ?? '', outcome]
        }),
        money ? [2] : [],
      ),
    )
  }
  return {
    title: `Separation from ${partner.name}`,
    subtitle: `Partnership ended on ${formatDate(input.endedOn)}`,
    language: 'en-GB',
    author,
    blocks,
  }
}

/**
 * Ending a partnership: the guided process's reads, and its one transaction — every record's outcome, the
 * hand-over marks, the partner's end date and the decision commit together or not at all.
 */
export function createSeparationService(db: Kysely<DB>, decisions: DecisionsService) {
  async function load(scope: Scope, partnerId: number) {
    if (scope.partnerOnly) return undefined
    return partnerOf(db, scope.organisationId, partnerId)
  }

  async function current(trx: Transaction<DB>, actor: Actor, kind: ItemKind, id: number): Promise<Row> {
    const { table } = TABLES[kind]
    const t = trx as unknown as Kysely<Record<VersionedTable, Row>>
    return (await t
      .selectFrom(table)
      .selectAll()
      .where('organisation_id', '=', actor.organisationId)
      .where('id', '=', id)
      .executeTakeFirstOrThrow()) as Row
  }

  async function change(trx: Transaction<DB>, actor: Actor, kind: ItemKind, id: number, changes: object) {
    const row = await current(trx, actor, kind, id)
    return updateVersioned(trx, {
      ...TABLES[kind],
      actor,
      current: row,
      version: row.version,
      changes: changes,
    })
  }

  async function handOver(
    trx: Transaction<DB>,
    actor: Actor,
    kind: ItemKind,
    id: number,
    at: {
      partner: Partner
      separationId: number
      on: string
    },
  ) {
    const { entityType } = TABLES[kind]
    await trx
      .insertInto('handovers')
      .values({
        organisation_id: actor.organisationId,
        entity_type: entityType,
        entity_id: id,
        partner_id: at.partner.id,
        separation_id: at.separationId,
        handed_over_on: at.on,
      })
      .execute()
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actor: auditActorOf(actor),
      action: 'hand_over',
      entityType,
      entityId: id,
      after: { handed_over_to: at.partner.name, handed_over_on: at.on },
    })
  }

  async function apply(
    trx: Transaction<DB>,
    actor: Actor,
    item: SharedItem,
    c: ItemChoice,
    at: {
      partner: Partner
      separationId: number
      on: string
    },
  ) {
    if (c.choice === 'hand_over') return handOver(trx, actor, item.kind, item.id, at)
    if (c.choice === 'split') {
      const [council, partnerPart] = splitByPercent(item.amountPence ?? 0, c.councilPercent!)
      const original = await current(trx, actor, 'recharge', item.id)
      await change(trx, actor, 'recharge', item.id, { amount_pence: council })
      const part = await insertAudited(trx, {
        table: 'partner_recharges',
        entityType: 'partner_recharge',
        actor,
        values: {
          partner_id: at.partner.id,
          project_id: original.project_id as number,
          description: `${String(original.description)} (the partner’s share at separation)`.slice(0, 500),
          period: original.period as string,
          amount_pence: partnerPart,
          cost_basis: original.cost_basis as string,
        },
      })
      return handOver(trx, actor, 'recharge', part.id, at)
    }
    if (c.choice === 'keep') {
      // A person kept with the council now works for it: they are no longer the partner's staff.
      if (item.kind === 'person')
        await change(trx, actor, 'person', item.id, { partner_id: null, kind: 'employee' })
      return
    }
    // Closing.
    if (item.kind === 'project') await change(trx, actor, 'project', item.id, { stage: 'closed' })
    else if (item.kind === 'risk') await change(trx, actor, 'risk', item.id, { status: 'closed' })
    else if (item.kind === 'post') await change(trx, actor, 'post', item.id, { status: 'deleted' })
    else if (item.kind === 'person') {
      const holdings = await trx
        .selectFrom('post_holders')
        .selectAll()
        .where('organisation_id', '=', actor.organisationId)
        .where('person_id', '=', item.id)
        .where('starts_on', '<=', at.on)
        .where((eb) => eb.or([eb('ends_on', 'is', null), eb('ends_on', '>', at.on)]))
        .execute()
      for (const h of holdings)
        await updateVersioned(trx, {
          table: 'post_holders',
          entityType: 'post_holder',
          actor,
          current: h,
          version: h.version,
          changes: { ends_on: at.on },
        })
    }
  }

  /**
   * Ends the partnership on `input.endedOn`, inside `trx`. `decidedOn` is the date of the decision (today,
   * unless the demo records one in its past).
   */
  async function endIn(
    trx: Transaction<DB>,
    actor: Actor,
    partnerId: number,
    input: SeparationInput,
    decidedOn: string,
  ) {
    const partner = await partnerOf(trx, actor.organisationId, partnerId)
    if (!partner || scopeOf(actor).partnerOnly) throw notFound('Partner')
    if (partner.ended_on !== null) throw new PartnershipEndedError(partner)
    const items = await sharedItems(trx, partner)
    const errors = validateSeparation(input, items, partner.agreement_starts_on)
    if (Object.keys(errors).length > 0) throw new ValidationError(errors)
    const on = input.endedOn!
    const title = `End of the partnership with ${partner.name}`.slice(0, 200)
    const summary = separationSummary(partner, input, items, title, actor.name)
    const decision = await decisions.record(trx, scopeOf(actor), actor, {
      kind: 'partnership_end',
      title,
      decisionText: `The partnership with ${partner.name} ends on ${formatDate(on)}. What becomes of each of the ${items.length} records shared with it is set out in the separation summary.`,
      decidedOn,
      decidedByUserId: actor.userId,
      decidedByName: actor.name,
      capacity: 'delegated_officer',
      boardId: null,
      optionsConsidered: '',
      reasons: input.reasons.trim(),
      isKey: false,
      status: 'published',
      approvedBudgetPence: null,
      // No project links: a partner officer sees a decision through its linked projects, and a project shared
      // with this partner may be shared with another, whose officer must not read this partner's name. The
      // separation lists the records; the decision stays the council's.
      links: [],
    })
    const separation = await trx
      .insertInto('partner_separations')
      .values({
        organisation_id: actor.organisationId,
        partner_id: partner.id,
        ended_on: on,
        decision_id: decision.id,
        summary_json: JSON.stringify(summary),
        created_by: actor.userId,
        created_at: new Date().toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    const byKey = new Map(input.choices.map((c) => [`${c.kind}-${c.id}`, c]))
    const at = { partner, separationId: separation.id, on }
    for (const item of items) await apply(trx, actor, item, byKey.get(`${item.kind}-${item.id}`)!, at)
    await updateVersioned(trx, {
      table: 'partners',
      entityType: 'partner',
      actor,
      current: partner,
      version: partner.version,
      changes: {
        ended_on: on,
        agreement_ends_on:
          partner.agreement_ends_on === null || partner.agreement_ends_on > on
            ? on
            : partner.agreement_ends_on,
      },
    })
    return { separation, decision }
  }

  return {
    /** The partner, for the council's staff only: a partner officer never sees the separation pages. */
    partner: load,

    /** What is shared with the partner now, for the guided page. */
    async shared(scope: Scope, partnerId: number) {
      const partner = await load(scope, partnerId)
      if (!partner) return undefined
      return { partner, items: await sharedItems(db, partner) }
    },

    async separation(scope: Scope, partnerId: number): Promise<PartnerSeparation | undefined> {
      if (scope.partnerOnly) return undefined
      return separationOf(db, scope.organisationId, partnerId)
    },

    /** Ends the partnership, in one transaction of its own. */
    async end(actor: Actor, partnerId: number, input: SeparationInput, decidedOn = todayInLondon()) {
      return db.transaction().execute((trx) => endIn(trx, actor, partnerId, input, decidedOn))
    },

    /** The same, inside the caller's transaction (the demo loads its 2021 separation in its own). */
    endIn,
  }
}

export type SeparationService = ReturnType<typeof createSeparationService>
