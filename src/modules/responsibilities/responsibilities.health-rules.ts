import type { HealthRule } from '../governance/health.rules.ts'
import { wholeOrganisation } from '../../auth/visibility.ts'
import type { ResponsibilitiesService } from './responsibilities.service.ts'

/**
 * The responsibility matrix's governance health rule (issue 10): a live or planned service or asset nobody is
 * accountable for, or content no service area of the council owns.
 */
export function responsibilityHealthRules(service: ResponsibilitiesService): HealthRule[] {
  return [
    {
      id: 'asset-responsibility-gap',
      title: 'Service or asset without an owner',
      why: 'Every service and asset needs one accountable owner, and content needs a service area of the council responsible for it: the ICT partner runs the infrastructure, not the words.',
      lesson:
        'Members asked "the difference between what constituted digital content and infrastructure", and who was responsible for each.',
      async evaluate({ organisationId }) {
        const views = await service.all(wholeOrganisation(organisationId))
        return views
          .filter((v) => v.gaps.length > 0)
          .map((v) => ({
            recordType: 'service_asset',
            recordId: v.asset.id,
            title: v.asset.name,
            detail: v.gaps.map((g) => g.text).join('; '),
            url: `/responsibilities/${v.asset.id}`,
            programmeId: null,
            projectId: null,
          }))
      },
    },
  ]
}
