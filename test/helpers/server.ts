import type { AddressInfo } from 'node:net'
import { buildTestApp, type TestApp } from './build-app.ts'

export interface RunningServer {
  /** For example `http://127.0.0.1:41234`, no trailing slash. */
  baseUrl: string
  t: TestApp
  close(): Promise<void>
}

/**
 * The real app listening on a free loopback port, for a browser to drive. Same fresh database and
 * seeded organisations as `buildTestApp()`; `close()` stops the server and drops the database.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const t = await buildTestApp(env)
  try {
    await t.app.listen({ port: 0, host: '127.0.0.1' })
  } catch (err) {
    await t.close()
    throw err
  }
  const { port } = t.app.server.address() as AddressInfo
  return { baseUrl: `http://127.0.0.1:${port}`, t, close: () => t.close() }
}
