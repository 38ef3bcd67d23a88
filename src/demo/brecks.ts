import { addDays, type IsoDate } from '../domain/dates.ts'
import { milestone, type DemoProgramme } from './demo-types.ts'
import { OTHER_COUNCIL_ADMIN_NAME } from './people.ts'

// The neighbouring council. Its strategic partnership with Marshland separated in 2021; in the demo it is a
// separate tenant with its own small programme, so signing in as its administrator shows that one council
// never sees another's records. It reports on the three-point scale, showing the scale is per organisation.

export function brecksProgramme(today: IsoDate): DemoProgramme {
  const rel = (days: number) => addDays(today, days)
  return {
    reference: 'BDP-2021',
    name: 'Brecks Digital Place Programme 2021–2024',
    purpose:
      'Digital services shaped around the district’s market towns, building on the place-based resilience forum ' +
      'approach taken during the pandemic.',
    sro: 'Naomi Burke, Director of Place',
    portfolioHolder: 'Cllr Peter Greaves, Executive Member for Customer and Digital',
    startDate: '2021-07-01',
    endDate: '2024-03-31',
    status: 'active',
    projects: [
      {
        reference: 'BDP-01',
        name: 'Resilience forum online hub',
        description:
          'An online hub for the place-based resilience forum: partners, volunteers and local services in one place.',
        projectManager: OTHER_COUNCIL_ADMIN_NAME,
        sponsor: 'Naomi Burke, Director of Place',
        stage: 'closed',
        shared: false,
        baselineStart: '2021-07-01',
        baselineEnd: '2022-03-31',
        forecastStart: '2021-07-05',
        forecastEnd: '2022-05-27',
        actualStart: '2021-07-05',
        actualEnd: '2022-05-27',
        milestones: [
          milestone(
            'Partners’ requirements agreed',
            '2021-09-30',
            '2021-10-15',
            '2021-10-15',
            'complete',
            false,
          ),
          milestone('Hub live', '2022-01-31', '2022-03-25', '2022-03-25', 'complete', true),
          milestone('Handed over to the forum', '2022-03-31', '2022-05-27', '2022-05-27', 'complete', true),
        ],
        reporter: 'administrator',
        reportsUntil: '2022-05',
        phases: [
          {
            to: '2021-12',
            rating: 'green',
            narrative: 'Requirements agreed with forum partners; build under way.',
            achievements: 'Requirements agreed.',
            nextSteps: 'Build and test the hub.',
            keyIssues: 'None.',
          },
          {
            to: '2022-05',
            rating: 'amber',
            narrative:
              'The hub went live in March, two months late, after partners asked for a volunteer directory. Handed over to the forum in May.',
            achievements: 'Hub live and handed over.',
            nextSteps: 'None: project closed.',
            keyIssues: 'Scope grew during build.',
          },
        ],
      },
      {
        reference: 'BDP-02',
        name: 'Digital inclusion hubs in market towns',
        description:
          'Drop-in help with getting online, in libraries and community centres in each market town.',
        projectManager: OTHER_COUNCIL_ADMIN_NAME,
        sponsor: 'Naomi Burke, Director of Place',
        stage: 'delivery',
        shared: false,
        baselineStart: '2022-04-01',
        baselineEnd: '2024-03-31',
        forecastStart: '2022-06-01',
        forecastEnd: rel(200),
        actualStart: '2022-06-01',
        actualEnd: null,
        milestones: [
          milestone('First three hubs open', '2022-10-31', '2022-11-30', '2022-11-30', 'complete', true),
          milestone(
            'Volunteer digital champions trained',
            '2023-06-30',
            '2023-09-29',
            '2023-09-29',
            'complete',
            false,
          ),
          milestone('Hubs open in all five towns', '2024-03-31', rel(90), null, 'in_progress', true),
        ],
        reporter: 'administrator',
        reportsFrom: 5,
        reportsUntil: 0,
        phases: [
          {
            to: 0,
            rating: 'amber',
            narrative:
              'Three of five hubs open and well used; the last two wait for venues, which the town councils are finding.',
            achievements: 'Over 400 people helped this year.',
            nextSteps: 'Confirm venues for the last two towns.',
            keyIssues: 'Venue availability.',
          },
        ],
      },
    ],
  }
}
