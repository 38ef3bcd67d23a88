import { crossOrganisation, setTenantOrganisation } from '../../db/tenant-context.ts'
import type { Kysely } from 'kysely'
import { sha256 } from '../../auth/digest.ts'
import type { DB } from '../../db/schema.ts'
import type { Mailer } from '../../mail/mailer.ts'
import { renderMail } from '../../mail/templates.ts'
import { clientNetwork, normaliseEmail } from '../auth/sign-in-throttle.ts'
import type { Followable } from './follows.rules.ts'
import { publicSubscriptionsRepository as repo } from './public-subscriptions.repository.ts'
import {
  CONFIRM_LINK_MS,
  PER_ADDRESS,
  PER_NETWORK,
  readPending,
  readUnsubscribe,
  signPending,
  THROTTLE_WINDOW_MS,
  unsubscribeToken,
} from './public-subscriptions.rules.ts'

export type RequestOutcome = 'sent' | 'too-many-from-network'

export function createPublicSubscriptionsService(
  db: Kysely<DB>,
  deps: {
    mailer: Mailer
    baseUrl: string
    /** PUBLIC_BASE_PATH: where the public site is served. */
    publicPath: string
    secret: string
    /** Whether the record is on the organisation's public site now, read on the connection given. */
    onPublicSite: (q: Kysely<DB>, slug: string, type: Followable, id: number) => Promise<boolean>
  },
) {
  const base = (slug: string) => `${deps.baseUrl}${deps.publicPath}/${encodeURIComponent(slug)}`

  return {
    async organisationOpenTo(slug: string) {
      // Which organisation the slug names, and whether it has turned subscriptions on, is read before the request
      // knows its organisation (a named exception); the form then serves that one, whose rows row security lets through.
      const org = await crossOrganisation('public site', () => repo.organisationOpenTo(db, slug))
      if (org) setTenantOrganisation(org.id)
      return org
    },
    /** Only a record on the public site can be followed from it: anything else is as if it did not exist. */
    onPublicSite: (slug: string, type: Followable, id: number) => deps.onPublicSite(db, slug, type, id),

    /**
     * A request to subscribe: counted per address (hashed) and per client network; within the limits, the
     * confirmation link is emailed. The answer is the same whether or not the address is subscribed or over
     * its limit, so the form tells no one who subscribes; only a network over its limit is told to wait.
     */
    async request(
      org: { id: number; name: string; slug: string },
      input: { email: string; recordType: Followable; recordId: number; ip: string },
      now: Date = new Date(),
    ): Promise<RequestOutcome> {
      const email = normaliseEmail(input.email)
      return db.transaction().execute(async (trx) => {
        const network = await repo.count(
          trx,
          sha256(`subscribe-network:${clientNetwork(input.ip)}`),
          now,
          THROTTLE_WINDOW_MS,
        )
        if (network > PER_NETWORK) return 'too-many-from-network'
        const address = await repo.count(trx, sha256(`subscribe-address:${email}`), now, THROTTLE_WINDOW_MS)
        if (address > PER_ADDRESS) return 'sent'
        const token = signPending(deps.secret, {
          organisationId: org.id,
          email,
          recordType: input.recordType,
          recordId: input.recordId,
          expires: now.getTime() + CONFIRM_LINK_MS,
        })
        const { text, html } = renderMail({
          heading: `Confirm your subscription to ${org.name}`,
          paragraphs: [
            'Someone, probably you, asked to be emailed when this changes on the council’s public pages.',
            'Confirm within 24 hours. If you did not ask, ignore this email: your address has not been kept.',
          ],
          link: {
            text: 'Confirm your subscription',
            url: `${base(org.slug)}/subscribe/confirm?token=${token}`,
          },
        })
        await deps.mailer.queue(trx, {
          organisationId: org.id,
          to: [email],
          subject: `Confirm your subscription to ${org.name}`,
          text,
          html,
        })
        deps.mailer.flushSoon()
        return 'sent'
      })
    },

    /** The request a confirmation token carries, for the organisation of the page, or why not. */
    pending(organisationId: number, token: string, now: Date = new Date()) {
      const p = readPending(deps.secret, token, now.getTime())
      if (typeof p === 'string') return p
      return p.organisationId === organisationId ? p : 'invalid'
    },

    /** Confirms: the address is stored now, and only now. */
    async confirm(organisationId: number, token: string, now: Date = new Date()) {
      const p = this.pending(organisationId, token, now)
      if (typeof p === 'string') return p
      await repo.subscribe(db, organisationId, p.email, p.recordType, p.recordId, now.toISOString())
      return p
    },

    /** Deletes the subscriber a valid token names; the same answer if it was already gone. */
    async unsubscribe(organisationId: number, token: string): Promise<boolean> {
      const id = readUnsubscribe(deps.secret, token)
      if (id === null) return false
      await repo.unsubscribe(db, organisationId, id)
      return true
    },

    /** Emails the public subscribers of a changed record, each with a one-click unsubscribe. */
    async tell(
      trx: Parameters<Mailer['queue']>[0],
      organisationId: number,
      type: Followable,
      id: number,
      change: { name: string; lines: string[]; since: string },
    ): Promise<number> {
      const subscribers = (await repo.subscribers(trx, organisationId, type, id)).filter(
        (s) => s.created_at <= change.since,
      )
      if (subscribers.length === 0) return 0
      const slug = await repo.slugOf(trx, organisationId)
      // An organisation that has since stopped public subscriptions sends nothing to its subscribers, and a
      // record since withheld or unpublished is not news to the public: not even its name leaves.
      if (!slug || !(await repo.organisationOpenTo(trx, slug))) return 0
      if (!(await deps.onPublicSite(trx, slug, type, id))) return 0
      for (const s of subscribers) {
        const unsubscribe = `${base(slug)}/unsubscribe?token=${unsubscribeToken(deps.secret, s.id)}`
        const { text, html } = renderMail({
          heading: `Changed: ${change.name}`,
          paragraphs: [
            'Something you subscribed to on the council’s public pages has changed.',
            ...change.lines,
            `The council’s public pages: ${base(slug)}/`,
          ],
          link: { text: 'Unsubscribe', url: unsubscribe },
        })
        await deps.mailer.queue(trx, {
          organisationId,
          to: [s.email],
          subject: `Changed: ${change.name}`,
          text,
          html,
          headers: {
            'List-Unsubscribe': `<${unsubscribe}>`,
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          },
        })
      }
      return subscribers.length
    },
  }
}

export type PublicSubscriptionsService = ReturnType<typeof createPublicSubscriptionsService>
