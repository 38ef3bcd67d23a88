import { copyPersonName } from '../resourcing/person-refs.ts'
import type { Kysely, Transaction } from 'kysely'
import { scopeOf, SYSTEM_ACTOR, type Actor } from '../../auth/actor.ts'
import { wholeOrganisation } from '../../auth/visibility.ts'
import type { DB, Person } from '../../db/schema.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { notFound, ValidationError } from '../../errors.ts'
import { auditBy, updateVersioned, type SystemWriter } from '../audit/versioned-update.ts'
import { updateOrganisation } from '../organisation/organisation.service.ts'
import { peopleRepository } from '../resourcing/people.repository.ts'
import { privacyRepository as repo } from './privacy.repository.ts'
import {
  cutoffOf,
  erasedName,
  erasureProblem,
  periodsFrom,
  REASON_MAX,
  type RetentionPeriods,
} from './privacy.rules.ts'

// Erasure (UK GDPR Article 17) and storage limitation (Article 5(1)(e)). A person's record stays, so the
// posts they held, the secondments and whatever names them as owner keep something to point at, but
// everything that identifies them is overwritten; the audit trail records the erasure as a new event and
// its read path (audit/erased-values.ts) shows their old values as "erased".

async function eraseIn(
  trx: Transaction<DB>,
  writer: Actor | SystemWriter,
  person: Person,
  version: number,
  reason: string,
): Promise<{ userErased: boolean }> {
  const at = new Date().toISOString()
  const organisationId = person.organisation_id
  let userErased = false
  if (person.user_id !== null && !(await repo.activeElsewhere(trx, person.user_id, organisationId))) {
    // Their account's only remaining use was this organisation, which they have left.
    const here = await trx
      .selectFrom('memberships')
      .select('left_at')
      .where('user_id', '=', person.user_id)
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst()
    if (here === undefined || here.left_at !== null) {
      await repo.eraseUser(trx, person.user_id, at)
      userErased = true
    }
  }
  await repo.eraseDetails(trx, organisationId, person.id)
  await updateVersioned(trx, {
    table: 'people',
    entityType: 'person',
    actor: writer,
    current: person,
    version,
    changes: { name: erasedName(person.id), email: '', job_title: '', team: '', erased_at: at },
    action: 'erase',
    // The event must not carry what it erases: only that it happened, why, and what went with it.
    record: { after: { erased_at: at, reason, user_account_erased: userErased } },
  })
  // Records they own keep a copy of their name (resourcing/person-refs.ts): it becomes the placeholder too.
  await copyPersonName(trx, organisationId, person.id)
  return { userErased }
}

export function createPrivacyService(db: Kysely<DB>) {
  async function periods(organisationId: number): Promise<RetentionPeriods> {
    return periodsFrom(await repo.periodRows(db, organisationId))
  }

  /**
   * Erases and deletes what is past its retention period in one organisation. Idempotent: what it
   * erased is marked, what it deleted is gone, so a second run finds nothing.
   */
  async function sweep(organisationId: number, now: Date) {
    const p = await periods(organisationId)
    const system: SystemWriter = { organisationId, system: SYSTEM_ACTOR }
    const leftBy = cutoffOf(now, p.leavers).slice(0, 10)
    let leavers = 0
    for (;;) {
      const batch = await repo.leaversBefore(db, organisationId, leftBy, 100)
      for (const person of batch)
        await db.transaction().execute(async (trx) => {
          const current = await peopleRepository.get(trx, wholeOrganisation(organisationId), person.id)
          if (!current || current.erased_at !== null) return
          const { partner_name: _p, user_name: _u, ...row } = current
          await eraseIn(
            trx,
            system,
            row,
            row.version,
            `Retention period passed: ${p.leavers} days after leaving`,
          )
          leavers++
        })
      if (batch.length < 100) break
    }
    const sessions = await repo.deleteSessions(db, organisationId, cutoffOf(now, p.sessions))
    const tokens = await repo.deleteTokens(db, organisationId, cutoffOf(now, p.api_tokens))
    const notifications = await repo.deleteNotifications(db, organisationId, cutoffOf(now, p.notifications))
    const importFiles = await db
      .transaction()
      .execute((trx) => repo.deleteImportFiles(trx, organisationId, cutoffOf(now, p.import_files)))
    return { leavers, sessions, tokens, notifications, importFiles }
  }

  return {
    periods,
    sweep,

    /** What the privacy notice and the settings page show: the periods in force and who to contact. */
    async settings(organisationId: number) {
      const org = await repo.organisation(db, organisationId)
      return {
        periods: await periods(organisationId),
        contact: org?.data_protection_contact ?? '',
        organisationName: org?.name ?? null,
        version: org?.version ?? 0,
      }
    },

    /** The organisation the privacy notice describes to someone not signed in: the only one, if only one. */
    soleOrganisation: () => repo.soleOrganisation(db),

    /** An administrator sets the retention periods and the data protection contact, as one audited change. */
    saveSettings: (actor: Actor, version: number, periodsIn: Partial<RetentionPeriods>, contact: string) =>
      db.transaction().execute(async (trx) => {
        const before = periodsFrom(await repo.periodRows(trx, actor.organisationId))
        const { current } = await updateOrganisation(trx, actor, version, {
          data_protection_contact: contact,
        })
        await repo.savePeriods(trx, actor.organisationId, periodsIn)
        await auditBy(trx, actor, {
          action: 'update privacy settings',
          entityType: 'organisation',
          entityId: actor.organisationId,
          before: { retention_days: before, data_protection_contact: current.data_protection_contact },
          after: { retention_days: { ...before, ...periodsIn }, data_protection_contact: contact },
        })
      }),

    /** An administrator erases a person who has left, giving the reason the audit trail records. */
    erase: (actor: Actor, personId: number, version: number, reason: string) =>
      db.transaction().execute(async (trx) => {
        const found = await peopleRepository.get(trx, scopeOf(actor), personId)
        if (!found) throw notFound('Person')
        const { partner_name: _p, user_name: _u, ...person } = found
        const errors: Record<string, string> = {}
        const problem = erasureProblem(person, todayInLondon())
        if (problem) errors.confirm = problem
        if (reason.trim() === '') errors.reason = 'Enter why this person’s details are being erased'
        else if (reason.length > REASON_MAX)
          errors.reason = `The reason must be ${REASON_MAX} characters or fewer`
        if (Object.keys(errors).length > 0) throw new ValidationError(errors)
        return eraseIn(trx, actor, person, version, reason.trim())
      }),

    async sweepAll(now: Date) {
      const orgs = await db.selectFrom('organisations').select('id').orderBy('id').execute()
      const totals = { leavers: 0, sessions: 0, tokens: 0, notifications: 0, importFiles: 0 }
      for (const { id } of orgs) {
        const r = await sweep(id, now)
        for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += r[k]
      }
      return totals
    },
  }
}

export type PrivacyService = ReturnType<typeof createPrivacyService>
