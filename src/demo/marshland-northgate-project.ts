import { addDays, type IsoDate } from '../domain/dates.ts'
import { milestone, until, type DemoProject } from './demo-types.ts'
import { PEOPLE } from './people.ts'

// The third project PSPS delivers with the council (with the website and forms projects in
// marshland-shared-projects.ts): the link from the Goss platform to the Northgate revenues and benefits
// system. Shared with the partner officer; its dates follow the same 2019 baseline.

export function northgateProject(today: IsoDate): DemoProject {
  const rel = (days: number) => addDays(today, days)
  return {
    reference: 'ICT-05',
    name: 'Northgate system integration',
    description:
      'Link the online forms and customer account on the Goss platform to the Northgate revenues and benefits ' +
      'system, which PSPS hosts, so that council tax and benefits requests reach the back office without ' +
      'rekeying. The digital part is cloud hosted on Goss and links back to infrastructure PSPS already hosts; ' +
      'the content belongs to the Revenues and Benefits service.',
    projectManager: PEOPLE.project_manager,
    sponsor: 'Karen Holt, Revenues and Benefits Manager',
    stage: 'delivery',
    shared: true,
    baselineStart: '2020-01-06',
    baselineEnd: '2021-03-31',
    forecastStart: '2020-10-05',
    forecastEnd: rel(95),
    actualStart: '2020-10-05',
    actualEnd: null,
    was: { until: '2022-01-07', stage: 'delivery', forecastEnd: '2022-03-31', actualEnd: null },
    milestones: [
      milestone(
        'Integration design agreed with PSPS and Northgate',
        '2020-03-31',
        '2021-01-29',
        '2021-01-29',
        'complete',
        true,
      ),
      milestone(
        'Council tax change of address integration live',
        '2020-09-30',
        '2021-09-17',
        '2021-09-17',
        'complete',
        false,
      ),
      milestone(
        'Benefits change of circumstances integration live',
        '2020-12-18',
        '2022-11-30',
        '2022-11-30',
        'complete',
        false,
      ),
      until(
        milestone(
          'Northgate moved to the release hosted by PSPS',
          '2022-03-31',
          rel(-35),
          null,
          'in_progress',
          true,
          'PSPS’s hosting migration; the remaining integration work depends on it.',
        ),
        '2022-02-04',
        { forecast: '2022-03-31', status: 'not_started' },
      ),
      until(
        milestone('Customer account linked to Northgate', '2021-03-31', rel(60), null, 'not_started', true),
        '2022-01-07',
        { forecast: '2021-12-17', status: 'not_started' },
      ),
      milestone(
        'Manual rekeying stopped and project closed',
        '2021-03-31',
        rel(95),
        null,
        'not_started',
        false,
      ),
    ],
    reporter: 'project_manager',
    // The report for this month is still to come: the dashboard shows it as missing.
    reportsUntil: 1,
    phases: [
      {
        to: '2021-03',
        rating: 'amber',
        narrative:
          'Started in October, nine months late, after the digital officer came back from the Covid response. The integration design was agreed with PSPS and Northgate at the end of January.',
        achievements: 'Integration design agreed.',
        nextSteps: 'Build and test the council tax change of address integration.',
        keyIssues: 'Test environment availability at PSPS.',
      },
      {
        to: '2021-12',
        rating: 'amber',
        narrative:
          'Members asked the difference between digital content and infrastructure: the digital aspect is cloud hosted on the Goss platform and links back to infrastructure PSPS already hosts, such as Northgate; the content is the service’s.',
        achievements: 'Council tax change of address integration live in September.',
        nextSteps: 'Benefits change of circumstances integration.',
        keyIssues: 'PSPS resourcing after the separation of the partnership with Brecks.',
      },
      {
        to: '2022-12',
        rating: 'amber_green',
        narrative: 'Benefits change of circumstances now goes straight into Northgate.',
        achievements: 'Benefits integration live in November.',
        nextSteps: 'Agree the date of PSPS’s move to the hosted Northgate release.',
        keyIssues: 'The customer account depends on the hosted release.',
      },
      {
        to: '2023-12',
        rating: 'amber',
        narrative:
          'Waiting for PSPS to move Northgate to its hosted release; the remaining integration work is paused until then.',
        achievements: 'Resilience reviewed with PSPS: mitigations reduce the impact of a network failure.',
        nextSteps: 'PSPS to confirm the migration date.',
        keyIssues: 'Dependency on the PSPS hosting migration.',
      },
      {
        to: '2024-12',
        rating: 'amber_red',
        narrative:
          'The hosting migration has slipped twice. The customer account cannot be linked until it is done.',
        achievements: 'Migration rehearsal completed by PSPS.',
        nextSteps: 'Escalate the migration date to the PSPS board.',
        keyIssues: 'Repeated slippage of the hosting migration.',
      },
      {
        to: 1,
        rating: 'amber',
        narrative:
          'The move to the hosted Northgate release is now late against its forecast; PSPS expects it within weeks. The customer account link and the end of rekeying follow it.',
        achievements: 'Data migration tested successfully.',
        nextSteps: 'Complete the hosting migration, then link the customer account.',
        keyIssues: 'Hosting migration late.',
      },
    ],
  }
}
