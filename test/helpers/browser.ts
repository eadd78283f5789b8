/**
 * The browser the console tests drive: Debian's Chromium (`scripts/ensure-system-packages.sh`
 * installs it for `npm test`) through playwright-core, headless, one page whose dialogs are
 * accepted and whose steps fail within 5 s saying which.
 */
import fs from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

const CHROMIUM = '/usr/bin/chromium'

export async function openBrowserPage(): Promise<{ browser: Browser; context: BrowserContext; page: Page }> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run 'bash scripts/ensure-system-packages.sh' (as root) or 'apt-get install chromium'`)
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  // A step that does not happen fails within the test's time, saying which.
  context.setDefaultTimeout(5000)
  const page = await context.newPage()
  page.on('dialog', (dialog) => void dialog.accept())
  return { browser, context, page }
}
