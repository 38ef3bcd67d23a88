import type { HistoryTarget } from '../audit/history.routes.ts'
import type { RaidLogService } from './raid-log.service.ts'
import type { RaidService } from './raid.service.ts'

/** Risks, issues, assumptions and dependencies have history pages. */
export function raidHistory(s: {
  raid: RaidService
  raidLog: RaidLogService
}): Record<string, HistoryTarget> {
  const { raid, raidLog } = s
  return {
    risk: {
      label: 'Risk',
      find: async (scope, id) => {
        const r = await raid.getRisk(scope, id)
        return r && { title: r.title, url: `/risks/${r.id}` }
      },
    },
    raid_issue: {
      label: 'Issue',
      find: async (scope, id) => {
        const i = await raid.getIssue(scope, id)
        return i && { title: i.title, url: `/issues/${i.id}` }
      },
    },
    assumption: {
      label: 'Assumption',
      find: async (scope, id) => {
        const a = await raidLog.getAssumption(scope, id)
        return a && { title: a.description, url: `/assumptions/${a.id}` }
      },
    },
    dependency: {
      label: 'Dependency',
      find: async (scope, id) => {
        const d = await raidLog.getDependency(scope, id)
        return d && { title: d.description, url: `/dependencies/${d.id}` }
      },
    },
  }
}
