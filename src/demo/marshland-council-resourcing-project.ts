import { addDays, type IsoDate } from '../domain/dates.ts'
import { milestone, until, type DemoProject } from './demo-types.ts'
import { PEOPLE } from './people.ts'

// The resourcing that delayed everything else: the council's own digital team, recruited late (the minute's
// "staff resources").

export function resourcingProject(today: IsoDate): DemoProject {
  const rel = (days: number) => addDays(today, days)
  return {
    reference: 'ICT-06',
    name: 'Digital team resourcing',
    description:
      'Put in place the people to deliver the programme. The digital skill set did not exist within the council ' +
      'and there was no post in the establishment for project delivery or day-to-day work. The agreed staff ' +
      'resources were in post nine months after the proposed start date, and during the pandemic the team was ' +
      'seconded to the Digital team. The separation of the strategic partnership with Brecks in 2021 took away ' +
      'the shared strategic digital resource. Since the Performance Monitoring Panel this project also covers ' +
      'the paper on the human and digital resources the programme needs.',
    projectManager: PEOPLE.programme_manager,
    sponsor: 'Mark Jennings, Assistant Director – Corporate Services',
    stage: 'delivery',
    shared: false,
    baselineStart: '2019-04-01',
    baselineEnd: '2022-03-31',
    forecastStart: '2019-04-01',
    forecastEnd: rel(150),
    actualStart: '2019-04-01',
    actualEnd: null,
    was: { until: '2021-11-05', stage: 'delivery', forecastEnd: '2022-03-31', actualEnd: null },
    milestones: [
      milestone(
        'Digital post evaluated and approved',
        '2019-05-17',
        '2019-10-25',
        '2019-10-25',
        'complete',
        false,
      ),
      milestone(
        'Agreed staff resources in post',
        '2019-07-01',
        '2020-04-01',
        '2020-04-01',
        'complete',
        true,
        'The proposed start date of the programme. Achieved nine months later.',
      ),
      milestone(
        'Team seconded to the Digital team for the Covid response',
        '2020-03-30',
        '2020-03-30',
        '2020-03-30',
        'complete',
        false,
      ),
      milestone(
        'Shared strategic digital resource replaced after the separation',
        '2021-09-30',
        '2023-01-09',
        '2023-01-09',
        'complete',
        false,
      ),
      until(
        milestone(
          'Paper to the panel: the human and digital resources required',
          '2021-11-30',
          rel(-14),
          null,
          'in_progress',
          true,
          'One of the six points the Performance Monitoring Panel asked the council to set out.',
        ),
        '2021-11-05',
        { forecast: '2021-11-30', status: 'not_started' },
      ),
      until(
        milestone(
          'Permanent Digital Officer post added to the establishment',
          '2022-04-01',
          rel(45),
          null,
          'not_started',
          true,
        ),
        '2022-03-04',
        { forecast: '2022-04-01', status: 'not_started' },
      ),
      milestone('Digital Officer post filled', '2022-06-30', rel(150), null, 'not_started', false),
    ],
    reporter: 'programme_manager',
    reportsUntil: 0,
    phases: [
      {
        to: '2019-06',
        rating: 'amber',
        narrative:
          'The digital skill set does not exist within the council and there is no post in the establishment, so the post must be evaluated before it can be advertised. The proposed start of 1 July is at risk.',
        achievements: 'Job description drafted.',
        nextSteps: 'Job evaluation. Advertise the post.',
        keyIssues: 'No post in the establishment. Funding for the post is limited.',
      },
      {
        to: '2019-12',
        rating: 'red',
        narrative:
          'The agreed staff resources are not in post, so the programme cannot start as proposed. The first advert attracted no suitable applicants at the salary the post was evaluated at.',
        achievements: 'Post evaluated in October and readvertised.',
        nextSteps: 'Interview in January.',
        keyIssues: 'Programme start delayed. Allocated funds for the post look inadequate.',
      },
      {
        to: '2020-03',
        rating: 'amber_red',
        narrative:
          'Appointment made in January, starting on 1 April 2020: nine months after the proposed start date. With the pandemic, interim management has decided the team will be seconded to the Digital team for the response.',
        achievements: 'Digital officer appointed.',
        nextSteps: 'Induction; Covid response.',
        keyIssues: 'Planned programme work will wait behind the Covid response.',
      },
      {
        to: '2020-12',
        rating: 'amber',
        narrative:
          'The team is seconded to the Digital team as part of interim management’s formalised response to the pandemic. It is delivering Covid content, grants and customer insight; the original plan is on hold.',
        achievements: 'Covid content, grant applications and weekly customer insight delivered.',
        nextSteps: 'Return to planned work as the response allows.',
        keyIssues: 'Resources absorbed by Covid.',
      },
      {
        to: '2021-06',
        rating: 'amber_red',
        narrative:
          'At the Performance Monitoring Panel on 18 March 2021 members were disappointed that the funds allocated for the digital post had been inadequate and that the budget had been spent, and asked why monitoring had not been in place.',
        achievements: 'Budget position reported to the panel with Appendix A.',
        nextSteps: 'Set up monthly budget monitoring with Finance.',
        keyIssues: 'Budget spent. No monitoring sign-offs recorded.',
      },
      {
        to: '2021-12',
        rating: 'red',
        narrative:
          'The strategic partnership with Brecks separated this year, which was not anticipated at the outset; the shared strategic digital resource has gone. The panel asked for a paper on the human and digital resources required, who will deliver the programme, and by when.',
        achievements: 'Outstanding work listed for the Portfolio Holder’s review.',
        nextSteps: 'Draft the paper for the panel. Replace the shared strategic resource.',
        keyIssues: 'No strategic digital resource. No funded post beyond March 2022.',
      },
      {
        to: '2022-12',
        rating: 'amber_red',
        narrative:
          'A fixed-term Digital Officer post is funded for 2022/23. The paper to the panel has been delayed by the budget round.',
        achievements: 'Fixed-term post funded.',
        nextSteps: 'Recruit a part-time Digital Lead to replace the shared resource.',
        keyIssues: 'Paper to the panel overdue.',
      },
      {
        to: '2023-12',
        rating: 'amber',
        narrative:
          'A part-time Digital Lead started in January 2023, replacing the shared strategic resource.',
        achievements: 'Digital Lead in post.',
        nextSteps: 'Business case for a permanent post in the establishment.',
        keyIssues: 'The fixed-term post ends in March 2025.',
      },
      {
        to: 3,
        rating: 'amber_red',
        narrative:
          'The business case for a permanent Digital Officer post has been made in the budget round, but the post is not yet in the establishment and the paper on resources is still outstanding.',
        achievements: 'Business case submitted.',
        nextSteps: 'Budget decision. Finish the paper for the panel.',
        keyIssues: 'Paper to the panel late. Fixed-term arrangements only.',
      },
      {
        to: 0,
        rating: 'red',
        narrative:
          'Recruitment to the Digital Officer post has failed again, with no appointable candidate at the evaluated salary, and the paper on human and digital resources the panel asked for in 2021 is overdue. Without the post the website and Northgate work cannot be sustained. An exception report has gone to the Portfolio Holder.',
        achievements: 'Salary benchmarking with neighbouring councils completed.',
        nextSteps:
          'Portfolio Holder to decide on the market supplement or a shared post with PSPS. Present the resources paper at the next panel.',
        keyIssues: 'No permanent digital capacity. Panel paper overdue.',
      },
    ],
  }
}
