import type { Kysely, Transaction } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../../auth/actor.ts'
import { allows } from '../../../auth/policy.ts'
import type { Role } from '../../../auth/roles.ts'
import { wholeOrganisation } from '../../../auth/visibility.ts'
import { foreignIdErrors, type ForeignId } from '../../../db/foreign-ids.ts'
import { ownRow } from '../../../db/owned-row.ts'
import type { DB, Indicator, IndicatorTarget, IndicatorValue } from '../../../db/schema.ts'
import { todayInLondon } from '../../../domain/dates.ts'
import { readPeriodFor, type Frequency } from '../../../domain/reporting-periods.ts'
import { ConflictError, forbidden, notFound, ValidationError } from '../../../errors.ts'
import { asItStood, type AsAt } from '../../audit/as-it-stood.ts'
import { insertAudited, updateVersioned } from '../../audit/versioned-update.ts'
import { ownerColumns, personChoices } from '../../resourcing/person-refs.ts'
import { indicatorsRepository as repo, type IndicatorLink } from './indicators.repository.ts'
import { readValue, validateIndicator, validateTarget, type IndicatorInput } from './indicators.rules.ts'
import { latestOf, seriesOf, type SeriesPoint } from './indicators.series.ts'

/** An indicator with what it measures and its periods, as pages, the API and the report show it. */
export interface IndicatorView {
  indicator: Indicator
  links: IndicatorLink[]
  series: SeriesPoint[]
  latest: SeriesPoint | null
}

export interface OwnerInput {
  personId: number | null
  name: string
}

/** One period's value or target as typed (a page) or sent (the API); `version` when correcting one held. */
export interface ValueInput {
  period: string
  value: string
  note: string
  version: number | null
}
export interface TargetInput {
  period: string
  target: string
  warning: string
  version: number | null
}

/** Those who keep the figures besides the indicator's owner (issue 11): the delivery and finance teams. */
const ENTERERS: readonly Role[] = ['administrator', 'programme_manager', 'project_manager', 'finance_officer']

const definition = (i: IndicatorInput) => ({
  name: i.name.trim(),
  description: i.description.trim(),
  unit: i.unit,
  scale: i.scale,
  polarity: i.polarity,
  frequency: i.frequency,
  rollup: i.rollup,
  group_name: i.groupName.trim(),
  data_source: i.dataSource.trim(),
  status: i.status,
})

/** Performance indicators (issue 11): definitions, links, targets and values. Rules in indicators.rules.ts. */
export function createIndicatorsService(db: Kysely<DB>) {
  async function views(
    scope: Scope,
    indicators: Indicator[],
    today = todayInLondon(),
  ): Promise<IndicatorView[]> {
    const ids = indicators.map((i) => i.id)
    const [links, targets, values] = await Promise.all([
      repo.links(db, scope, ids),
      repo.targets(db, scope.organisationId, ids),
      repo.values(db, scope.organisationId, ids),
    ])
    return indicators.map((indicator) => {
      const series = seriesOf(
        indicator,
        {
          values: values.filter((v) => v.indicator_id === indicator.id),
          targets: targets.filter((t) => t.indicator_id === indicator.id),
        },
        today,
      )
      return {
        indicator,
        links: links.filter((l) => l.indicatorId === indicator.id),
        series,
        latest: latestOf(series, today, indicator.frequency),
      }
    })
  }

  async function errorsOf(trx: Transaction<DB>, actor: Actor, i: IndicatorInput, exceptId: number | null) {
    const errors = validateIndicator(i)
    if (!errors.name && (await repo.nameTaken(trx, actor.organisationId, i.name, exceptId)))
      errors.name = 'An indicator with this name is already recorded'
    const refs: ForeignId[] = [
      ...i.ambitionIds.map((id): ForeignId => ({
        field: 'ambitionIds',
        table: 'ambitions',
        id,
        message: 'Choose ambitions from the list',
      })),
      ...i.programmeIds.map((id): ForeignId => ({ field: 'programmeIds', table: 'programmes', id })),
      ...i.projectIds.map((id): ForeignId => ({ field: 'projectIds', table: 'projects', id })),
    ]
    for (const [k, v] of Object.entries(await foreignIdErrors(trx, actor, refs))) errors[k] ??= v
    return errors
  }

  async function linksForAudit(trx: Transaction<DB>, actor: Actor, id: number) {
    const links = await repo.links(trx, wholeOrganisation(actor.organisationId), [id])
    return { measures: links.map((l) => `${l.kind}: ${l.title}`).join('; ') }
  }

  async function editable(trx: Transaction<DB>, actor: Actor, id: number) {
    const indicator = await repo.get(trx, scopeOf(actor), id)
    if (!indicator) throw notFound('Indicator')
    return indicator
  }

  async function canEnter(actor: Actor, indicator: Indicator, via: Kysely<DB> | Transaction<DB> = db) {
    return ENTERERS.includes(actor.role) || (await repo.isOwner(via, indicator, actor.userId))
  }

  /** Reads a period key for the indicator's frequency; a key that is not of it is a field error. */
  function periodOf(indicator: Indicator, text: string): string {
    const read = readPeriodFor(indicator.frequency as Frequency, text)
    if ('error' in read) throw new ValidationError({ period: read.error })
    return read.key
  }

  return {
    get: (scope: Scope, id: number) => repo.get(db, scope, id),
    list: (scope: Scope, w: { offset?: number; limit?: number } = {}) => repo.list(db, scope, w),
    views,
    async view(scope: Scope, id: number, today?: string): Promise<IndicatorView | undefined> {
      const indicator = await repo.get(db, scope, id)
      return indicator && (await views(scope, [indicator], today))[0]
    },
    async all(scope: Scope, today?: string): Promise<IndicatorView[]> {
      return views(scope, await repo.list(db, scope), today)
    },
    /** The indicators measuring an ambition, a programme or a project, for their pages and papers. */
    async measuring(scope: Scope, kind: 'ambition' | 'programme' | 'project', id: number, today?: string) {
      const ids = await repo.idsLinkedTo(db, scope, kind, id)
      return views(scope, await repo.list(db, scope, { ids }), today)
    },
    /** A target or value by id, for its history page (which finds its indicator within the reader's scope). */
    part: (scope: Scope, table: 'indicator_targets' | 'indicator_values', id: number) =>
      ownRow(db, table, scope, id),
    /**
     * The indicators measuring a programme or its projects as they stood at a paper's date (`at`): a value or
     * target recorded after it is left out, and one corrected since is shown as it was then (the audit trail).
     */
    async forProgrammeAsAt(scope: Scope, programmeId: number, at: AsAt): Promise<IndicatorView[]> {
      const ids = await repo.idsForProgramme(db, scope, programmeId)
      const indicators = await repo.list(db, scope, { ids })
      const org = scope.organisationId
      const then = async <R extends { id: number; created_at: string }>(type: string, rows: R[]) =>
        (await asItStood(db, org, type, rows, at)).filter((r) => r.created_at < at.instant)
      const [values, targets, links] = await Promise.all([
        repo.values(db, org, ids).then((rows) => then('indicator_value', rows)),
        repo.targets(db, org, ids).then((rows) => then('indicator_target', rows)),
        repo.links(db, scope, ids),
      ])
      return indicators.map((indicator) => {
        const series = seriesOf(
          indicator,
          {
            values: values.filter((v) => v.indicator_id === indicator.id),
            targets: targets.filter((t) => t.indicator_id === indicator.id),
          },
          at.date,
        )
        return {
          indicator,
          links: links.filter((l) => l.indicatorId === indicator.id),
          series,
          latest: latestOf(series, at.date, indicator.frequency),
        }
      })
    },
    canDefine: (actor: Actor) => allows('programme.write', actor.role),
    canEnter: (actor: Actor, indicator: Indicator) => canEnter(actor, indicator),

    async options(actor: Actor, chosenOwner: number | null) {
      const [people, links] = await Promise.all([
        personChoices(db, actor.organisationId, [chosenOwner]),
        repo.linkOptions(db, scopeOf(actor)),
      ])
      return { people, ...links }
    },

    async create(actor: Actor, input: IndicatorInput, owner: OwnerInput): Promise<Indicator> {
      return db.transaction().execute(async (trx) => {
        const errors = await errorsOf(trx, actor, input, null)
        if (Object.keys(errors).length > 0) throw new ValidationError(errors)
        const ownerCols = await ownerColumns(trx, actor, { field: 'ownerPersonId', ...owner })
        return insertAudited(trx, {
          table: 'indicators',
          entityType: 'indicator',
          actor,
          values: { ...definition(input), ...ownerCols },
          withParts: async (created) => {
            await repo.replaceLinks(trx, actor.organisationId, created.id, input)
            return linksForAudit(trx, actor, created.id)
          },
        })
      })
    },

    async update(actor: Actor, id: number, version: number, input: IndicatorInput, owner: OwnerInput) {
      return db.transaction().execute(async (trx) => {
        const current = await editable(trx, actor, id)
        if (current.version !== version) throw new ConflictError(current)
        const errors = await errorsOf(trx, actor, input, id)
        // A frequency or unit changed under held figures would make them mean something else.
        if (
          (input.frequency !== current.frequency ||
            input.unit !== current.unit ||
            input.scale !== current.scale) &&
          (await repo.values(trx, actor.organisationId, [id])).length +
            (await repo.targets(trx, actor.organisationId, [id])).length >
            0
        )
          errors.frequency ??=
            'This indicator has values or targets: its unit, decimal places and frequency cannot change. Add a new indicator instead'
        if (Object.keys(errors).length > 0) throw new ValidationError(errors)
        const ownerCols = await ownerColumns(trx, actor, { field: 'ownerPersonId', ...owner })
        const before = { ...current, ...(await linksForAudit(trx, actor, id)) }
        await repo.replaceLinks(trx, actor.organisationId, id, input)
        const changes = { ...definition(input), ...ownerCols }
        return updateVersioned(trx, {
          table: 'indicators',
          entityType: 'indicator',
          actor,
          current,
          version,
          changes,
          record: {
            before,
            after: { ...current, ...changes, version: version + 1, ...(await linksForAudit(trx, actor, id)) },
          },
        })
      })
    },

    /** Records or corrects one period's target and warning threshold. */
    async setTarget(actor: Actor, id: number, input: TargetInput): Promise<IndicatorTarget> {
      return db.transaction().execute(async (trx) => {
        const indicator = await editable(trx, actor, id)
        const errors: Record<string, string> = {}
        const read = readPeriodFor(indicator.frequency as Frequency, input.period)
        if ('error' in read) errors.period = read.error
        const target = readValue(indicator.unit, indicator.scale, input.target, 'Target')
        if (target === null) errors.target = 'Enter the target'
        else if ('error' in target) errors.target = target.error
        const warning = readValue(indicator.unit, indicator.scale, input.warning, 'Warning threshold')
        if (warning && 'error' in warning) errors.warning = warning.error
        if (Object.keys(errors).length === 0 && target && 'stored' in target)
          Object.assign(
            errors,
            validateTarget(
              indicator.polarity,
              target.stored,
              warning && 'stored' in warning ? warning.stored : null,
            ),
          )
        if (Object.keys(errors).length > 0 || !('key' in read) || !target || !('stored' in target))
          throw new ValidationError(errors)
        const values = {
          target: target.stored,
          warning: warning && 'stored' in warning ? warning.stored : null,
        }
        const held = await repo.target(trx, actor.organisationId, id, read.key)
        if (held) {
          if (input.version === null) throw new ConflictError(held)
          return updateVersioned(trx, {
            table: 'indicator_targets',
            entityType: 'indicator_target',
            actor,
            current: held,
            version: input.version,
            changes: values,
          })
        }
        if (input.version !== null) throw notFound('Target')
        return insertAudited(trx, {
          table: 'indicator_targets',
          entityType: 'indicator_target',
          actor,
          values: { indicator_id: id, period: read.key, ...values },
        })
      })
    },

    /** Records or corrects one period's value and note, with who entered it and when. */
    async setValue(actor: Actor, id: number, input: ValueInput, at = new Date()): Promise<IndicatorValue> {
      return db.transaction().execute(async (trx) => {
        const indicator = await editable(trx, actor, id)
        if (!(await canEnter(actor, indicator, trx))) throw forbidden()
        const errors: Record<string, string> = {}
        let period = ''
        try {
          period = periodOf(indicator, input.period)
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err
          Object.assign(errors, err.fields)
        }
        const value = readValue(indicator.unit, indicator.scale, input.value)
        if (value === null) errors.value = 'Enter the value'
        else if ('error' in value) errors.value = value.error
        if (input.note.length > 2000) errors.note = 'Note must be 2000 characters or fewer'
        if (Object.keys(errors).length > 0 || !value || !('stored' in value))
          throw new ValidationError(errors)
        const entered = {
          value: value.stored,
          note: input.note.trim(),
          entered_by: actor.userId,
          entered_by_name: actor.name,
          entered_at: at.toISOString(),
        }
        const held = await repo.value(trx, actor.organisationId, id, period)
        if (held) {
          // A value already held is corrected only by someone who has read it: its version says so.
          if (input.version === null) throw new ConflictError(held)
          return updateVersioned(trx, {
            table: 'indicator_values',
            entityType: 'indicator_value',
            actor,
            current: held,
            version: input.version,
            changes: entered,
          })
        }
        if (input.version !== null) throw notFound('Value')
        return insertAudited(trx, {
          table: 'indicator_values',
          entityType: 'indicator_value',
          actor,
          values: { indicator_id: id, period, import_id: null, ...entered },
        })
      })
    },
  }
}

export type IndicatorsService = ReturnType<typeof createIndicatorsService>
