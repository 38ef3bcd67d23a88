import type { Kysely } from 'kysely'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import type { DB } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import { showErased } from '../audit/erased-values.ts'
import { auditBy } from '../audit/versioned-update.ts'
import { peopleRepository } from '../resourcing/people.repository.ts'

// A subject access request (UK GDPR Article 15): everything this organisation holds about one person, as
// one JSON document an administrator can give them. Secrets are left out (session ids, token hashes and
// prefixes, password hashes): they are not information about the person, and would let the reader act as
// them. The export is itself recorded in the audit trail.

export async function subjectAccessExport(db: Kysely<DB>, actor: Actor, personId: number) {
  const organisationId = actor.organisationId
  const scope = scopeOf(actor)
  const found = await peopleRepository.get(db, scope, personId)
  if (!found) throw notFound('Person')
  const { partner_name, user_name: _u, organisation_id: _o, ...person } = found
  const [holdings, secondments, skills] = await Promise.all([
    peopleRepository.holdings(db, scope, { personId }),
    peopleRepository.secondments(db, scope, { personId }),
    peopleRepository.skillsOf(db, organisationId, [personId]),
  ])
  const userId = found.user_id
  const [user, membership, sessions, tokens, notifications] =
    userId === null
      ? [undefined, undefined, [], [], []]
      : await Promise.all([
          db
            .selectFrom('users')
            .select(['id', 'name', 'email', 'is_active', 'created_at', 'updated_at', 'erased_at'])
            .where('id', '=', userId)
            .executeTakeFirst(),
          db
            .selectFrom('memberships')
            .select(['id', 'role', 'partner_id', 'created_at', 'left_at'])
            .where('organisation_id', '=', organisationId)
            .where('user_id', '=', userId)
            .executeTakeFirst(),
          db
            .selectFrom('sessions')
            .select(['created_at', 'last_seen_at', 'expires_at', 'device', 'address'])
            .where('organisation_id', '=', organisationId)
            .where('user_id', '=', userId)
            .orderBy('created_at')
            .execute(),
          db
            .selectFrom('api_tokens')
            .select(['name', 'created_at', 'last_used_at', 'expires_at', 'revoked_at'])
            .where('organisation_id', '=', organisationId)
            .where('user_id', '=', userId)
            .orderBy('created_at')
            .execute(),
          db
            .selectFrom('notifications')
            .select(['kind', 'title', 'body', 'url', 'created_at', 'read_at'])
            .where('organisation_id', '=', organisationId)
            .where('user_id', '=', userId)
            .orderBy('created_at')
            .execute(),
        ])
  // The trail's events about them: their record, their secondments and posts held, and their membership.
  const about: Array<[string, string[]]> = [
    ['person', [String(personId)]],
    ['secondment', secondments.map((s) => String(s.id))],
    ['post_holder', holdings.map((h) => String(h.id))],
    ['membership', membership ? [String(membership.id)] : []],
  ]
  const events = await db
    .selectFrom('audit_events')
    .select(['seq', 'occurred_at', 'actor_user_id', 'actor_label', 'action', 'entity_type', 'entity_id'])
    .select(['before_json', 'after_json'])
    .where('organisation_id', '=', organisationId)
    .where((eb) =>
      eb.or(
        about
          .filter(([, ids]) => ids.length > 0)
          .map(([type, ids]) => eb.and([eb('entity_type', '=', type), eb('entity_id', 'in', ids)])),
      ),
    )
    .orderBy('seq')
    .execute()
  const shown = await showErased(db, organisationId, events)

  await db.transaction().execute((trx) =>
    auditBy(trx, actor, {
      action: 'subject access export',
      entityType: 'person',
      entityId: personId,
      after: { format: 'json', events: shown.length },
    }),
  )
  return {
    exportedAt: new Date().toISOString(),
    organisation: actor.organisationName,
    person: { ...person, employer: partner_name ?? actor.organisationName },
    postsHeld: holdings.map(({ organisation_id: _o, person_name: _n, ...h }) => h),
    secondments: secondments.map(({ organisation_id: _o, person_name: _n, ...s }) => s),
    skills: skills.map((s) => ({ skill: s.name, level: s.level })),
    userAccount: user ?? null,
    membership: membership ?? null,
    sessions,
    apiTokens: tokens,
    notifications,
    auditEvents: shown.map(({ before_json, after_json, actor_user_id: _a, ...e }) => ({
      ...e,
      before: before_json === null ? null : (JSON.parse(before_json) as unknown),
      after: after_json === null ? null : (JSON.parse(after_json) as unknown),
    })),
  }
}
