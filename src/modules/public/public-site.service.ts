import { setTenantOrganisation } from '../../db/tenant-context.ts'
import { createHmac } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { isRating, isRatingScaleId, ratingLabel, type RatingScaleId } from '../../domain/dca.ts'
import { HttpError, notFound } from '../../errors.ts'
import { projectStageLabel } from '../projects/projects.rules.ts'
import { effectiveStatus } from '../scrutiny/recommendation-status.ts'
import {
  actionStatusLabel,
  addresseeLabel,
  meetingStatusLabel,
  recommendationKindLabel,
  responseLabel,
  statusTag,
} from '../scrutiny/scrutiny.rules.ts'
import { programmeStatusLabel } from '../programmes/programmes.rules.ts'
import { capacityLabel } from '../decisions/decisions.rules.ts'
import { setImmediate } from 'node:timers/promises'
import { penceToDecimal } from '../../domain/money.ts'
import { AMBITION_STATUSES, labelOf } from '../outcomes/ambitions/ambitions.rules.ts'
import { OUTPUT_STATUSES, OUTPUT_TYPES } from '../outcomes/outputs/outputs.rules.ts'
import { createPublicSiteRepository, spendPage } from './public-site.repository.ts'
import { publicSupplier } from './spend-redaction.rules.ts'
import { publicIndicators, publicPlan } from './public-measures.ts'
import { brandOf, type Brand } from '../organisation/brand/brand.service.ts'
import type { PublicationService } from './publication.service.ts'
import type { PublishedType, WithholdableRecord } from './publication.rules.ts'

export interface PublicSite {
  organisation: { id: number; slug: string; name: string; ratingScale: RatingScaleId }
  /** The organisation's own look: its name as shown, header colour and logo. */
  brand: Brand
  types: PublishedType[]
  thresholdPence: number
  /** When the organisation last changed anything (ISO timestamp), for "Last updated" and Last-Modified. */
  updatedAt: string | null
  /** Whether the organisation lets the public subscribe: the pages of records one can follow link to the form. */
  subscriptionsOpen: boolean
  isWithheld(kind: WithholdableRecord, id: number): boolean
}

/**
 * The public site: what an organisation has published, and nothing else. Each read starts from the
 * publication settings and the withheld records as they are now (nothing is remembered between requests),
 * so unpublishing or withholding a record takes it off every page and dataset at once.
 */
export function createPublicSiteService(db: Kysely<DB>, publication: PublicationService, secret: string) {
  const repo = createPublicSiteRepository(db)

  /**
   * What a conditional GET needs before answering 304: the organisation, its change counter and what it
   * publishes. 404 when there is no such organisation or it does not publish `type` (or, for 'any', anything).
   */
  async function head(slug: string, type: PublishedType | 'any') {
    const org = await repo.organisationBySlug(slug)
    if (!org) throw notFound()
    // The page serves this organisation, whoever is signed in: its rows are the ones row security lets through.
    setTenantOrganisation(org.id)
    const settings = await publication.forSite(org.id)
    if (type === 'any' ? settings.types.length === 0 : !settings.types.includes(type)) throw notFound()
    return { org, settings, change: await repo.lastChange(org.id) }
  }

  return {
    head,

    /**
     * An entity tag for a page of an organisation's site as it stands: the page's address, the change counter
     * and the date (overdue responses move with the calendar), signed, so only a tag this server gave out
     * answers 304 and a guessed one learns nothing about a page it could not see.
     */
    etag(organisationId: number, seq: number, url: string): string {
      const mac = createHmac('sha256', secret)
        .update(`${organisationId}:${seq}:${todayInLondon()}:${url}`)
        .digest('base64url')
        .slice(0, 27)
      return `W/"${mac}"`
    },

    /** The site as it stands now, with the records withheld from it. */
    async site({ org, settings, change }: Awaited<ReturnType<typeof head>>): Promise<PublicSite> {
      const withheld = new Set(
        (await publication.withheld(org.id)).map((w) => `${w.record_type}:${w.record_id}`),
      )
      return {
        organisation: {
          id: org.id,
          slug: org.slug,
          name: org.display_name ?? org.name,
          ratingScale: isRatingScaleId(org.rating_scale) ? org.rating_scale : 'ipa5',
        },
        brand: brandOf(org),
        types: settings.types,
        thresholdPence: settings.thresholdPence,
        updatedAt: change.at,
        subscriptionsOpen: settings.subscriptionsOpen,
        isWithheld: (kind, id) => withheld.has(`${kind}:${id}`),
      }
    },

    /** The published programmes with their projects; with `only`, just that one (a programme's own page). */
    async programmes(site: PublicSite, only?: number) {
      const id = site.organisation.id
      const programmes = (await repo.programmes(id, only)).filter((p) => !site.isWithheld('programme', p.id))
      const projects = (
        await repo.projectsOf(
          id,
          programmes.map((p) => p.id),
        )
      ).filter((p) => !site.isWithheld('project', p.id))
      const latest = new Map<number, { period: string; rating: string }>()
      for (const r of await repo.latestStatusReportsOf(
        id,
        projects.map((p) => p.id),
      ))
        if (!latest.has(r.project_id)) latest.set(r.project_id, r)
      return programmes.map((p) => ({
        id: p.id,
        reference: p.reference,
        name: p.name,
        purpose: p.purpose,
        status: programmeStatusLabel(p.status),
        startDate: p.start_date,
        endDate: p.end_date,
        projects: projects
          .filter((j) => j.programme_id === p.id)
          .map((j) => {
            const report = latest.get(j.id)
            return {
              reference: j.reference,
              name: j.name,
              description: j.description,
              stage: projectStageLabel(j.stage),
              deliveryConfidence: ratingLabel(
                site.organisation.ratingScale,
                report && isRating(report.rating) ? report.rating : null,
              ),
              ratingPeriod: report?.period ?? null,
              forecastEnd: j.actual_end ?? j.forecast_end ?? j.baseline_end,
            }
          }),
      }))
    },

    async ambitions(site: PublicSite) {
      return (await repo.ambitions(site.organisation.id))
        .filter((a) => !site.isWithheld('ambition', a.id))
        .map((a) => ({
          title: a.title,
          statement: a.statement,
          theme: a.theme,
          horizonOn: a.horizon_on,
          status: labelOf(AMBITION_STATUSES, a.status),
        }))
    },

    /** Outputs of the projects shown: a withheld project or programme takes its outputs with it. */
    async outputs(site: PublicSite) {
      return (await repo.outputs(site.organisation.id))
        .filter(
          (o) =>
            !site.isWithheld('output', o.id) &&
            !site.isWithheld('project', o.project_id) &&
            !site.isWithheld('programme', o.programme_id),
        )
        .map((o) => ({
          project: o.project_reference,
          title: o.title,
          type: labelOf(OUTPUT_TYPES, o.type),
          description: o.description,
          plannedOn: o.planned_on,
          deliveredOn: o.delivered_on,
          status: labelOf(OUTPUT_STATUSES, o.status),
        }))
    },

    /**
     * Whether a record a member of the public may follow is on the site now: its type published and the record
     * not withheld (a recommendation not under a withheld or exempt item). A committee is on the site while
     * its meetings are published.
     */
    async shows(
      slug: string,
      kind: 'programme' | 'committee' | 'recommendation',
      id: number,
    ): Promise<boolean> {
      const type = kind === 'programme' ? 'programmes' : kind === 'committee' ? 'meetings' : 'recommendations'
      const found = await head(slug, type).catch((e: unknown) => {
        if (e instanceof HttpError && e.statusCode === 404) return null
        throw e
      })
      if (!found) return false
      const site = await this.site(found)
      if (kind === 'programme') return (await this.programmes(site, id)).length > 0
      if (kind === 'recommendation') return (await this.recommendations(site)).some((r) => r.id === id)
      return repo.hasCommittee(site.organisation.id, id)
    },

    indicators: (site: PublicSite) => publicIndicators(repo, site),

    forwardPlan: (site: PublicSite) => publicPlan(db, site),

    async meetings(site: PublicSite) {
      return (await repo.meetings(site.organisation.id))
        .filter((m) => !site.isWithheld('meeting', m.id))
        .map((m) => ({
          id: m.id,
          committeeId: m.committee_id,
          committee: m.committee,
          date: m.meeting_date,
          startTime: m.start_time,
          place: m.place,
          status: meetingStatusLabel(m.status),
        }))
    },

    /** A meeting's agenda, minutes and resolutions; an item withheld (a Part B item) is not shown at all. */
    async meeting(site: PublicSite, meetingId: number) {
      const meeting = (await this.meetings(site)).find((m) => m.id === meetingId)
      if (!meeting) throw notFound()
      const items = (await repo.agendaItems(site.organisation.id, meetingId)).filter(
        (i) => !site.isWithheld('agenda_item', i.id),
      )
      const resolutions = await repo.resolutionsOf(
        site.organisation.id,
        items.map((i) => i.id),
      )
      const recommendations = site.types.includes('recommendations')
        ? (await this.recommendations(site)).filter((r) => r.meetingId === meetingId)
        : []
      return {
        ...meeting,
        items: items.map((i) => ({
          number: i.number,
          title: i.title,
          purpose: i.purpose,
          reportsPresented: i.reports_presented,
          minutes: i.minutes,
          resolutions: resolutions.filter((r) => r.agenda_item_id === i.id).map((r) => r.text),
          recommendations: recommendations.filter((r) => r.agendaItemId === i.id),
        })),
      }
    },

    /**
     * The recommendation tracker. A recommendation made under a withheld meeting or agenda item is withheld
     * with it. Actions show no owner's name: officers appear by role only (the addressee's title).
     */
    async recommendations(site: PublicSite) {
      const today = todayInLondon()
      const recs = (await repo.recommendations(site.organisation.id)).filter(
        (r) =>
          !site.isWithheld('recommendation', r.id) &&
          !site.isWithheld('agenda_item', r.agenda_item_id) &&
          !site.isWithheld('meeting', r.meeting_id),
      )
      const actions = await repo.actionsOf(
        site.organisation.id,
        recs.map((r) => r.id),
      )
      const meetingsShown = site.types.includes('meetings')
      return recs.map((r) => {
        const status = statusTag(effectiveStatus(r, today))
        return {
          id: r.id,
          reference: r.reference,
          kind: recommendationKindLabel(r.kind),
          committee: r.committee,
          text: r.text,
          addressedTo: addresseeLabel(r.addressed_to),
          madeOn: r.made_on,
          responseDueOn: r.response_due_on,
          response: r.response === null ? null : responseLabel(r.response),
          responseReasons: r.response === null ? '' : r.response_reasons,
          respondedOn: r.responded_on,
          status: status.text,
          statusClasses: status.classes,
          outcome: r.evidence,
          meetingId: meetingsShown ? r.meeting_id : null,
          agendaItemId: r.agenda_item_id,
          actions: actions
            .filter((a) => a.recommendation_id === r.id)
            .map((a) => ({
              text: a.text,
              dueOn: a.due_on,
              status: actionStatusLabel(a.status),
              progress: a.evidence_text,
            })),
        }
      })
    },

    async decisions(site: PublicSite) {
      return (await repo.decisions(site.organisation.id))
        .filter((d) => !site.isWithheld('decision', d.id))
        .map((d) => ({
          id: d.id,
          title: d.title,
          decision: d.decision_text,
          decidedOn: d.decided_on,
          decidedBy: capacityLabel(d.capacity),
          reasons: d.reasons,
          keyDecision: d.is_key === 1,
        }))
    },

    /**
     * The programmes' spend from the ledger, a payment at a time, at or above the cost threshold, a page of
     * rows at a time so a year of transactions streams in constant memory. Suppliers who are individuals
     * are redacted (spend-redaction.rules.ts); a withheld programme or project's spend is left out.
     */
    async *spend(site: PublicSite) {
      let lastId = 0
      for (;;) {
        const rows = await spendPage(db, site.organisation.id, site.thresholdPence, lastId, 1000)
        if (rows.length === 0) return
        for (const r of rows) {
          if (site.isWithheld('programme', r.programme_id) || site.isWithheld('project', r.project_id))
            continue
          yield {
            programme: r.programme_reference,
            project: r.project_reference,
            month: r.period,
            date: r.transaction_date,
            supplier: publicSupplier(r.supplier_name),
            expenseType: r.expense_type,
            amount: penceToDecimal(Number(r.amount_pence)),
          }
        }
        lastId = rows[rows.length - 1]!.id
        // SQLite answers synchronously: let other requests in between pages.
        await setImmediate()
      }
    },
  }
}

export type PublicSiteService = ReturnType<typeof createPublicSiteService>
