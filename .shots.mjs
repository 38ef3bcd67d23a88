import { chromium } from 'playwright-core'
const base = 'http://localhost:3300'
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] })
async function as(email, pages, width = 1280) {
  const ctx = await browser.newContext({ viewport: { width, height: 900 } })
  const page = await ctx.newPage()
  await page.goto(base + '/sign-in')
  await page.fill('input[name=email]', email)
  await page.fill('input[name=password]', 'Crawl-demo-pass-2026')
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit], form button')])
  for (const [name, url] of pages) {
    const r = await page.goto(base + url); if (process.env.SCROLL) await page.evaluate((y) => window.scrollTo(0, y), Number(process.env.SCROLL))
    await page.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: process.env.FULL !== "0" })
    console.log(name, url, r.status(), await page.title())
  }
  await ctx.close()
}
const who = process.argv[2]
const list = JSON.parse(process.argv[3])
await as(who, list, Number(process.argv[4] ?? 1280))
await browser.close()
