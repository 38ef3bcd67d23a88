import assert from 'node:assert/strict'
import { BasePage } from '../../helpers/browser.ts'

export interface ProjectDetails {
  reference: string
  name: string
  /** The programme as the select shows it. */
  programme: string
  stage: string
  /** The partners to share the project with, as their checkboxes are labelled. */
  sharedWith: string[]
  baselineStart: [string, string, string]
  baselineEnd: [string, string, string]
}

/** Projects, their milestones and monthly status reports: the delivery side of the portfolio. */
export class DeliveryPages extends BasePage {
  async openProjects(): Promise<void> {
    await this.goto('/projects', 'projects')
    assert.equal(await this.heading(), 'Projects')
  }

  async addProject(p: ProjectDetails): Promise<void> {
    await this.follow('Add a project', 'project-new')
    await this.field('Reference').fill(p.reference)
    await this.field('Project name').fill(p.name)
    await this.field('Programme').selectOption({ label: p.programme })
    await this.page.getByRole('group', { name: 'Stage' }).getByLabel(p.stage, { exact: true }).check()
    for (const partner of p.sharedWith)
      await this.page
        .getByRole('group', { name: 'Partners the project is shared with' })
        .getByLabel(partner, { exact: true })
        .check()
    await this.fillDate('Baseline start date', ...p.baselineStart)
    await this.fillDate('Baseline end date', ...p.baselineEnd)
    await this.press('Save project', 'project')
  }

  async addMilestone(name: string, baseline: [string, string, string]): Promise<void> {
    await this.follow('Add a milestone', 'milestone-new')
    await this.field('Milestone name').fill(name)
    await this.fillDate('Baseline date', ...baseline)
    await this.press('Save milestone', 'project-with-milestone')
  }

  /** Submits a status report; `period` is [month, year]. */
  async submitStatusReport(period: [string, string], rating: string, narrative: string): Promise<void> {
    await this.follow('Submit a status report', 'status-report-new')
    const group = this.page.getByRole('group', { name: 'Reporting period' })
    await group.getByLabel('Month', { exact: true }).fill(period[0])
    await group.getByLabel('Year', { exact: true }).fill(period[1])
    await this.page
      .getByRole('group', { name: 'Delivery confidence' })
      .getByLabel(rating, { exact: true })
      .check()
    await this.field('Progress narrative').fill(narrative)
    await this.press('Save status report', 'status-report')
  }
}
