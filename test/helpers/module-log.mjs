// `node --import ./test/helpers/module-log.mjs …` with MODULE_LOG=FILE: appends the URL of every module the
// process loads (import or require) to FILE, so a test can tell which libraries a code path pulls in.
import { appendFileSync } from 'node:fs'
import { register } from 'node:module'

if (process.env.MODULE_LOG) {
  register(
    `data:text/javascript,${encodeURIComponent(`
      import { appendFileSync } from 'node:fs'
      export async function resolve(specifier, context, next) {
        const result = await next(specifier, context)
        appendFileSync(${JSON.stringify(process.env.MODULE_LOG)}, result.url + '\\n')
        return result
      }`)}`,
  )
  appendFileSync(process.env.MODULE_LOG, '')
}
