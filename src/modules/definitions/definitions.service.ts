import type { Kysely } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import { foreignIdErrors } from '../../db/foreign-ids.ts'
import type { DB, ProgrammeDefinition } from '../../db/schema.ts'
import { renderOne, type PaperFormat } from '../../documents/render.ts'
import { ConflictError, notFound, ValidationError } from '../../errors.ts'
import { insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import type { MilestonesService } from '../milestones/milestones.service.ts'
import type { OrganisationService } from '../organisation/organisation.service.ts'
import type { ProgrammesService } from '../programmes/programmes.service.ts'
import type { ProjectsService } from '../projects/projects.service.ts'
import { definitionPaper, type DefinitionPaperData } from './definitions.paper.ts'
import { createDefinitionsRepository } from './definitions.repository.ts'
import { completenessGaps, validateDefinition, type DefinitionInput } from './definitions.rules.ts'
import type { AmbitionsService } from '../outcomes/ambitions/ambitions.service.ts'

export interface DefinitionsDeps {
  programmes: ProgrammesService
  projects: ProjectsService
  milestones: MilestonesService
  organisation: OrganisationService
  /** The strategic ambitions the programme contributes to, listed under what ‘Digital’ means (issue 11). */
  ambitions: Pick<AmbitionsService, 'ofProgramme'>
}

export function toDefinitionInput(d: ProgrammeDefinition): DefinitionInput {
  return {
    programmeId: d.programme_id,
    recommendationId: d.recommendation_id,
    title: d.title,
    digitalMeaning: d.digital_meaning,
    digitalPrinciples: d.digital_principles,
    humanResources: d.human_resources,
    digitalResources: d.digital_resources,
    resourcesNarrative: d.resources_narrative,
    responsibleUserId: d.responsible_user_id,
    paperDueOn: d.paper_due_on,
    deliveredBy: d.delivered_by,
    deliveryNarrative: d.delivery_narrative,
    implementationStart: d.implementation_start,
    implementationEnd: d.implementation_end,
    timeframeNarrative: d.timeframe_narrative,
    interimNarrative: d.interim_narrative,
    interimOwnerUserId: d.interim_owner_user_id,
  }
}

function toRow(i: DefinitionInput & { programmeId: number }) {
  return {
    programme_id: i.programmeId,
    recommendation_id: i.recommendationId,
    title: i.title.trim(),
    digital_meaning: i.digitalMeaning.trim(),
    digital_principles: i.digitalPrinciples.trim(),
    human_resources: i.humanResources.trim(),
    digital_resources: i.digitalResources.trim(),
    resources_narrative: i.resourcesNarrative.trim(),
    responsible_user_id: i.responsibleUserId,
    paper_due_on: i.paperDueOn,
    delivered_by: i.deliveredBy.trim(),
    delivery_narrative: i.deliveryNarrative.trim(),
    implementation_start: i.implementationStart,
    implementation_end: i.implementationEnd,
    timeframe_narrative: i.timeframeNarrative.trim(),
    interim_narrative: i.interimNarrative.trim(),
    interim_owner_user_id: i.interimOwnerUserId,
  }
}

export function createDefinitionsService(db: Kysely<DB>, deps: DefinitionsDeps) {
  const repo = createDefinitionsRepository(db)

  /** Rules, then the references: the programme, recommendation and people must be this organisation's. */
  async function checked(actor: Actor, input: DefinitionInput) {
    const errors = validateDefinition(input)
    if (input.programmeId !== null && !(await deps.programmes.get(scopeOf(actor), input.programmeId)))
      errors.programmeId = 'Select the programme the paper defines'
    const references = await foreignIdErrors(db, actor, [
      {
        field: 'recommendationId',
        table: 'recommendations',
        id: input.recommendationId,
        message: 'Select a recommendation from the list',
      },
      {
        field: 'responsibleUserId',
        table: 'users',
        id: input.responsibleUserId,
        message: 'Select a person from the list',
      },
      {
        field: 'interimOwnerUserId',
        table: 'users',
        id: input.interimOwnerUserId,
        message: 'Select a person from the list',
      },
    ])
    for (const [field, message] of Object.entries(references)) errors[field] ??= message
    if (Object.keys(errors).length > 0 || input.programmeId === null) throw new ValidationError(errors)
    return toRow({ ...input, programmeId: input.programmeId })
  }

  async function paperData(actor: Actor, d: ProgrammeDefinition): Promise<DefinitionPaperData> {
    const scope = scopeOf(actor)
    const programme = await deps.programmes.get(scope, d.programme_id)
    if (!programme) throw notFound('Programme')
    const projects = await deps.projects.forProgramme(scope, programme.id)
    const keyMilestones = (
      await Promise.all(
        projects.map(async (p) =>
          (await deps.milestones.listForProject(scope, p.id))
            .filter((m) => m.is_key === 1)
            .map((m) => ({ ...m, projectReference: p.reference })),
        ),
      )
    ).flat()
    const names = new Map(
      (await deps.organisation.members(actor.organisationId)).map((m) => [m.userId, m.name]),
    )
    const input = toDefinitionInput(d)
    const recommendation =
      d.recommendation_id === null
        ? null
        : ((await repo.recommendations(actor.organisationId, d.recommendation_id))[0] ?? null)
    return {
      input,
      programme,
      recommendation,
      responsibleName: (d.responsible_user_id !== null && names.get(d.responsible_user_id)) || null,
      interimOwnerName: (d.interim_owner_user_id !== null && names.get(d.interim_owner_user_id)) || null,
      projects,
      keyMilestones,
      ambitions: (await deps.ambitions.ofProgramme(scope, programme.id)).map((a) => ({
        id: a.id,
        title: a.title,
      })),
      gaps: completenessGaps(input, { keyMilestones: keyMilestones.length }),
      organisationName: actor.organisationName,
      author: actor.name,
    }
  }

  return {
    list: (scope: Scope, f: { programmeId?: number; offset?: number; limit?: number }) => repo.list(scope, f),
    get: (scope: Scope, id: number) => repo.get(scope, id),
    recommendations: (organisationId: number) => repo.recommendations(organisationId),
    people: (organisationId: number) => deps.organisation.members(organisationId),

    /** Everything the definition's page and paper show, with the completeness check against the six points. */
    paperData,

    async paper(actor: Actor, d: ProgrammeDefinition, format: PaperFormat): Promise<Buffer> {
      return renderOne(definitionPaper(await paperData(actor, d)), format)
    },

    async create(actor: Actor, input: DefinitionInput): Promise<ProgrammeDefinition> {
      const row = await checked(actor, input)
      return db.transaction().execute(async (trx) => {
        return insertAudited(trx, {
          table: 'programme_definitions',
          entityType: 'programme_definition',
          actor,
          values: row,
        })
      })
    },

    /** Applies a change made against `version`; a stale version writes nothing and raises ConflictError. */
    async update(
      actor: Actor,
      id: number,
      version: number,
      patch: Partial<DefinitionInput>,
    ): Promise<ProgrammeDefinition> {
      const current = await repo.get(scopeOf(actor), id)
      if (!current) throw notFound('Programme definition')
      if (current.version !== version) throw new ConflictError(current)
      const row = await checked(actor, { ...toDefinitionInput(current), ...patch })
      return db.transaction().execute((trx) =>
        updateVersioned(trx, {
          table: 'programme_definitions',
          entityType: 'programme_definition',
          actor,
          current,
          version,
          changes: row,
        }),
      )
    },
  }
}

export type DefinitionsService = ReturnType<typeof createDefinitionsService>
