#!/usr/bin/env node
// `npm start`: build once if the compiled server is missing or older than the sources, then run it.
// Views stay in src/ and are read at run time (src/paths.ts), so only TypeScript changes need a build.
// Signals are passed to the server so that SIGTERM from a process manager shuts it down gracefully, and
// the server's exit code becomes ours.
import { spawn, spawnSync } from 'node:child_process'
import { readdirSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { serverNodeFlags } from './node-flags.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const server = path.join(root, 'dist', 'src', 'server.js')

/** Latest modification time of the inputs to the build: TypeScript under src/ and the tsconfig files. */
function newestSource() {
  let newest = 0
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
        newest = Math.max(newest, statSync(full).mtimeMs)
    }
  }
  walk(path.join(root, 'src'))
  for (const f of ['tsconfig.json', 'tsconfig.build.json'])
    newest = Math.max(newest, statSync(path.join(root, f)).mtimeMs)
  return newest
}

function builtAt() {
  try {
    return statSync(server).mtimeMs
  } catch {
    return null
  }
}

const built = builtAt()
if (built === null || built < newestSource()) {
  process.stdout.write(
    built === null ? 'Building Oversight…\n' : 'Sources changed since the last build; rebuilding…\n',
  )
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const result = spawnSync(npm, ['run', '--silent', 'build'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  })
  if (result.status !== 0) {
    // tsc writes output even when it reports errors; remove the entry point so the next start rebuilds
    // rather than running code that did not compile cleanly.
    rmSync(server, { force: true })
    process.stderr.write('The build failed (see the errors above), so Oversight was not started.\n')
    process.exit(result.status ?? 1)
  }
}

let flags
try {
  flags = serverNodeFlags()
} catch (err) {
  process.stderr.write(`${err.message}\n`)
  process.exit(78)
}
const child = spawn(process.execPath, [...flags, server, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
  })
}

child.on('error', (err) => {
  process.stderr.write(`Could not start the server: ${err.message}\n`)
  process.exit(1)
})

child.on('exit', (code, signal) => {
  if (code !== null) process.exit(code)
  // Killed by a signal the server did not handle: exit as a shell would report it (128 + signal number).
  const numbers = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }
  process.exit(128 + (numbers[signal] ?? 1))
})
