// The minute of the Performance Monitoring Panel's July 2021 item on the ICT and Digital Work Programme
// (/work/shared/context/panel-minutes-ict-digital-programme.txt), as the demo records it: the narrative
// minute and the members' points with the responses beneath them.

/** The panel's request for the six-point paper; the programme definition links back to it by this reference. */
export const SIX_POINT_PAPER_REFERENCE = 'PMP/2021/03'

export type Point = {
  kind: 'comment' | 'question' | 'response'
  who: string
  role?: string
  text: string
  replies?: Point[]
}

export const PH = 'Portfolio Holder for Corporate and Communications'
// The minute's bullets, members' comments with the officers' and Portfolio Holder's responses beneath.
export const POINTS: Point[] = [
  {
    kind: 'comment',
    who: 'Members',
    text: 'The original programme had been drafted at a high strategic level without an accompanying detailed business case or scoping exercise, which had negatively affected its delivery.',
  },
  {
    kind: 'comment',
    who: 'Members',
    text: 'The complexity and resource requirements had not been fully appreciated at the outset.',
  },
  {
    kind: 'comment',
    who: 'Members',
    text: 'Members expressed disappointment that allocated funds for the digital post had been inadequate, and that the budget had been spent. Investigations were needed to understand why a monitoring process had not been in place.',
    replies: [
      {
        kind: 'response',
        who: 'Officers',
        role: 'Head of ICT and Digital (PSPS)',
        text: 'Officers explained how resources and skills had been used during Covid and what had been delivered: web trends, social media analytics and CRM; bespoke content for business grants; website content, Goss updates and the Northgate system with PSPS; the website accessibility programme; improved online contact forms.',
      },
    ],
  },
  {
    kind: 'question',
    who: 'Members',
    text: 'Did the PSPS non-base contract costs in Appendix A relate to the member of staff supplied?',
    replies: [
      {
        kind: 'response',
        who: 'Officers',
        role: 'Head of ICT and Digital (PSPS)',
        text: 'The non-contract spend related to the recharge for the web developer.',
      },
    ],
  },
  {
    kind: 'question',
    who: 'Members',
    text: 'Why had reimbursement from central Government Covid funding not taken place?',
    replies: [
      {
        kind: 'response',
        who: 'Officers',
        role: 'Programme Manager – Commercialisation',
        text: 'Money had been recovered through the Covid scheme, in two streams: “relieved cost pressures” and “costs above core budgets”. The funding could not cover base costs already in the council’s budgets.',
      },
    ],
  },
  {
    kind: 'comment',
    who: 'Members',
    text: 'Members requested the expeditious reporting of issues when projects encountered difficulties.',
  },
  {
    kind: 'comment',
    who: 'Members',
    text: 'The council’s strategic ambitions for digital needed to be transparent.',
  },
  {
    kind: 'question',
    who: 'Members',
    text: 'What is the difference between digital content and infrastructure?',
    replies: [
      {
        kind: 'response',
        who: 'Officers',
        role: 'Head of ICT and Digital (PSPS)',
        text: 'The digital aspect is cloud hosted on the Goss platform and links back to infrastructure hosted by PSPS, such as the Northgate system. Content belongs to the service managers.',
      },
    ],
  },
  {
    kind: 'comment',
    who: 'Members',
    text: 'Governance had been missing from the delivery process and needed to be included in future strategic projects.',
    replies: [
      {
        kind: 'response',
        who: 'Portfolio Holder',
        role: PH,
        text: 'Lessons had been learned. Outstanding work from the original strategy would be reviewed to ensure relevance. Governance would be integral to the process.',
      },
    ],
  },
  {
    kind: 'comment',
    who: 'Members',
    text: 'Members reiterated the importance of governance and expressed disappointment that comments from the Performance Monitoring Panel had apparently not been influential.',
    replies: [
      {
        kind: 'response',
        who: 'Portfolio Holder',
        role: PH,
        text: 'Comments from scrutiny panels would be considered, and Portfolio Holders were accountable for their decisions.',
      },
    ],
  },
  {
    kind: 'question',
    who: 'Members',
    text: 'Had resilience been included in the strategy?',
    replies: [
      {
        kind: 'response',
        who: 'Officers',
        role: 'Head of ICT and Digital (PSPS)',
        text: 'Resilience had been considered; mitigations were in place to reduce the impact of network failure.',
      },
    ],
  },
]

export const MINUTES = `Following the Digital Work Programme update to the Performance Monitoring Panel on 18 March 2021, the ${PH}, the Programme Manager – Commercialisation, the Communications Manager and the Head of ICT and Digital (PSPS) attended to present an update on the ICT and Digital Work Programme and answer questions.

The ${PH} confirmed that the programme had been signed off in 2019. The panel’s request to review the work programme had been a useful exercise, and the strategy would be reviewed further as part of his Portfolio Holder responsibilities.

Officers introduced the report, written from a programme and project management perspective, covering:

- staff resources: a nine-month delay between the proposed start date and agreed staff resources;
- the Covid pandemic and the response of the council’s and the shared strategic resource;
- the separation of the strategic partnership with Brecks in 2021, which had not been anticipated;
- a summary of financial information (Appendix A);
- an exploration of what “digital” means to the council;
- areas for consideration (section 10.11) for the Portfolio Holder to take forward.

In conclusion, members asked for a clear route forward and requested a paper covering six points (see ${SIX_POINT_PAPER_REFERENCE}).`
