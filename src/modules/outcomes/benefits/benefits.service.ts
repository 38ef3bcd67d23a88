import type { Kysely, Transaction } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../../auth/actor.ts'
import { foreignIdErrors, type ForeignId } from '../../../db/foreign-ids.ts'
import type { Benefit, DB } from '../../../db/schema.ts'
import { todayInLondon, type IsoDate } from '../../../domain/dates.ts'
import { parseFinancialYear } from '../../../domain/periods.ts'
import { ConflictError, notFound, ValidationError } from '../../../errors.ts'
import { insertAudited, updateVersioned } from '../../audit/versioned-update.ts'
import { resolvePeople } from '../../resourcing/person-refs.ts'
import {
  benefitsRepository as repo,
  type BenefitFilter,
  type BenefitRow,
  type ProfileYear,
} from './benefits.repository.ts'
import {
  formatValue,
  normalisedProfile,
  profileTotals,
  validateBenefit,
  withRealised,
  type BenefitInput,
  type ProfileTotals,
} from './benefits.rules.ts'
import { benefitRow } from './benefits.view.ts'

/** A benefit with its realisation profile and totals, as pages, the API and the exports show it. */
export interface BenefitView {
  benefit: BenefitRow
  profile: ProfileYear[]
  totals: ProfileTotals
}

const benefitValues = (b: BenefitInput) => {
  const cashable = b.type === 'cashable'
  return {
    title: b.title.trim(),
    description: b.description.trim(),
    type: b.type,
    dis_benefit: b.disBenefit ? 1 : 0,
    unit: cashable ? '£' : b.unit.trim(),
    ambition_id: b.ambitionId,
    indicator_id: b.indicatorId,
    baseline_year: parseFinancialYear(b.baselineYear)?.label ?? null,
    baseline_value: b.baselineValue,
    target_value: b.targetValue,
    target_on: b.targetOn,
    mtfs: cashable && b.mtfs ? 1 : 0,
  }
}

/** The profile in one line, for the audit event: the history page shows it changing. */
const profileLine = (b: { type: string; unit: string }, profile: BenefitInput['profile']) =>
  profile
    .map(
      (p) =>
        `${p.year}: planned ${formatValue(p.planned, b.type, b.unit)}, realised ${p.realised === null ? 'not recorded' : formatValue(p.realised, b.type, b.unit)}`,
    )
    .join('; ')

/** The benefits register (issue 11). Rules in benefits.rules.ts. */
export function createBenefitsService(db: Kysely<DB>) {
  async function errorsOf(trx: Transaction<DB>, actor: Actor, b: BenefitInput, today: IsoDate) {
    const errors = validateBenefit(b, today)
    const refs: ForeignId[] = [
      { field: 'projectId', table: 'projects', id: b.projectId },
      // Named with a project too, the programme must still be one of ours (the API property test sent another
      // council's, which was ignored and so accepted); the project's own programme is the one kept.
      { field: 'programmeId', table: 'programmes', id: b.programmeId },
      {
        field: 'ambitionId',
        table: 'ambitions',
        id: b.ambitionId,
        message: 'Choose an ambition from the list',
      },
      {
        field: 'indicatorId',
        table: 'indicators',
        id: b.indicatorId,
        message: 'Choose an indicator from the list',
      },
      { field: 'ownerPersonId', table: 'people', id: b.ownerPersonId },
    ]
    const foreign = await foreignIdErrors(trx, actor, refs)
    for (const [k, v] of Object.entries(foreign)) errors[k] ??= v
    if (b.projectId === null && b.programmeId === null)
      errors.projectId ??= 'Choose the project the benefit comes from, or its programme'
    return errors
  }

  async function views(scope: Scope, rows: BenefitRow[]): Promise<BenefitView[]> {
    const years = await repo.profiles(
      db,
      scope.organisationId,
      rows.map((r) => r.id),
    )
    return rows.map((benefit) => {
      const profile = years.filter((y) => y.benefitId === benefit.id)
      return { benefit, profile, totals: profileTotals(profile) }
    })
  }

  async function prepare(trx: Transaction<DB>, actor: Actor, input: BenefitInput) {
    const b = { ...input, profile: normalisedProfile(input.profile) }
    const errors = await errorsOf(trx, actor, input, todayInLondon())
    if (Object.keys(errors).length > 0) throw new ValidationError(errors)
    const [owner] = await resolvePeople(trx, actor, [
      { field: 'ownerPersonId', personId: b.ownerPersonId, name: b.ownerName },
    ])
    return { b, owner: owner! }
  }

  return {
    get: (scope: Scope, id: number) => repo.get(db, scope, id),
    list: (scope: Scope, f: BenefitFilter = {}, w: { offset?: number; limit?: number } = {}) =>
      repo.list(db, scope, f, w),
    views,
    async view(scope: Scope, id: number): Promise<BenefitView | undefined> {
      const row = await repo.get(db, scope, id)
      return row && (await views(scope, [row]))[0]
    },
    /** The programme page's section: the benefits of the whole programme (not of one project), as rows. */
    async programmeRows(scope: Scope, programmeId: number) {
      const rows = (await repo.list(db, scope, { programmeId })).filter((b) => b.project_id === null)
      return (await views(scope, rows)).map(benefitRow)
    },
    /** The project page's section: its benefits as rows. */
    async projectRows(scope: Scope, projectId: number) {
      return (await views(scope, await repo.list(db, scope, { projectId }))).map(benefitRow)
    },
    options: (scope: Scope) => repo.options(db, scope),

    async create(actor: Actor, input: BenefitInput): Promise<Benefit> {
      return db.transaction().execute(async (trx) => {
        const { b, owner } = await prepare(trx, actor, input)
        const programmeId =
          b.projectId === null
            ? b.programmeId!
            : (await repo.programmeOf(trx, actor.organisationId, b.projectId))!
        const values = {
          ...benefitValues(b),
          programme_id: programmeId,
          project_id: b.projectId,
          owner_person_id: owner.id,
          owner: owner.name,
        }
        return insertAudited(trx, {
          table: 'benefits',
          entityType: 'benefit',
          actor,
          values,
          // The creation event holds the profile too, so the history starts complete.
          withParts: async (created) => {
            await repo.replaceProfile(trx, actor.organisationId, created.id, b.profile)
            return { profile: profileLine(values, b.profile) }
          },
        })
      })
    },

    /**
     * The realised values of a cashable benefit's profile years, as finance records them: the rest of the
     * benefit, and which years it has, are the project's to change. Under the benefit's version.
     */
    async recordRealised(
      actor: Actor,
      id: number,
      version: number,
      realised: ReadonlyArray<{ year: string; realised: number | null }>,
    ): Promise<Benefit> {
      return db.transaction().execute(async (trx) => {
        const seen = await repo.get(trx, scopeOf(actor), id)
        const current = seen && (await repo.record(trx, actor.organisationId, seen.id))
        if (!current) throw notFound('Benefit')
        if (current.version !== version) throw new ConflictError(current)
        const before = await repo.profiles(trx, actor.organisationId, [id])
        const { profile, errors } = withRealised(current, before, realised, todayInLondon())
        if (Object.keys(errors).length > 0) throw new ValidationError(errors)
        await repo.replaceProfile(trx, actor.organisationId, id, profile)
        return updateVersioned(trx, {
          table: 'benefits',
          entityType: 'benefit',
          actor,
          current,
          version,
          changes: {},
          record: {
            before: { ...current, profile: profileLine(current, before) },
            after: { ...current, version: version + 1, profile: profileLine(current, profile) },
          },
        })
      })
    },

    async update(actor: Actor, id: number, version: number, input: BenefitInput): Promise<Benefit> {
      return db.transaction().execute(async (trx) => {
        const seen = await repo.get(trx, scopeOf(actor), id)
        const current = seen && (await repo.record(trx, actor.organisationId, seen.id))
        if (!current) throw notFound('Benefit')
        if (current.version !== version) throw new ConflictError(current)
        // The project (or programme) is the benefit's home: it is not moved by an edit.
        const { b, owner } = await prepare(trx, actor, {
          ...input,
          projectId: current.project_id,
          programmeId: current.programme_id,
        })
        const before = await repo.profiles(trx, actor.organisationId, [id])
        const changes = { ...benefitValues(b), owner_person_id: owner.id, owner: owner.name }
        await repo.replaceProfile(trx, actor.organisationId, id, b.profile)
        const row = current
        return updateVersioned(trx, {
          table: 'benefits',
          entityType: 'benefit',
          actor,
          current: row,
          version,
          changes,
          record: {
            before: { ...row, profile: profileLine(row, before) },
            after: { ...row, ...changes, version: version + 1, profile: profileLine(changes, b.profile) },
          },
        })
      })
    },
  }
}

export type BenefitsService = ReturnType<typeof createBenefitsService>
