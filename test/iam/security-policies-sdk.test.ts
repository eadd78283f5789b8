/**
 * The twelve security-policy operations of issue 18 through the unmodified Huawei SDK
 * (`@huaweicloud/huaweicloud-sdk-iam` 3.1.172, IamClient, signing with access keys): the five
 * policies' GET and PUT under `/v3.0/OS-SECURITYPOLICY/domains/{id}` and Keystone's security
 * compliance read with and without an option. Each answer is compared with the SDK's response
 * model and what was written is read back; then the clouds' refusals (flat `IAM.00xx`), the
 * caller rules of spec §0.2, Open Telekom Cloud's ranges, and that Keystone has only the
 * compliance read. Runs on SQLite and on PostgreSQL (vitest projects).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startServer, type TestServer } from '../helpers/server.js'
import { createAccount, createPlainUser, tokenFor } from '../helpers/fixtures.js'
import { globalCredentials, iam, iamClient, modelMismatches, type AccessKey } from '../helpers/huawei-sdk.js'

/* eslint-disable @typescript-eslint/no-explicit-any */
const PASSWORD = 'Secure-Passw0rd!'
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: any) => e)
const flat = (status: number, code: string, message: string) => ({ status, body: { error_msg: message, error_code: code } })

async function accessKey(s: TestServer, token: string, userId: string): Promise<AccessKey> {
  const created = await call(`${s.url}/v3.0/OS-CREDENTIAL/credentials`, { method: 'POST', token, body: { credential: { user_id: userId, description: 'sdk' } } })
  expect(created.status, created.text).toBe(201)
  return { access: created.body.credential.access, secret: created.body.credential.secret }
}

describe('security policies through the Huawei SDK (huaweicloud)', () => {
  let s: TestServer
  let admin: string
  let sdk: any
  let domainId: string
  const base = () => `${s.url}/v3.0/OS-SECURITYPOLICY/domains/${domainId}`

  beforeAll(async () => {
    s = await startServer()
    admin = await s.adminToken()
    domainId = s.account.id
    const adminId = (await call(`${s.url}/v3/users?name=admin`, { token: admin })).body.users[0].id
    sdk = iamClient(globalCredentials(await accessKey(s, admin, adminId), domainId), s.url)
  })
  afterAll(async () => { await s.close() })

  it('password policy: the defaults, then a PUT merged into them and read back', async () => {
    const shown = await sdk.showDomainPasswordPolicy(new iam.ShowDomainPasswordPolicyRequest(domainId))
    expect(shown.httpStatusCode).toBe(200)
    expect(modelMismatches(shown, 'ShowDomainPasswordPolicyResponse')).toEqual([])
    expect(shown.password_policy).toEqual({
      minimum_password_length: 8, maximum_password_length: 32, password_char_combination: 2, maximum_consecutive_identical_chars: 0,
      number_of_recent_passwords_disallowed: 1, minimum_password_age: 0, password_validity_period: 0, password_not_username_or_invert: true,
      password_requirements: 'A password must contain at least two of the following: uppercase letters, lowercase letters, digits, and special characters.',
    })
    const option = new iam.PasswordPolicyOption().withMinimumPasswordLength(12).withPasswordCharCombination(3).withNumberOfRecentPasswordsDisallowed(2)
      .withMinimumPasswordAge(20).withMaximumConsecutiveIdenticalChars(3)
    const updated = await sdk.updateDomainPasswordPolicy(new iam.UpdateDomainPasswordPolicyRequest().withDomainId(domainId).withBody(new iam.UpdateDomainPasswordPolicyRequestBody(option)))
    expect(updated.httpStatusCode).toBe(200)
    expect(modelMismatches(updated, 'UpdateDomainPasswordPolicyResponse')).toEqual([])
    const expected = {
      ...shown.password_policy, minimum_password_length: 12, password_char_combination: 3, number_of_recent_passwords_disallowed: 2,
      minimum_password_age: 20, maximum_consecutive_identical_chars: 3,
      password_requirements: 'A password must contain at least three of the following: uppercase letters, lowercase letters, digits, and special characters.',
    }
    expect(updated.password_policy).toEqual(expected)
    // Merge: a PUT of one field keeps the others.
    const again = await sdk.updateDomainPasswordPolicy(new iam.UpdateDomainPasswordPolicyRequest().withDomainId(domainId)
      .withBody(new iam.UpdateDomainPasswordPolicyRequestBody(new iam.PasswordPolicyOption().withPasswordValidityPeriod(60))))
    expect(again.password_policy).toEqual({ ...expected, password_validity_period: 60 })
    expect((await sdk.showDomainPasswordPolicy(new iam.ShowDomainPasswordPolicyRequest(domainId))).password_policy).toEqual({ ...expected, password_validity_period: 60 })
    // Back to the defaults' rules for the other tests of this server.
    await call(`${base()}/password-policy`, { method: 'PUT', token: admin, body: { password_policy: { minimum_password_length: 8, password_char_combination: 2, minimum_password_age: 0, password_validity_period: 0, maximum_consecutive_identical_chars: 0 } } })
  })

  it('login policy: defaults from the configured lock-out, a PUT merged and read back', async () => {
    const shown = await sdk.showDomainLoginPolicy(new iam.ShowDomainLoginPolicyRequest(domainId))
    expect(modelMismatches(shown, 'ShowDomainLoginPolicyResponse')).toEqual([])
    expect(shown.login_policy).toEqual({
      account_validity_period: 0, custom_info_for_login: '', lockout_duration: 15, login_failed_times: 5, period_with_login_failures: 15, session_timeout: 60, show_recent_login_info: false,
    })
    const option = new iam.LoginPolicyOption().withLoginFailedTimes(3).withLockoutDuration(30).withSessionTimeout(120).withShowRecentLoginInfo(true).withCustomInfoForLogin('Welcome')
    const updated = await sdk.updateDomainLoginPolicy(new iam.UpdateDomainLoginPolicyRequest().withDomainId(domainId).withBody(new iam.UpdateDomainLoginPolicyRequestBody(option)))
    expect(modelMismatches(updated, 'UpdateDomainLoginPolicyResponse')).toEqual([])
    const expected = { ...shown.login_policy, login_failed_times: 3, lockout_duration: 30, session_timeout: 120, show_recent_login_info: true, custom_info_for_login: 'Welcome' }
    expect(updated.login_policy).toEqual(expected)
    expect((await sdk.showDomainLoginPolicy(new iam.ShowDomainLoginPolicyRequest(domainId))).login_policy).toEqual(expected)
    // HWC's lock-out may last up to a day (open question 7).
    const longLock = await call(`${base()}/login-policy`, { method: 'PUT', token: admin, body: { login_policy: { lockout_duration: 1440, login_failed_times: 10 } } })
    expect(longLock.body.login_policy).toMatchObject({ lockout_duration: 1440, login_failed_times: 10 })
  })

  it('protect policy: allow_user merged flag by flag; the PUT answer has no mobile or email', async () => {
    const shown = await sdk.showDomainProtectPolicy(new iam.ShowDomainProtectPolicyRequest(domainId))
    expect(modelMismatches(shown, 'ShowDomainProtectPolicyResponse')).toEqual([])
    expect(shown.protect_policy).toEqual({
      operation_protection: true, allow_user: { manage_accesskey: true, manage_email: true, manage_mobile: true, manage_password: true },
      admin_check: 'off', scene: '', mobile: '', email: '',
    })
    const option = new iam.ProtectPolicyOption(true).withAllowUser(new iam.AllowUserBody().withManageMobile(false)).withAdminCheck('on').withScene('email').withEmail('guard@example.com')
    const updated = await sdk.updateDomainProtectPolicy(new iam.UpdateDomainProtectPolicyRequest().withDomainId(domainId).withBody(new iam.UpdateDomainProtectPolicyRequestBody(option)))
    expect(modelMismatches(updated, 'UpdateDomainProtectPolicyResponse')).toEqual([])
    expect(updated.protect_policy).toEqual({
      operation_protection: true, allow_user: { manage_accesskey: true, manage_email: true, manage_mobile: false, manage_password: true }, admin_check: 'on', scene: 'email',
    })
    expect((await sdk.showDomainProtectPolicy(new iam.ShowDomainProtectPolicyRequest(domainId))).protect_policy).toEqual({ ...updated.protect_policy, mobile: '', email: 'guard@example.com' })
    // allow_user left out: unchanged (TF relies on it); admin_check off clears the verifier.
    const off = await call(`${base()}/protect-policy`, { method: 'PUT', token: admin, body: { protect_policy: { operation_protection: false } } })
    expect(off.body.protect_policy).toEqual({ operation_protection: false, allow_user: updated.protect_policy.allow_user, admin_check: 'off', scene: '' })
    await call(`${base()}/protect-policy`, { method: 'PUT', token: admin, body: { protect_policy: { operation_protection: true, allow_user: { manage_mobile: true } } } })
  })

  it('console and API ACLs: a PUT replaces the lists; the API ACL takes VPC endpoints', async () => {
    for (const [show, update, Req, Body, Option, key, model] of [
      ['showDomainConsoleAclPolicy', 'updateDomainConsoleAclPolicy', 'UpdateDomainConsoleAclPolicyRequest', 'UpdateDomainConsoleAclPolicyRequestBody', 'ConsoleAclPolicyOption', 'console_acl_policy', 'DomainConsoleAclPolicy'],
      ['showDomainApiAclPolicy', 'updateDomainApiAclPolicy', 'UpdateDomainApiAclPolicyRequest', 'UpdateDomainApiAclPolicyRequestBody', 'AclPolicyOption', 'api_acl_policy', 'DomainApiAclPolicy'],
    ] as const) {
      const shown = await sdk[show](new (iam as any)[`S${show.slice(1)}Request`](domainId))
      expect(modelMismatches(shown, `Show${model}Response`, { absent: [`${key}.allow_address_netmasks_ipv6`, `${key}.allow_ip_ranges_ipv6`, `${key}.allow_vpc_endpoints`] })).toEqual([])
      expect(shown[key]).toEqual({ allow_address_netmasks: [], allow_ip_ranges: [{ ip_range: '0.0.0.0-255.255.255.255', description: '' }] })
      const option = new iam[Option]().withAllowAddressNetmasks([new iam.AllowAddressNetmasksOption('127.0.0.0/8').withDescription('local')])
        .withAllowIpRanges([new iam.AllowIpRangesOption('10.0.0.1-10.0.0.9')])
      const updated = await sdk[update](new iam[Req]().withDomainId(domainId).withBody(new iam[Body](option)))
      expect(updated.httpStatusCode).toBe(200)
      expect(modelMismatches(updated, `Update${model}Response`, { absent: [`${key}.allow_address_netmasks_ipv6`, `${key}.allow_ip_ranges_ipv6`, `${key}.allow_vpc_endpoints`] })).toEqual([])
      const expected = { allow_address_netmasks: [{ address_netmask: '127.0.0.0/8', description: 'local' }], allow_ip_ranges: [{ ip_range: '10.0.0.1-10.0.0.9', description: '' }] }
      expect(updated[key]).toEqual(expected)
      expect((await sdk[show](new (iam as any)[`S${show.slice(1)}Request`](domainId)))[key]).toEqual(expected)
    }
    // Replace: one list sent, the other is gone (TF's reset, open question 9); IPv6 and VPC lists where they belong.
    const consoleAcl = await call(`${base()}/console-acl-policy`, { method: 'PUT', token: admin, body: { console_acl_policy: { allow_ip_ranges: [{ ip_range: '0.0.0.0-255.255.255.255' }], allow_address_netmasks_ipv6: [{ address_netmask: '2001:db8::/32', description: 'lab' }] } } })
    expect(consoleAcl.body).toEqual({ console_acl_policy: { allow_address_netmasks: [], allow_ip_ranges: [{ ip_range: '0.0.0.0-255.255.255.255', description: '' }], allow_address_netmasks_ipv6: [{ address_netmask: '2001:db8::/32', description: 'lab' }] } })
    const apiAcl = await call(`${base()}/api-acl-policy`, { method: 'PUT', token: admin, body: { api_acl_policy: { allow_address_netmasks: [{ address_netmask: '0.0.0.0-255.255.255.255' }], allow_vpc_endpoints: [{ vpc_endpoint_id: 'vpcep-1', description: 'x' }] } } })
    expect(apiAcl.status, apiAcl.text).toBe(200)
    expect(apiAcl.body.api_acl_policy).toEqual({ allow_address_netmasks: [{ address_netmask: '0.0.0.0-255.255.255.255', description: '' }], allow_ip_ranges: [], allow_vpc_endpoints: [{ vpc_endpoint_id: 'vpcep-1', description: 'x' }] })
    await call(`${base()}/api-acl-policy`, { method: 'PUT', token: admin, body: { api_acl_policy: { allow_ip_ranges: [{ ip_range: '0.0.0.0-255.255.255.255' }] } } })
  })

  it('security compliance: the password policy as a regular expression and in words, whole and by option', async () => {
    const whole = await sdk.keystoneShowSecurityCompliance(new iam.KeystoneShowSecurityComplianceRequest(domainId))
    expect(whole.httpStatusCode).toBe(200)
    expect(modelMismatches(whole, 'KeystoneShowSecurityComplianceResponse')).toEqual([])
    const regex = '^(?![A-Z]*$)(?![a-z]*$)(?![\\d]*$)(?![^A-Za-z\\d]*$)\\S{8,32}$'
    const description = 'A password must contain at least two of the following: uppercase letters, lowercase letters, digits, and special characters, and be a length between 8 and 32.'
    expect(whole.config).toEqual({ security_compliance: { password_regex: regex, password_regex_description: description } })
    for (const [option, value] of [['password_regex', regex], ['password_regex_description', description]] as const) {
      const one = await sdk.keystoneShowSecurityComplianceByOption(new iam.KeystoneShowSecurityComplianceByOptionRequest(domainId, option))
      expect(modelMismatches(one, 'KeystoneShowSecurityComplianceByOptionResponse', { absent: [option === 'password_regex' ? 'config.password_regex_description' : 'config.password_regex'] })).toEqual([])
      expect(one.config).toEqual({ [option]: value })
    }
    // The regular expression says what the policy says: two kinds, 8 to 32, no spaces.
    const re = new RegExp(regex)
    expect(['abcdefgh', 'ABCDEFGH', '12345678', '!!!!!!!!', 'Abc 12345', 'Abcdefg'].map((p) => re.test(p))).toEqual([false, false, false, false, false, false])
    expect(['Abcdefgh', 'abcdefg1', '1234567!'].map((p) => re.test(p))).toEqual([true, true, true])
    // Any token of the account may read it, even a user with no role.
    await createPlainUser(s, domainId, 'reader', PASSWORD)
    const reader = await tokenFor(s, 'reader', PASSWORD, s.account.name)
    expect((await call(`${s.url}/v3/domains/${domainId}/config/security_compliance`, { token: reader })).body).toEqual({ config: whole.config })
    const bad = await call(`${s.url}/v3/domains/${domainId}/config/security_compliance/lockout_duration`, { token: reader })
    expect(bad).toMatchObject({ status: 403, body: { error: { code: 403, title: 'Forbidden', message: 'Invalid domain specific configuration: Reading security compliance values other than password_regex and password_regex_description is not allowed.' } } })
  })

  it('refuses bad bodies with the clouds\' codes and keeps the stored policy', async () => {
    const put = (path: string, body: unknown) => call(`${base()}/${path}`, { method: 'PUT', token: admin, body })
    const cases: [string, unknown, ReturnType<typeof flat>][] = [
      ['password-policy', {}, flat(400, 'IAM.0072', "'password_policy' is a required property.")],
      ['password-policy', { password_policy: 'x' }, flat(400, 'IAM.0073', "Invalid input for field 'password_policy'. The value is 'x'.")],
      ['password-policy', { password_policy: { minimum_password_length: 7 } }, flat(400, 'IAM.0073', "Invalid input for field 'minimum_password_length'. The value is '7'.")],
      ['password-policy', { password_policy: { number_of_recent_passwords_disallowed: 25 } }, flat(400, 'IAM.0073', "Invalid input for field 'number_of_recent_passwords_disallowed'. The value is '25'.")],
      ['password-policy', { password_policy: { password_char_combination: '3' } }, flat(400, 'IAM.0073', "Invalid input for field 'password_char_combination'. The value is '3'.")],
      ['login-policy', { login_policy: { login_failed_times: 2 } }, flat(400, 'IAM.0073', "Invalid input for field 'login_failed_times'. The value is '2'.")],
      ['login-policy', { login_policy: { session_timeout: 1441 } }, flat(400, 'IAM.0073', "Invalid input for field 'session_timeout'. The value is '1441'.")],
      ['login-policy', { login_policy: { custom_info_for_login: 'a<b' } }, flat(400, 'IAM.0073', "Invalid input for field 'custom_info_for_login'. The value is 'a<b'.")],
      ['protect-policy', { protect_policy: { allow_user: {} } }, flat(400, 'IAM.0072', "'operation_protection' is a required property.")],
      ['protect-policy', { protect_policy: { operation_protection: true, admin_check: 'on' } }, flat(400, 'IAM.0072', "'scene' is a required property.")],
      ['protect-policy', { protect_policy: { operation_protection: true, admin_check: 'on', scene: 'mobile' } }, flat(400, 'IAM.0072', "'mobile' is a required property.")],
      ['protect-policy', { protect_policy: { operation_protection: true, admin_check: 'maybe' } }, flat(400, 'IAM.0073', "Invalid input for field 'admin_check'. The value is 'maybe'.")],
      ['api-acl-policy', { api_acl_policy: {} }, flat(400, 'IAM.0072', "'allow_address_netmasks' is a required property.")],
      ['api-acl-policy', { api_acl_policy: { allow_ip_ranges: [] } }, flat(400, 'IAM.0073', "Invalid input for field 'allow_ip_ranges'. The value is '[]'.")],
      ['api-acl-policy', { api_acl_policy: { allow_ip_ranges: [{ ip_range: '10.0.0.9-10.0.0.1' }] } }, flat(400, 'IAM.0073', "Invalid input for field 'ip_range'. The value is '10.0.0.9-10.0.0.1'.")],
      ['console-acl-policy', { console_acl_policy: { allow_address_netmasks: [{ address_netmask: '10.0.0.0/33' }] } }, flat(400, 'IAM.0073', "Invalid input for field 'address_netmask'. The value is '10.0.0.0/33'.")],
      ['console-acl-policy', { console_acl_policy: { allow_ip_ranges: [{ ip_range: '1.1.1.1-1.1.1.2' }, { ip_range: '1.1.1.1-1.1.1.2' }] } }, flat(400, 'IAM.0073', "Invalid input for field 'allow_ip_ranges'. The value is '1.1.1.1-1.1.1.2'.")],
      ['console-acl-policy', { console_acl_policy: { allow_ip_ranges: [{ ip_range: '1.1.1.1-1.1.1.2', description: 'a#b' }] } }, flat(400, 'IAM.0073', "Invalid input for field 'description'. The value is 'a#b'.")],
    ]
    const before = (await call(`${base()}/password-policy`, { token: admin })).body
    for (const [path, body, expected] of cases) {
      const res = await put(path, body)
      expect({ path, body, status: res.status, answer: res.body }).toEqual({ path, body, status: expected.status, answer: expected.body })
    }
    expect((await call(`${base()}/password-policy`, { token: admin })).body).toEqual(before)
    // Through the SDK, the same refusal arrives as its error.
    const viaSdk = await failure(sdk.updateDomainLoginPolicy(new iam.UpdateDomainLoginPolicyRequest().withDomainId(domainId)
      .withBody(new iam.UpdateDomainLoginPolicyRequestBody(new iam.LoginPolicyOption().withPeriodWithLoginFailures(61)))))
    expect(viaSdk).toMatchObject({ httpStatusCode: 400, errorCode: 'IAM.0073', errorMsg: "Invalid input for field 'period_with_login_failures'. The value is '61'." })
  })

  it('caller rules: another account is 403, an unknown one 404, a user without the permission 403 naming the action', async () => {
    const other = await createAccount(s, 'security-other', PASSWORD)
    expect(await call(`${s.url}/v3.0/OS-SECURITYPOLICY/domains/${other.id}/password-policy`, { token: admin }))
      .toMatchObject(flat(403, 'IAM.0002', 'You are not authorized to perform the requested action.'))
    expect(await call(`${s.url}/v3.0/OS-SECURITYPOLICY/domains/0123456789abcdef/login-policy`, { method: 'PUT', token: admin, body: { login_policy: {} } }))
      .toMatchObject(flat(404, 'IAM.0004', 'Could not find domain: 0123456789abcdef.'))
    await createPlainUser(s, domainId, 'plain', PASSWORD)
    const plain = await tokenFor(s, 'plain', PASSWORD, s.account.name)
    expect(await call(`${base()}/api-acl-policy`, { token: plain })).toMatchObject(flat(403, 'IAM.0002', 'You are not authorized to perform the requested action: identity:get_api_acl_policy.'))
    // Keystone's security compliance of another account: Keystone's 403.
    const otherCompliance = await call(`${s.url}/v3/domains/${other.id}/config/security_compliance`, { token: plain })
    expect(otherCompliance.body).toEqual({ error: { code: 403, title: 'Forbidden', message: 'Invalid domain specific configuration: Reading security compliance information for any domain other than the default domain is not allowed or supported.' } })
  })
})

describe('security policies on Open Telekom Cloud and in the keystone flavour', () => {
  it("opentelekomcloud: its ranges (password length from 6, history to 10, lock-out to 30 minutes); the owner's ACL rule differs (see enforcement)", async () => {
    const s = await startServer({ flavour: 'opentelekomcloud' })
    try {
      const admin = await s.adminToken()
      const base = `${s.url}/v3.0/OS-SECURITYPOLICY/domains/${s.account.id}`
      const six = await call(`${base}/password-policy`, { method: 'PUT', token: admin, body: { password_policy: { minimum_password_length: 6, number_of_recent_passwords_disallowed: 10 } } })
      expect(six.body.password_policy).toMatchObject({ minimum_password_length: 6, number_of_recent_passwords_disallowed: 10 })
      expect(await call(`${base}/password-policy`, { method: 'PUT', token: admin, body: { password_policy: { number_of_recent_passwords_disallowed: 11 } } }))
        .toMatchObject(flat(400, 'IAM.0073', "Invalid input for field 'number_of_recent_passwords_disallowed'. The value is '11'."))
      expect(await call(`${base}/login-policy`, { method: 'PUT', token: admin, body: { login_policy: { lockout_duration: 31 } } }))
        .toMatchObject(flat(400, 'IAM.0073', "Invalid input for field 'lockout_duration'. The value is '31'."))
      const compliance = await call(`${s.url}/v3/domains/${s.account.id}/config/security_compliance/password_regex`, { token: admin })
      expect(compliance.body).toEqual({ config: { password_regex: '^(?![A-Z]*$)(?![a-z]*$)(?![\\d]*$)(?![^A-Za-z\\d]*$)\\S{6,32}$' } })
    } finally {
      await s.close()
    }
  })

  it('keystone: no OS-SECURITYPOLICY; security compliance from the configuration, the Default domain only', async () => {
    const s = await startServer({ flavour: 'keystone', env: { KEYSTONE_PASSWORD_REGEX: '^(?=.*\\d)(?=.*[a-zA-Z]).{7,}$', KEYSTONE_PASSWORD_REGEX_DESCRIPTION: 'At least 7 characters with a letter and a digit.' } })
    try {
      const admin = await s.adminToken()
      expect((await call(`${s.url}/v3.0/OS-SECURITYPOLICY/domains/${s.account.id}/password-policy`, { token: admin })).status).toBe(404)
      expect((await call(`${s.url}/v3/domains/default/config/security_compliance`, { token: admin })).body)
        .toEqual({ config: { security_compliance: { password_regex: '^(?=.*\\d)(?=.*[a-zA-Z]).{7,}$', password_regex_description: 'At least 7 characters with a letter and a digit.' } } })
      expect((await call(`${s.url}/v3/domains/default/config/security_compliance/password_regex_description`, { token: admin })).body)
        .toEqual({ config: { password_regex_description: 'At least 7 characters with a letter and a digit.' } })
      const domain = (await call(`${s.url}/v3/domains`, { method: 'POST', token: admin, body: { domain: { name: 'elsewhere' } } })).body.domain.id
      expect((await call(`${s.url}/v3/domains/${domain}/config/security_compliance`, { token: admin })).body).toEqual({
        error: { code: 403, title: 'Forbidden', message: 'Invalid domain specific configuration: Reading security compliance information for any domain other than the default domain is not allowed or supported.' },
      })
      // The regular expression bites on every password set.
      const weak = await call(`${s.url}/v3/users`, { method: 'POST', token: admin, body: { user: { name: 'weakling', password: 'letters' } } })
      expect(weak.body).toEqual({ error: { code: 400, title: 'Bad Request', message: 'The password does not match the requirements: At least 7 characters with a letter and a digit.' } })
      expect((await call(`${s.url}/v3/users`, { method: 'POST', token: admin, body: { user: { name: 'strong', password: 'letters1' } } })).status).toBe(201)
    } finally {
      await s.close()
    }
  })
})
