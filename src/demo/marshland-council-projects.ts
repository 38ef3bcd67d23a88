import { milestone, type DemoProject } from './demo-types.ts'
import { PEOPLE } from './people.ts'

// The projects the council delivers itself. Two were reshaped or created by the Covid response, which the
// minute lists among what was delivered (the third, the resourcing, is marshland-council-resourcing-project.ts).

export function insightProject(): DemoProject {
  return {
    reference: 'ICT-03',
    name: 'Customer insight: web trends, social media analytics and CRM',
    description:
      'A work model focused on web trends, social media analytics and customer relationship management (CRM) ' +
      'to understand customer need. During the pandemic it informed the council’s response as contact switched ' +
      'from telephone enquiries towards web and social media.',
    projectManager: PEOPLE.service_manager,
    sponsor: PEOPLE.programme_manager,
    stage: 'closed',
    shared: false,
    baselineStart: '2019-10-01',
    baselineEnd: '2020-09-30',
    forecastStart: '2020-04-01',
    forecastEnd: '2021-12-17',
    actualStart: '2020-04-01',
    actualEnd: '2021-12-17',
    was: { until: '2021-12-17', stage: 'delivery', forecastEnd: '2021-12-17', actualEnd: null },
    milestones: [
      milestone('Web analytics dashboard live', '2019-12-20', '2020-05-15', '2020-05-15', 'complete', false),
      milestone(
        'Social media analytics reported monthly to management team',
        '2020-02-28',
        '2020-06-30',
        '2020-06-30',
        'complete',
        false,
      ),
      milestone(
        'Channel shift baseline measured: telephone, web and social',
        '2020-05-29',
        '2020-08-28',
        '2020-08-28',
        'complete',
        true,
      ),
      milestone(
        'CRM customer contact categories agreed',
        '2020-03-31',
        '2020-09-30',
        '2020-09-30',
        'complete',
        false,
      ),
      milestone(
        'Channel shift findings reported to the Performance Monitoring Panel',
        '2020-09-30',
        '2021-03-18',
        '2021-03-18',
        'complete',
        true,
      ),
      milestone(
        'Handed over to Customer Services as business as usual',
        '2020-09-30',
        '2021-12-17',
        '2021-12-17',
        'complete',
        true,
      ),
    ],
    reporter: 'project_manager',
    reportsUntil: '2021-12',
    phases: [
      {
        to: '2020-06',
        rating: 'amber_green',
        narrative:
          'Brought forward and reshaped for the pandemic: web trends and social media analytics are read every week to understand what customers need, and the findings go to the Covid response group.',
        achievements: 'Web analytics dashboard live. Weekly insight note to the response group.',
        nextSteps: 'Measure the channel shift baseline. Agree CRM contact categories.',
        keyIssues: 'Same people are supporting the Covid response.',
      },
      {
        to: '2020-12',
        rating: 'green',
        narrative:
          'Communication with customers has switched from telephone-based enquiries towards web and social-based enquiries; the baseline measured in August shows the shift clearly.',
        achievements: 'Channel shift baseline measured. CRM categories agreed.',
        nextSteps: 'Report the findings to the Performance Monitoring Panel.',
        keyIssues: 'None.',
      },
      {
        to: '2021-06',
        rating: 'amber_green',
        narrative:
          'Findings reported to the Performance Monitoring Panel on 18 March 2021. Capacity is reduced since the shared strategic resource became fully Brecks-focused with the place-based resilience forum.',
        achievements: 'Panel report delivered.',
        nextSteps: 'Prepare handover to Customer Services.',
        keyIssues: 'Reduced strategic capacity.',
      },
      {
        to: '2021-12',
        rating: 'green',
        narrative:
          'Handed over to Customer Services in December, who now run the monthly insight report. Project closed.',
        achievements: 'Handover complete.',
        nextSteps: 'None.',
        keyIssues: 'None.',
      },
    ],
  }
}

export function grantsProject(): DemoProject {
  return {
    reference: 'ICT-04',
    name: 'Business support and discretionary grants content',
    description:
      'Bespoke web content and online applications to support customers and businesses through Covid, including ' +
      'the distribution of the Business Support and Discretionary grants. Added to the programme in April 2020, ' +
      'when the digital team was seconded to this work; overtime in the Grants team was claimed from the Covid ' +
      '“costs above core budgets” funding.',
    projectManager: PEOPLE.service_manager,
    sponsor: 'Sian Ellis, Economic Development Manager',
    stage: 'closed',
    shared: false,
    baselineStart: '2020-04-06',
    baselineEnd: '2020-09-30',
    forecastStart: '2020-04-06',
    forecastEnd: '2021-07-30',
    actualStart: '2020-04-06',
    actualEnd: '2021-07-30',
    was: { until: '2021-07-30', stage: 'delivery', forecastEnd: '2021-07-30', actualEnd: null },
    milestones: [
      milestone(
        'Small Business Grant Fund pages and eligibility checker live',
        '2020-04-09',
        '2020-04-08',
        '2020-04-08',
        'complete',
        true,
      ),
      milestone(
        'Online application for discretionary grants live',
        '2020-06-01',
        '2020-06-05',
        '2020-06-05',
        'complete',
        true,
      ),
      milestone(
        'Local Restrictions Support Grant content live',
        '2020-11-16',
        '2020-11-20',
        '2020-11-20',
        'complete',
        false,
      ),
      milestone(
        'Additional Restrictions Grant application form live',
        '2021-01-15',
        '2021-01-22',
        '2021-01-22',
        'complete',
        false,
      ),
      milestone(
        'Restart Grant content and form live',
        '2021-04-01',
        '2021-04-06',
        '2021-04-06',
        'complete',
        false,
      ),
      milestone(
        'Content archived and lessons recorded',
        '2021-06-30',
        '2021-07-30',
        '2021-07-30',
        'complete',
        true,
      ),
    ],
    reporter: 'project_manager',
    reportsUntil: '2021-07',
    phases: [
      {
        to: '2020-06',
        rating: 'green',
        narrative:
          'Grant pages and an eligibility checker went live within days of the scheme being announced, and the discretionary grant application moved online in June.',
        achievements:
          'Small Business Grant Fund pages live on 8 April. Discretionary grant application online on 5 June.',
        nextSteps: 'Keep content in step with government guidance.',
        keyIssues: 'Guidance changes at short notice.',
      },
      {
        to: '2020-10',
        rating: 'green',
        narrative: 'Grant content maintained as guidance changed; most applications now arrive online.',
        achievements: 'Frequently asked questions reduced calls to the Grants team.',
        nextSteps: 'Prepare for any new schemes.',
        keyIssues: 'None.',
      },
      {
        to: '2021-03',
        rating: 'amber_green',
        narrative:
          'Local Restrictions Support and Additional Restrictions Grants launched at short notice in the second and third lockdowns. Overtime in the Grants team is claimed from the Covid “costs above core budgets” funding.',
        achievements: 'Two new schemes live within a week of announcement.',
        nextSteps: 'Restart Grant content for April.',
        keyIssues: 'Pressure on the Grants team.',
      },
      {
        to: '2021-07',
        rating: 'green',
        narrative:
          'Restart Grant content live in April. The grant content has been archived and lessons recorded; project closed.',
        achievements: 'Restart Grant live. Lessons recorded.',
        nextSteps: 'None.',
        keyIssues: 'None.',
      },
    ],
  }
}
