/**
 * The console's Agencies page in a real browser (playwright-core driving Debian's Chromium, as
 * console.test.ts), against the real server with a second account to trust: create an agency,
 * grant it a role on a project and on the account, revoke, delete; each step checked on the page
 * and on the API. The API's refusals (a taken name, an account that does not exist) are shown
 * verbatim; on the Keystone flavour (no agency routes) the page says there are none.
 * Screenshots go to test-artifacts/screenshots/agencies-*.png.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount } from '../helpers/fixtures.js'
import { recordSecret } from '../helpers/secrets.js'
import { openBrowserPage } from '../helpers/browser.js'

const SCREENSHOTS = path.resolve('test-artifacts/screenshots')
const PARTNER_PASSWORD = 'Partner-Passw0rd!'
const AGENCY = 'console_agency'
const PROJECT = 'cn-north-4_agencies'

let s: TestServer
let token: string
let browser: Browser
let page: Page
let partner: { id: string; name: string }
let project: { id: string; name: string }
let agencyId: string

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true })
}

/** Signs in at the Agencies page's address as the server's administrator. */
async function signIn(p: Page, server: TestServer): Promise<void> {
  recordSecret('password', server.adminPassword)
  await p.goto(`${server.url}/console/agencies`)
  await p.getByLabel('Account').fill(server.account.name)
  await p.getByLabel('User').fill(server.adminUser)
  await p.getByLabel('Password').fill(server.adminPassword)
  await p.getByRole('button', { name: 'Sign in' }).click()
  await expect.poll(() => p.getByTestId('signed-in-as').textContent()).toBe(`${server.adminUser} @ ${server.account.name}`)
  // The browser's token, so the end-of-run check looks for it in the server logs too.
  const saved = await p.evaluate(() => sessionStorage.getItem('projectplane.console.session'))
  recordSecret('token', (JSON.parse(saved!) as { token: string }).token)
}

/** Clicks a button and waits for the feedback the action must give. */
async function press(button: string, expected: string): Promise<void> {
  await page.getByRole('button', { name: button }).click()
  await expect.poll(() => page.getByTestId('status').textContent()).toBe(expected)
}

const agencies = async () => (await call(`${s.url}/v3.0/OS-AGENCY/agencies?domain_id=${s.account.id}`, { token })).body.agencies as { id: string; name: string }[]
const rowNames = () => page.getByTestId('agency-row').locator('th').allTextContents()
const grantRows = () => page.getByTestId('grant-row').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('th, td:not(.actions)')].map((c) => c.textContent)))
const roleNames = async (url: string) => ((await call(url, { token })).body.roles as { name: string }[]).map((r) => r.name).sort()
const onProject = () => `${s.url}/v3.0/OS-AGENCY/projects/${project.id}/agencies/${agencyId}/roles`
const onAccount = () => `${s.url}/v3.0/OS-AGENCY/domains/${s.account.id}/agencies/${agencyId}/roles`

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  s = await startServer({ database: 'sqlite' })
  token = await s.adminToken()
  recordSecret('password', PARTNER_PASSWORD)
  partner = await createAccount(s, 'agency_partner', PARTNER_PASSWORD)
  const created = await call(`${s.url}/v3/projects`, { method: 'POST', token, body: { project: { name: PROJECT, domain_id: s.account.id } } })
  expect(created.status).toBe(201)
  project = created.body.project
  ;({ browser, page } = await openBrowserPage())
})

afterAll(async () => {
  await browser?.close()
  await s?.close()
})

describe('Agencies page in Chromium', () => {
  it('signs in at the page\'s address and opens it, with no agencies yet', async () => {
    await signIn(page, s)
    expect(await page.getByRole('link', { name: 'Agencies' }).getAttribute('aria-current')).toBe('page')
    expect(await page.title()).toBe('Agencies · projectplane console')
    await expect.poll(() => page.getByRole('cell', { name: 'No agencies.' }).count()).toBe(1)
  })

  it('creates an agency trusting another account, listed on the page and by the API', async () => {
    await page.getByLabel('Agency name').fill(AGENCY)
    await page.getByLabel('Trusted account').fill(partner.name)
    await page.getByLabel('Validity').selectOption({ label: 'A number of days' })
    await page.getByRole('spinbutton', { name: 'Days' }).fill('20')
    await page.getByLabel('Description').fill('made in the console')
    await press('Create agency', `Agency ${AGENCY} created, trusting account ${partner.name}.`)
    await expect.poll(rowNames).toEqual([AGENCY])
    const row = page.getByTestId('agency-row').filter({ hasText: AGENCY })
    expect(await row.locator('td').nth(0).textContent()).toBe(partner.name)
    expect(await row.locator('td').nth(1).textContent()).toMatch(/^20 days, until /)
    expect(await row.locator('td').nth(2).textContent()).toBe('made in the console')
    // The form is ready for the next one.
    expect(await page.getByLabel('Agency name').inputValue()).toBe('')
    expect(await page.getByLabel('Validity').inputValue()).toBe('FOREVER')

    const [agency] = await agencies()
    expect(agency).toMatchObject({ name: AGENCY, domain_id: s.account.id, trust_domain_id: partner.id, trust_domain_name: partner.name, description: 'made in the console', duration: '20' })
    agencyId = agency!.id
    await shot('agencies')
  })

  it('shows the API\'s refusals verbatim: a taken name, an account that does not exist', async () => {
    await page.getByLabel('Agency name').fill(AGENCY)
    await page.getByLabel('Trusted account').fill(partner.name)
    await page.getByRole('button', { name: 'Create agency' }).click()
    const taken = await call(`${s.url}/v3.0/OS-AGENCY/agencies`, { method: 'POST', token, body: { agency: { name: AGENCY, domain_id: s.account.id, trust_domain_name: partner.name, duration: 'FOREVER' } } })
    expect(taken.status).toBe(409)
    await expect.poll(() => page.getByTestId('error').textContent()).toBe(`${taken.body.error.message} Dismiss`)
    await shot('agencies-name-taken')

    await page.getByLabel('Agency name').fill('console_agency_2')
    await page.getByLabel('Trusted account').fill('no_such_account')
    await page.getByRole('button', { name: 'Create agency' }).click()
    const unknown = await call(`${s.url}/v3.0/OS-AGENCY/agencies`, { method: 'POST', token, body: { agency: { name: 'console_agency_3', domain_id: s.account.id, trust_domain_name: 'no_such_account', duration: 'FOREVER' } } })
    expect(unknown.status).toBe(404)
    await expect.poll(() => page.getByTestId('error').textContent()).toBe(`${unknown.body.error.message} Dismiss`)
    expect((await agencies()).map((a) => a.name)).toEqual([AGENCY])
    await expect.poll(rowNames).toEqual([AGENCY])
  })

  it('grants a role on a project and one on the account, shows them, and revokes the project\'s', async () => {
    await page.getByRole('button', { name: `Permissions of ${AGENCY}` }).click()
    await expect.poll(() => page.getByRole('cell', { name: 'No roles granted.' }).count()).toBe(1)
    const form = page.getByRole('form', { name: `Grant a role to ${AGENCY}` })
    const offered = () => form.getByLabel('Role').locator('option').allTextContents()

    // The whole account: global and both-scope roles, never the two agencies may not hold.
    expect(await offered()).toContain('EPS FullAccess')
    expect(await offered()).not.toContain('Security Administrator')
    expect(await offered()).not.toContain('Agent Operator')
    await form.getByLabel('Scope').selectOption({ label: `Project ${PROJECT}` })
    expect(await offered()).toEqual(['Choose a role', 'Tenant Administrator', 'Tenant Guest'])
    await form.getByLabel('Role').selectOption({ label: 'Tenant Guest' })
    await press('Grant role', `Tenant Guest granted to ${AGENCY} on project ${PROJECT}.`)
    await expect.poll(grantRows).toEqual([['Tenant Guest readonly', `Project ${PROJECT}`]])
    expect(await roleNames(onProject())).toEqual(['readonly'])

    await form.getByLabel('Scope').selectOption({ label: `The whole account (${s.account.name})` })
    await form.getByLabel('Role').selectOption({ label: 'EPS FullAccess' })
    await press('Grant role', `EPS FullAccess granted to ${AGENCY} on account ${s.account.name}.`)
    await expect.poll(grantRows).toEqual([['EPS FullAccess eps_full_access', 'The whole account'], ['Tenant Guest readonly', `Project ${PROJECT}`]])
    expect(await roleNames(onAccount())).toEqual(['eps_full_access'])
    await shot('agencies-permissions')

    await press(`Revoke Tenant Guest on project ${PROJECT}`, `Tenant Guest revoked from ${AGENCY} on project ${PROJECT}.`)
    await expect.poll(grantRows).toEqual([['EPS FullAccess eps_full_access', 'The whole account']])
    expect(await roleNames(onProject())).toEqual([])
    expect(await roleNames(onAccount())).toEqual(['eps_full_access'])
  })

  it('is readable in a narrow window', async () => {
    await page.setViewportSize({ width: 400, height: 800 })
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(400)
    await shot('agencies-400px')
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  it('deletes the agency (confirmed), gone from the page and the API', async () => {
    await press(`Delete ${AGENCY}`, `Agency ${AGENCY} deleted.`)
    await expect.poll(rowNames).toEqual([])
    expect(await page.getByRole('heading', { name: `Permissions of ${AGENCY}` }).count()).toBe(0)
    expect(await agencies()).toEqual([])
    expect((await call(`${s.url}/v3.0/OS-AGENCY/agencies/${agencyId}`, { token })).status).toBe(404)
  })

  it('says so on the Keystone flavour, which has no agencies (the API answers 404)', async () => {
    const keystone = await startServer({ database: 'sqlite', flavour: 'keystone' })
    const other = await browser.newPage()
    other.setDefaultTimeout(5000)
    try {
      await signIn(other, keystone)
      await expect.poll(() => other.getByText('This server has no agencies').count()).toBe(1)
      expect(await other.getByTestId('error').textContent()).toBe('')
      expect(await other.getByRole('button', { name: 'Create agency' }).count()).toBe(0)
    } finally {
      await other.close()
      await keystone.close()
    }
  })
})
