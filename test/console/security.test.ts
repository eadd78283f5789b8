/**
 * The web console and the account's security settings (issue 18 item 5) in Chromium against the
 * real server, on a server clock the test moves (a TOTP code works once, so each use needs a
 * later 30-second step): the Security page binds a virtual MFA device (QR code drawn in the page,
 * two consecutive codes) and unbinds it; sign-in asks for the device's code when login protection
 * is `vmfa`, and for the code "sent" by e-mail (read here from the store's outbox) when it is
 * `email`; the console ACL refuses an IAM user's sign-in from outside its ranges on the server
 * (the owner is exempt, the API unaffected); operation protection asks for a code before an
 * access key is deleted; the session timeout signs an idle console out (the browser's clock
 * moved). Screenshots go to test-artifacts/screenshots/.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { recordSecret } from '../helpers/secrets.js'
import { openBrowserPage } from '../helpers/browser.js'
import { base32Decode, hotp, totpStep } from '../../src/services/iam/mfa/totp.js'

const SCREENSHOTS = path.resolve('test-artifacts/screenshots')
const PASSWORD = 'Console-Passw0rd!'
const STEP_MS = 30_000

let s: TestServer
let admin: string
let browser: Browser
let context: BrowserContext
let page: Page
let now = Date.now()
const clock = { now: () => now }
/** The next TOTP step: a code of the step before was taken. */
const nextStep = () => { now += STEP_MS }
const users: Record<string, { id: string }> = {}

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true })
}

async function signIn(p: Page, user: string, password = PASSWORD): Promise<void> {
  await p.goto(`${s.url}/console/`)
  await p.getByLabel('Account').fill(s.account.name)
  await p.getByLabel('User').fill(user)
  await p.getByLabel('Password').fill(password)
  await p.getByRole('button', { name: 'Sign in' }).click()
}

const signedInAs = (p: Page) => p.getByTestId('signed-in-as').textContent()

async function freshPage(): Promise<Page> {
  const p = await context.newPage()
  p.on('dialog', (dialog) => void dialog.accept())
  return p
}

async function setPolicy(kind: string, body: unknown): Promise<void> {
  const res = await call(`${s.url}/v3.0/OS-SECURITYPOLICY/domains/${s.account.id}/${kind}`, { method: 'PUT', token: admin, body })
  expect(res.status, res.text).toBe(200)
}

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  s = await startServer({ database: 'sqlite', clock })
  admin = await s.adminToken()
  recordSecret('password', PASSWORD)
  for (const name of ['mfa_user', 'mail_user', 'acl_user']) {
    const res = await call(`${s.url}/v3/users`, { method: 'POST', token: admin, body: { user: { name, password: PASSWORD, domain_id: s.account.id, ...(name === 'mail_user' ? { email: 'mail.user@example.com' } : {}) } } })
    expect(res.status, res.text).toBe(201)
    users[name] = { id: res.body.user.id }
  }
  ;({ browser, context, page } = await openBrowserPage())
})

afterAll(async () => {
  await browser?.close()
  await s?.close()
})

describe('console security in Chromium', () => {
  let key: Buffer
  let serial: string

  it('binds a virtual MFA device on the Security page: QR code drawn in the page, two consecutive codes', async () => {
    await signIn(page, 'mfa_user')
    await expect.poll(() => signedInAs(page)).toBe(`mfa_user @ ${s.account.name}`)
    await page.getByRole('link', { name: 'Security' }).click()
    expect(page.url()).toBe(`${s.url}/console/security`)
    await expect.poll(() => page.getByTestId('mfa-state').textContent()).toBe('Not bound.')
    expect(await page.getByTestId('login-protect-state').textContent()).toBe('Off: sign-in asks for the password only.')

    await page.getByRole('button', { name: 'Bind a virtual MFA device' }).click()
    const secret = (await page.getByTestId('mfa-secret').textContent())!
    recordSecret('secret key', secret)
    key = base32Decode(secret)!
    expect(key).toBeDefined()
    // The QR code is an image the page drew itself (a data: URL), of the otpauth URI with this seed.
    const qr = page.getByTestId('mfa-qr')
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/)
    expect(await qr.getAttribute('alt')).toContain(`secret=${secret}`)
    await shot(page, 'security-bind')

    const step = totpStep(now)
    const form = page.getByRole('form', { name: 'Bind the virtual MFA device' })
    await form.getByLabel('First code').fill(hotp(key, step - 1))
    await form.getByLabel('Next code').fill(hotp(key, step))
    await form.getByRole('button', { name: 'Bind' }).click()
    await expect.poll(() => page.getByTestId('status').textContent()).toMatch(/^Virtual MFA device \S+ bound\.$/)
    const shown = await call(`${s.url}/v3.0/OS-MFA/users/${users.mfa_user!.id}/virtual-mfa-device`, { token: admin })
    expect(shown.status).toBe(200)
    serial = shown.body.virtual_mfa_device.serial_number
    expect(await page.getByTestId('mfa-state').textContent()).toBe(`Bound: serial number ${serial}.`)
    await shot(page, 'security-bound')
  })

  it('asks for the device code at sign-in when login protection is vmfa; a wrong code is refused', async () => {
    const set = await call(`${s.url}/v3.0/OS-USER/users/${users.mfa_user!.id}/login-protect`, { method: 'PUT', token: admin, body: { login_protect: { enabled: true, verification_method: 'vmfa' } } })
    expect(set.status, set.text).toBe(200)
    // The API keeps taking the password alone (spec §7.3): only the console asks for more.
    const apiLogin = await call(`${s.url}/v3/auth/tokens?nocatalog`, { method: 'POST', body: { auth: { identity: { methods: ['password'], password: { user: { name: 'mfa_user', password: PASSWORD, domain: { name: s.account.name } } } } } } })
    expect(apiLogin.status).toBe(201)

    const p = await freshPage()
    await signIn(p, 'mfa_user')
    await expect.poll(() => p.getByTestId('verification-ask').textContent()).toBe('Login protection is on: enter the 6-digit code your virtual MFA device shows now.')
    nextStep()
    const code = hotp(key, totpStep(now))
    const wrong = code === '000000' ? '111111' : '000000'
    await p.getByLabel('Verification code').fill(wrong)
    await p.getByRole('button', { name: 'Verify' }).click()
    await expect.poll(() => p.getByRole('alert').textContent()).toBe('Verification failed: The request you have made requires authentication.')
    await shot(p, 'sign-in-mfa')
    await p.getByLabel('Verification code').fill(code)
    await p.getByRole('button', { name: 'Verify' }).click()
    await expect.poll(() => signedInAs(p)).toBe(`mfa_user @ ${s.account.name}`)
    await p.getByRole('link', { name: 'Security' }).click()
    await expect.poll(() => p.getByTestId('login-protect-state').textContent()).toBe('On: sign-in asks for a virtual MFA device.')
    await p.close()
  })

  it('without a code, the console sign-in route gives no token to a protected user', async () => {
    const res = await call(`${s.url}/console/api/sign-in`, { method: 'POST', body: { account: s.account.name, user: 'mfa_user', password: PASSWORD } })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ verification: { method: 'vmfa' } })
    expect(res.headers.get('x-subject-token')).toBeNull()
  })

  it('asks for a verification code before deleting an access key (operation protection on, the default)', async () => {
    const created = await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token: admin, body: { credential: { user_id: users.mfa_user!.id, description: 'to delete' } } })
    expect(created.status, created.text).toBe(201)
    const access = created.body.credential.access as string
    await page.getByRole('link', { name: 'Access keys' }).click()
    await page.getByRole('button', { name: `Delete ${access}` }).click()
    const dialog = page.getByRole('dialog', { name: `Verify: Delete access key ${access}` })
    await expect.poll(() => dialog.getByTestId('verification-ask').textContent()).toBe('Operation protection is on: enter the 6-digit code your virtual MFA device shows now.')
    await dialog.getByLabel('Verification code').fill('123456' === hotp(key, totpStep(now)) ? '654321' : '123456')
    await dialog.getByRole('button', { name: 'Verify' }).click()
    await expect.poll(() => dialog.getByTestId('verification-error').textContent()).toBe('The verification code is wrong or has expired.')
    // Nothing was deleted while the code was wrong.
    expect((await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials/${access}`, { token: admin })).status).toBe(200)
    await shot(page, 'operation-protection')
    nextStep()
    await dialog.getByLabel('Verification code').fill(hotp(key, totpStep(now)))
    await dialog.getByRole('button', { name: 'Verify' }).click()
    await expect.poll(() => page.getByTestId('status').textContent()).toBe(`Access key ${access} deleted.`)
    expect((await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials/${access}`, { token: admin })).status).toBe(404)
  })

  it('does not ask when the account switches operation protection off', async () => {
    await setPolicy('protect-policy', { protect_policy: { operation_protection: false } })
    const p = await freshPage()
    await signIn(p, 'acl_user')
    await expect.poll(() => signedInAs(p)).toBe(`acl_user @ ${s.account.name}`)
    await p.getByRole('link', { name: 'Access keys' }).click()
    await p.getByRole('button', { name: 'Create access key' }).click()
    await expect.poll(() => p.getByTestId('status').textContent()).toMatch(/^Access key [A-Z0-9]{20} created\./)
    expect(await p.getByRole('dialog').count()).toBe(0)
    await p.close()
  })

  it('unbinds the device with a current code', async () => {
    // Login protection by vmfa holds the device (IAM.1062): switched off first.
    await call(`${s.url}/v3.0/OS-USER/users/${users.mfa_user!.id}/login-protect`, { method: 'PUT', token: admin, body: { login_protect: { enabled: false, verification_method: 'vmfa' } } })
    await page.getByRole('link', { name: 'Security' }).click()
    await expect.poll(() => page.getByTestId('mfa-state').textContent()).toBe(`Bound: serial number ${serial}.`)
    nextStep()
    await page.getByLabel('Current code').fill(hotp(key, totpStep(now)))
    await page.getByRole('button', { name: 'Unbind' }).click()
    await expect.poll(() => page.getByTestId('status').textContent()).toBe(`Virtual MFA device ${serial} unbound.`)
    expect(await page.getByTestId('mfa-state').textContent()).toBe('Not bound.')
    expect((await call(`${s.url}/v3.0/OS-MFA/users/${users.mfa_user!.id}/virtual-mfa-device`, { token: admin })).status).toBe(404)
  })

  it('asks for the code sent by e-mail when login protection is email (the operator reads it from the outbox)', async () => {
    const set = await call(`${s.url}/v3.0/OS-USER/users/${users.mail_user!.id}/login-protect`, { method: 'PUT', token: admin, body: { login_protect: { enabled: true, verification_method: 'email' } } })
    expect(set.status, set.text).toBe(200)
    const p = await freshPage()
    await signIn(p, 'mail_user')
    await expect.poll(() => p.getByTestId('verification-ask').textContent()).toBe('Login protection is on: a verification code was sent by e-mail to m***@example.com.')
    const outbox = await call(`${s.url}/_projectplane/outbox?user_id=${users.mail_user!.id}`, { token: admin })
    expect(outbox.status, outbox.text).toBe(200)
    const message = outbox.body.messages[0]
    expect(message).toMatchObject({ user_id: users.mail_user!.id, channel: 'email', destination: 'mail.user@example.com', purpose: 'login_verification', used: false })
    await p.getByLabel('Verification code').fill(message.code)
    await p.getByRole('button', { name: 'Verify' }).click()
    await expect.poll(() => signedInAs(p)).toBe(`mail_user @ ${s.account.name}`)
    await p.close()
  })

  it('refuses an IAM user\'s console sign-in from outside the console ACL; the owner and the API are unaffected', async () => {
    await setPolicy('console-acl-policy', { console_acl_policy: { allow_address_netmasks: [{ address_netmask: '10.0.0.0/8' }] } })
    const p = await freshPage()
    await signIn(p, 'acl_user')
    await expect.poll(() => p.getByRole('alert').textContent()).toBe("Sign-in failed: Console access from your IP address is not allowed by the account's console ACL.")
    await shot(p, 'sign-in-console-acl')
    // The server refuses, whatever the browser: the route itself answers 403 and hands out no token.
    const direct = await call(`${s.url}/console/api/sign-in`, { method: 'POST', body: { account: s.account.name, user: 'acl_user', password: PASSWORD } })
    expect(direct.status).toBe(403)
    expect(direct.body).toMatchObject({ error_code: 'IAM.0002', error_msg: "Console access from your IP address is not allowed by the account's console ACL." })
    expect(direct.headers.get('x-subject-token')).toBeNull()
    const apiLogin = await call(`${s.url}/v3/auth/tokens?nocatalog`, { method: 'POST', body: { auth: { identity: { methods: ['password'], password: { user: { name: 'acl_user', password: PASSWORD, domain: { name: s.account.name } } } } } } })
    expect(apiLogin.status).toBe(201)
    await signIn(p, s.adminUser, s.adminPassword)
    await expect.poll(() => signedInAs(p)).toBe(`${s.adminUser} @ ${s.account.name}`)
    await p.close()
    await setPolicy('console-acl-policy', { console_acl_policy: { allow_ip_ranges: [{ ip_range: '0.0.0.0-255.255.255.255' }] } })
  })

  it('signs out after the session timeout without activity (the browser\'s clock moved)', async () => {
    await setPolicy('login-policy', { login_policy: { session_timeout: 15 } })
    const p = await freshPage()
    await p.clock.install()
    await signIn(p, 'acl_user')
    await expect.poll(() => signedInAs(p)).toBe(`acl_user @ ${s.account.name}`)
    await p.clock.runFor(14 * 60_000)
    expect(await signedInAs(p)).toBe(`acl_user @ ${s.account.name}`)
    // Activity restarts the count.
    await p.getByRole('link', { name: 'Security' }).click()
    await p.clock.runFor(14 * 60_000)
    expect(await signedInAs(p)).toBe(`acl_user @ ${s.account.name}`)
    await p.clock.runFor(60_000 + 5_000)
    await expect.poll(() => p.getByRole('status').first().textContent()).toBe("Signed out after 15 minutes without activity (the account's session timeout).")
    expect(await p.getByTestId('signed-in-as').count()).toBe(0)
    await shot(p, 'idle-signed-out')
    await p.close()
  })
})
