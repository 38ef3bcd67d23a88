import { addDays, type IsoDate } from '../domain/dates.ts'
import { milestone, until, type DemoProject } from './demo-types.ts'
import { PEOPLE } from './people.ts'

// The projects PSPS, the shared ICT service, delivers with the council: the website infrastructure, the
// Goss platform and the Northgate system (marshland-northgate-project.ts). Their partner officer sees
// these and nothing else.
// Dates: the 2019 plan is the baseline; the agreed staff were in post nine months after the proposed
// start (1 July 2019 → 1 April 2020) and went straight to the Covid response.

export function websiteProject(today: IsoDate): DemoProject {
  const rel = (days: number) => addDays(today, days)
  return {
    reference: 'ICT-01',
    name: 'Website content and accessibility programme',
    description:
      'Bring the council website’s content up to date and make it meet the Public Sector Bodies Accessibility ' +
      'Regulations 2018 (now WCAG 2.2 AA). Service managers own and write the content for their services; PSPS ' +
      'hosts and maintains the website infrastructure and the Goss templates it runs on. Started nine months ' +
      'late because the agreed staff resources were not in post, then held back by the Covid response; the ' +
      'accessibility programme commenced in autumn 2020 and continues under the extended programme.',
    projectManager: PEOPLE.project_manager,
    sponsor: PEOPLE.service_manager,
    stage: 'delivery',
    shared: true,
    baselineStart: '2019-07-01',
    baselineEnd: '2020-09-30',
    forecastStart: '2020-04-01',
    forecastEnd: rel(125),
    actualStart: '2020-04-01',
    actualEnd: null,
    was: { until: '2021-10-04', stage: 'delivery', forecastEnd: '2022-03-31', actualEnd: null },
    milestones: [
      milestone(
        'Content audit of all service pages complete',
        '2019-10-31',
        '2020-11-30',
        '2020-12-11',
        'complete',
        true,
      ),
      milestone(
        'Accessibility statement published',
        '2020-09-23',
        '2020-09-23',
        '2020-10-16',
        'complete',
        true,
        'The regulations required existing websites to comply, with a statement, by 23 September 2020.',
      ),
      milestone(
        'Top 100 most-visited pages meet WCAG 2.1 AA',
        '2020-03-31',
        '2021-01-29',
        '2021-02-26',
        'complete',
        false,
      ),
      milestone(
        'Priority PDF forms and guides replaced with accessible web pages',
        '2020-06-30',
        '2022-03-31',
        '2022-07-29',
        'complete',
        false,
      ),
      milestone(
        'Content training delivered to every service manager',
        '2020-01-31',
        rel(-21),
        null,
        'in_progress',
        false,
        'Revenues and Benefits and Planning have still to attend; both sessions were cancelled for service pressures.',
      ),
      {
        ...milestone(
          'Re-audit of the website against WCAG 2.2 AA',
          rel(10),
          rel(10),
          null,
          'in_progress',
          true,
        ),
        added: rel(-120),
      },
      until(
        milestone(
          'Accessibility programme handed over to business as usual',
          '2022-03-31',
          rel(125),
          null,
          'not_started',
          true,
        ),
        '2021-10-04',
        { forecast: '2022-03-31', status: 'not_started' },
      ),
    ],
    reporter: 'project_manager',
    reportsUntil: 0,
    phases: [
      {
        to: '2020-06',
        rating: 'amber',
        narrative:
          'The digital officer came into post in April, nine months after the proposed start date, and was seconded straight to the Covid response under the interim management’s formalised approach. Planned website work is limited to urgent Covid content.',
        achievements: 'Coronavirus information hub published and kept up to date daily.',
        nextSteps:
          'Restart the content audit when the Covid workload allows. Agree with PSPS which infrastructure changes accessibility needs.',
        keyIssues: 'No capacity for planned work while the team supports the Covid response.',
      },
      {
        to: '2020-09',
        rating: 'amber_red',
        narrative:
          'The 23 September 2020 deadline for the website to meet the accessibility regulations is at risk: the content audit is incomplete and the team remains split with the Covid response. An interim accessibility statement is being drafted with PSPS.',
        achievements:
          'Content audit two-thirds complete. Goss templates checked by PSPS for keyboard and screen reader use.',
        nextSteps: 'Publish the accessibility statement. Finish the content audit.',
        keyIssues: 'Statutory deadline at risk. Service managers have not all reviewed their pages.',
      },
      {
        to: '2020-12',
        rating: 'amber',
        narrative:
          'The accessibility statement was published in October, three weeks after the regulations’ deadline, and the accessibility programme has commenced with the most-visited pages. Service managers have been reminded that the content of their pages is theirs; PSPS looks after the infrastructure.',
        achievements: 'Accessibility statement published. Content audit complete.',
        nextSteps: 'Fix the top 100 pages. Plan the replacement of PDF forms.',
        keyIssues: 'Grant schemes in the second lockdown are drawing on the same people.',
      },
      {
        to: '2021-06',
        rating: 'amber',
        narrative:
          'The third lockdown and new grant schemes took priority from January to March. The Performance Monitoring Panel reviewed the programme on 18 March 2021; members asked that issues be reported promptly when projects run into difficulty, and that is what these reports now do.',
        achievements: 'Top 100 pages meet WCAG 2.1 AA.',
        nextSteps: 'Replace priority PDF forms and guides with accessible web pages.',
        keyIssues: 'Service areas vary in their expertise in writing web content.',
      },
      {
        to: '2021-12',
        rating: 'amber',
        narrative:
          'The separation of the strategic partnership with Brecks was not anticipated and took away the shared strategic resource that had championed the programme. The Portfolio Holder is reviewing outstanding work to make sure it is still relevant.',
        achievements: 'Forty PDF documents replaced with web pages.',
        nextSteps: 'Agree the extended plan with the Portfolio Holder.',
        keyIssues: 'Loss of the shared strategic resource.',
      },
      {
        to: '2022-12',
        rating: 'amber_green',
        narrative:
          'The programme has been extended and this project continues under a revised plan, with governance built in: a monthly report to the programme board and exceptions raised to the Portfolio Holder.',
        achievements: 'Priority PDF forms and guides replaced in July.',
        nextSteps: 'Content training for every service manager.',
        keyIssues: 'None new.',
      },
      {
        to: '2023-12',
        rating: 'green',
        narrative:
          'Steady progress against the revised plan. Accessibility complaints have fallen to one or two a quarter.',
        achievements: 'Content training delivered to eight of ten services.',
        nextSteps: 'Update the accessibility statement for WCAG 2.2, published in October 2023.',
        keyIssues: 'None.',
      },
      {
        to: 6,
        rating: 'amber_green',
        narrative:
          'The accessibility statement now commits to WCAG 2.2 AA and a re-audit of the whole site is planned. Content training for the last two services keeps being postponed because of service pressures.',
        achievements: 'Accessibility statement updated for WCAG 2.2.',
        nextSteps: 'Commission the WCAG 2.2 re-audit. Book training for Revenues and Benefits and Planning.',
        keyIssues: 'Two services have not attended content training.',
      },
      {
        to: 0,
        rating: 'amber_green',
        narrative:
          'The WCAG 2.2 AA re-audit is under way and due to report within the next fortnight. Content training for Revenues and Benefits and Planning has slipped again and is now late. Handover to business as usual is forecast well beyond the original baseline.',
        achievements: 'Re-audit fieldwork complete for the main templates.',
        nextSteps:
          'Receive the re-audit report and agree fixes with PSPS. Deliver the two outstanding training sessions.',
        keyIssues: 'Service manager training late. Handover date depends on the re-audit findings.',
      },
    ],
  }
}

export function formsProject(): DemoProject {
  return {
    reference: 'ICT-02',
    name: 'Online contact forms improvement (Goss platform)',
    description:
      'Replace email and PDF forms with online contact forms on the Goss platform, which is cloud hosted and ' +
      'links back to systems PSPS hosts. Goss platform updates are delivered with PSPS.',
    projectManager: PEOPLE.project_manager,
    sponsor: PEOPLE.programme_manager,
    stage: 'closed',
    shared: true,
    baselineStart: '2019-09-02',
    baselineEnd: '2020-12-18',
    forecastStart: '2020-06-01',
    forecastEnd: '2022-06-30',
    actualStart: '2020-06-01',
    actualEnd: '2022-06-30',
    was: { until: '2022-06-30', stage: 'delivery', forecastEnd: '2021-12-17', actualEnd: null },
    milestones: [
      milestone(
        'Goss platform upgraded to the current release (with PSPS)',
        '2019-11-29',
        '2020-09-25',
        '2020-09-25',
        'complete',
        true,
      ),
      milestone(
        'Ten most-used contact forms redesigned',
        '2020-03-31',
        '2020-12-18',
        '2020-12-18',
        'complete',
        false,
      ),
      milestone(
        'Forms linked to CRM case management',
        '2020-07-31',
        '2021-06-30',
        '2021-06-30',
        'complete',
        true,
      ),
      milestone(
        'Remaining paper and PDF forms moved online',
        '2020-10-30',
        '2022-03-25',
        '2022-03-25',
        'complete',
        false,
      ),
      milestone(
        'Legacy email forms retired',
        '2020-11-30',
        null,
        null,
        'cancelled',
        false,
        'No longer needed: PSPS moved the shared mailboxes during its own upgrade.',
      ),
      until(
        milestone(
          'Closure report to the programme board',
          '2020-12-18',
          '2022-06-30',
          '2022-06-30',
          'complete',
          true,
        ),
        '2022-06-30',
        { forecast: '2021-12-17', status: 'not_started' },
      ),
    ],
    reporter: 'project_manager',
    reportsUntil: '2022-06',
    phases: [
      {
        to: '2020-09',
        rating: 'amber',
        narrative:
          'Started in June, nine months after the planned start, once the digital officer was in post. The Goss platform upgrade with PSPS comes first; Covid forms for grants and volunteering have jumped the queue.',
        achievements: 'Goss upgrade planned and tested with PSPS; completed in September.',
        nextSteps: 'Redesign the ten most-used contact forms.',
        keyIssues: 'Covid forms take priority over planned work.',
      },
      {
        to: '2021-03',
        rating: 'amber_green',
        narrative:
          'Improvements to online contact forms are showing: customers are moving from telephone enquiries to web forms. The ten most-used forms were redesigned by December.',
        achievements: 'Ten forms redesigned and live.',
        nextSteps: 'Link the forms to CRM case management.',
        keyIssues: 'None significant.',
      },
      {
        to: '2021-09',
        rating: 'amber_green',
        narrative: 'Forms now create cases in the CRM directly, so nothing is rekeyed from email.',
        achievements: 'CRM integration live in June.',
        nextSteps: 'Move the remaining paper and PDF forms online.',
        keyIssues: 'Some services are slow to sign off their form wording.',
      },
      {
        to: '2022-03',
        rating: 'green',
        narrative:
          'Remaining forms moved online. Retiring the legacy email forms is no longer needed, as PSPS moved the shared mailboxes during its own upgrade.',
        achievements: 'All paper and PDF contact forms replaced.',
        nextSteps: 'Closure report to the programme board.',
        keyIssues: 'None.',
      },
      {
        to: '2022-06',
        rating: 'green',
        narrative:
          'Project closed. The closure report went to the programme board in June with the lessons learned.',
        achievements: 'Closure report accepted.',
        nextSteps: 'None: the forms are maintained by the services that own them.',
        keyIssues: 'None.',
      },
    ],
  }
}
