import type { TestApp } from './build-app.ts'

/**
 * Puts a test project straight into a stage, as the demo loader and bulk loads do. Through the service a
 * project reaches delivery only by passing its gate (test/integration/gates.test.ts shows that path); tests
 * about other areas need a project in delivery without walking it through the business case.
 */
export async function putInStage(t: TestApp, projectId: number, stage: string): Promise<void> {
  await t.database.db
    .updateTable('projects')
    .set({ stage })
    .where('id', '=', projectId)
    .executeTakeFirstOrThrow()
}
