import type { Scope } from '../../auth/actor.ts'
import { dateItems, readDate } from '../../web/form-pages.ts'
import { errorList, field, optionalInt, type FormBody } from '../../web/forms.ts'
import type { ProgrammesService } from '../programmes/programmes.service.ts'
import type { DefinitionsService } from './definitions.service.ts'
import { DEFINITION_FIELD_ORDER, type DefinitionInput } from './definitions.rules.ts'

export function readDefinitionForm(body: FormBody, errors: Record<string, string>): DefinitionInput {
  return {
    programmeId: optionalInt(field(body, 'programmeId')),
    recommendationId: optionalInt(field(body, 'recommendationId')),
    title: field(body, 'title'),
    digitalMeaning: field(body, 'digitalMeaning'),
    digitalPrinciples: field(body, 'digitalPrinciples'),
    humanResources: field(body, 'humanResources'),
    digitalResources: field(body, 'digitalResources'),
    resourcesNarrative: field(body, 'resourcesNarrative'),
    responsibleUserId: optionalInt(field(body, 'responsibleUserId')),
    paperDueOn: readDate(body, 'paperDueOn', 'The date the paper will be ready', errors),
    deliveredBy: field(body, 'deliveredBy'),
    deliveryNarrative: field(body, 'deliveryNarrative'),
    implementationStart: readDate(body, 'implementationStart', 'Implementation start', errors),
    implementationEnd: readDate(body, 'implementationEnd', 'Implementation end', errors),
    timeframeNarrative: field(body, 'timeframeNarrative'),
    interimNarrative: field(body, 'interimNarrative'),
    interimOwnerUserId: optionalInt(field(body, 'interimOwnerUserId')),
  }
}

export const emptyDefinition = (): DefinitionInput => ({
  programmeId: null,
  recommendationId: null,
  title: '',
  digitalMeaning: '',
  digitalPrinciples: '',
  humanResources: '',
  digitalResources: '',
  resourcesNarrative: '',
  responsibleUserId: null,
  paperDueOn: null,
  deliveredBy: '',
  deliveryNarrative: '',
  implementationStart: null,
  implementationEnd: null,
  timeframeNarrative: '',
  interimNarrative: '',
  interimOwnerUserId: null,
})

export async function definitionFormContext(
  services: { definitions: DefinitionsService; programmes: ProgrammesService },
  scope: Scope,
  values: DefinitionInput,
  body: FormBody | null,
  errors: Record<string, string>,
) {
  const [programmes, recommendations, people] = await Promise.all([
    services.programmes.options(scope),
    services.definitions.recommendations(scope.organisationId),
    services.definitions.people(scope.organisationId),
  ])
  const personItems = (selected: number | null) => [
    { value: '', text: 'Not yet named' },
    ...people.map((p) => ({
      value: String(p.userId),
      text: `${p.name} (${p.roleLabel})`,
      selected: p.userId === selected,
    })),
  ]
  return {
    values,
    errors,
    errorList: errorList(errors, DEFINITION_FIELD_ORDER),
    programmeItems: [
      { value: '', text: 'Select a programme' },
      ...programmes.map((p) => ({
        value: String(p.id),
        text: `${p.reference} ${p.name}`,
        selected: p.id === values.programmeId,
      })),
    ],
    recommendationItems: [
      { value: '', text: 'None' },
      ...recommendations.map((r) => ({
        value: String(r.id),
        text: `${r.reference}: ${r.text.length > 80 ? `${r.text.slice(0, 77)}…` : r.text}`,
        selected: r.id === values.recommendationId,
      })),
    ],
    responsibleItems: personItems(values.responsibleUserId),
    interimOwnerItems: personItems(values.interimOwnerUserId),
    paperDueOnItems: dateItems(body, 'paperDueOn', values.paperDueOn, Boolean(errors.paperDueOn)),
    implementationStartItems: dateItems(
      body,
      'implementationStart',
      values.implementationStart,
      Boolean(errors.implementationStart),
    ),
    implementationEndItems: dateItems(
      body,
      'implementationEnd',
      values.implementationEnd,
      Boolean(errors.implementationEnd),
    ),
  }
}
