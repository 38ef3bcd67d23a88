import { crossOrganisation } from '../db/tenant-context.ts'
import { randomUUID } from 'node:crypto'
import type { ExpressionBuilder, Kysely, Transaction } from 'kysely'
import type { Transporter } from 'nodemailer'
import type { Config } from '../config.ts'
import type { DB } from '../db/schema.ts'

export interface OutgoingMail {
  organisationId: number | null
  to: string[]
  subject: string
  text: string
  html: string
  /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post on a subscriber's email. */
  headers?: Record<string, string>
}

export interface MailLogger {
  info(obj: Record<string, unknown>, msg: string): void
  warn(obj: Record<string, unknown>, msg: string): void
}

export interface FlushResult {
  sent: number
  kept: number
  failed: number
}

const MAX_ATTEMPTS = 5

/** How long a claim on a message lasts before another instance may take it; the sender renews it. */
const LEASE_MS = 2 * 60 * 1000

/**
 * Mail goes into the outbox inside the transaction that caused it, so a notification and its email commit
 * together; `flush` then delivers. Without SMTP_URL each message is logged (recipient count and subject
 * only — no addresses, no bodies) and stays in the outbox as `kept`, so nothing is lost silently.
 */
export function createMailer(
  db: Kysely<DB>,
  config: Pick<Config, 'smtpUrl' | 'mailFrom'>,
  opts: { instance?: string; leaseMs?: number } = {},
) {
  const instance = opts.instance ?? randomUUID()
  const leaseMs = opts.leaseMs ?? LEASE_MS
  const leaseUntil = () => new Date(Date.now() + leaseMs).toISOString()
  // nodemailer is loaded when the first message is sent, not at start-up: most processes never send one,
  // and it was several megabytes of every server's memory.
  let smtpUrl = config.smtpUrl
  let transport: Transporter | null = null
  async function transportFor(url: string): Promise<Transporter> {
    transport ??= (await import('nodemailer')).default.createTransport(url)
    return transport
  }
  let logger: MailLogger = { info: () => undefined, warn: () => undefined }
  let flushing: Promise<FlushResult> | null = null
  let again: Promise<FlushResult> | null = null

  async function deliverPending(): Promise<FlushResult> {
    const result: FlushResult = { sent: 0, kept: 0, failed: 0 }
    const now = new Date().toISOString()
    // Pending mail, and mail left "sending" by an instance that stopped (its lease ran out unrenewed).
    const leaseExpired = (eb: ExpressionBuilder<DB, 'mail_outbox'>) =>
      eb.and([
        eb('status', '=', 'sending'),
        eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', now)]),
      ])
    const pending = await db
      .selectFrom('mail_outbox')
      .selectAll()
      .where((eb) => eb.or([eb('status', '=', 'pending'), leaseExpired(eb)]))
      .orderBy('id')
      .limit(200)
      .execute()
    for (const mail of pending) {
      if (mail.status === 'sending' && mail.attempts >= MAX_ATTEMPTS) {
        // A message whose sender keeps dying mid-send is not retried for ever.
        await db
          .updateTable('mail_outbox')
          .set({ status: 'failed', last_error: 'The sending instance stopped before it finished, too often' })
          .where('id', '=', mail.id)
          .where((eb) => leaseExpired(eb))
          .execute()
        result.failed++
        continue
      }
      // Claim the row first: another instance flushing at the same moment must not send it twice.
      const claimed = await db
        .updateTable('mail_outbox')
        .set({
          status: 'sending',
          attempts: mail.attempts + 1,
          lease_owner: instance,
          lease_expires_at: leaseUntil(),
        })
        .where('id', '=', mail.id)
        .where((eb) => eb.or([eb('status', '=', 'pending'), leaseExpired(eb)]))
        .executeTakeFirst()
      if (Number(claimed.numUpdatedRows) !== 1) continue
      const recipients = JSON.parse(mail.recipients_json) as string[]
      if (!smtpUrl) {
        logger.info(
          { mailId: mail.id, recipients: recipients.length, subject: mail.subject },
          'Mail kept in the outbox: SMTP_URL is not set',
        )
        await db.updateTable('mail_outbox').set({ status: 'kept' }).where('id', '=', mail.id).execute()
        result.kept++
        continue
      }
      // Renew the lease while the mail server takes its time, so no other instance thinks this one died.
      const renewal = setInterval(
        () => {
          db.updateTable('mail_outbox')
            .set({ lease_expires_at: leaseUntil() })
            .where('id', '=', mail.id)
            .where('lease_owner', '=', instance)
            .where('status', '=', 'sending')
            .execute()
            .catch((err: unknown) =>
              logger.warn(
                { mailId: mail.id, error: err instanceof Error ? err.message : String(err) },
                'Mail lease not renewed',
              ),
            )
        },
        Math.max(50, Math.floor(leaseMs / 3)),
      )
      try {
        await (
          await transportFor(smtpUrl)
        ).sendMail({
          from: config.mailFrom,
          to: recipients,
          subject: mail.subject,
          text: mail.text_body,
          html: mail.html_body,
          ...(mail.headers_json ? { headers: JSON.parse(mail.headers_json) as Record<string, string> } : {}),
        })
        await db
          .updateTable('mail_outbox')
          .set({
            status: 'sent',
            sent_at: new Date().toISOString(),
            last_error: null,
            lease_expires_at: null,
          })
          .where('id', '=', mail.id)
          .execute()
        result.sent++
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err)
        const giveUp = mail.attempts + 1 >= MAX_ATTEMPTS
        logger.warn(
          { mailId: mail.id, recipients: recipients.length, subject: mail.subject, error: message },
          giveUp ? 'Mail could not be sent; kept in the outbox as failed' : 'Mail not sent; will retry',
        )
        await db
          .updateTable('mail_outbox')
          .set({
            status: giveUp ? 'failed' : 'pending',
            last_error: message.slice(0, 500),
            lease_expires_at: null,
          })
          .where('id', '=', mail.id)
          .execute()
        result.failed++
      } finally {
        clearInterval(renewal)
      }
    }
    return result
  }

  return {
    /** Queues a message inside the caller's transaction; a message with no recipients is not queued. */
    async queue(trx: Transaction<DB> | Kysely<DB>, mail: OutgoingMail): Promise<void> {
      const to = [...new Set(mail.to.filter((a) => a.includes('@')))]
      if (to.length === 0) return
      await trx
        .insertInto('mail_outbox')
        .values({
          organisation_id: mail.organisationId,
          recipients_json: JSON.stringify(to),
          subject: mail.subject,
          text_body: mail.text,
          html_body: mail.html,
          headers_json: mail.headers ? JSON.stringify(mail.headers) : null,
          status: 'pending',
          created_at: new Date().toISOString(),
        })
        .execute()
    },

    /**
     * Delivers what is pending when it is called. A run already going may have read the outbox before the
     * caller's message was committed, so a call made during a run is answered by one more run after it, shared
     * by every call made meanwhile (CI saw a confirmation email missing after `flush` on PostgreSQL).
     */
    flush(): Promise<FlushResult> {
      if (flushing === null) {
        // One run serves every caller, whichever organisation's request started it: it delivers the whole
        // outbox, a named exception to row security (db/tenant-context.ts).
        flushing = crossOrganisation('mail delivery', deliverPending).finally(() => {
          flushing = null
        })
        return flushing
      }
      again ??= flushing
        .catch(() => undefined)
        .then(() => {
          again = null
          return this.flush()
        })
      return again
    },

    /** Flushes after a commit without holding up the response; failures stay in the outbox. */
    flushSoon(): void {
      this.flush().catch((err: unknown) =>
        logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'Mail flush failed'),
      )
    },

    useLogger(l: MailLogger): void {
      logger = l
    },

    get configured(): boolean {
      return smtpUrl !== null
    },

    close(): void {
      transport?.close()
      transport = null
      smtpUrl = null
    },
  }
}

export type Mailer = ReturnType<typeof createMailer>
