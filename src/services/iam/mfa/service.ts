/**
 * @module Virtual MFA devices (`/v3.0/OS-MFA`) and login protection (`/v3.0/OS-USER/.../login-protect`),
 * as spec iam-security.md §6 and §7 have them. One device per user: created (the seed shown
 * once), bound with two consecutive codes, unbound (back to created), deleted. The seed is kept
 * sealed (auth/secret-box.ts) because every check needs it back. A user manages its own device;
 * another user's takes the permission, and the caller's account.
 */
import type { AuthContext } from '../../../auth/auth-context.js'
import type { Policy } from '../../../auth/policy.js'
import type { SecretBox } from '../../../auth/secret-box.js'
import type { LoginProtectRow, MfaDeviceRow, UserRow } from '../../../db/schema.js'
import { ForbiddenError, InternalError, NotFoundError, ServiceCodedError } from '../../../errors/app-error.js'
import { iamTrace } from '../../../audit/trace.js'
import { isoMicros, type Clock } from '../../../shared/clock.js'
import type { IdentityStore } from '../identity/store.js'
import type { ProjectStore } from '../projects/store.js'
import type { MfaStore } from './store.js'
import { destinationOf, type OutboxChannel, type OutboxService } from './outbox.js'
import { base32Decode, hotp, matchingStep, newSeed, otpauthUri, totpStep, TOTP_WINDOW_STEPS } from './totp.js'
import {
  VERIFICATION_METHODS, type LoginProtectUpdateBody, type MfaDeviceBindBody, type MfaDeviceCreateBody, type MfaDeviceDeleteQuery,
  type MfaDeviceUnbindBody, type VerificationMethod,
} from './schemas.js'

export const MFA_ACTIONS = {
  create: 'identity:create_mfa_device',
  bind: 'identity:bind_mfa_device',
  unbind: 'identity:unbind_mfa_device',
  delete: 'identity:delete_mfa_device',
  list: 'identity:list_mfa_devices',
  show: 'identity:get_mfa_device',
  listLoginProtects: 'identity:list_login_protects',
  showLoginProtect: 'identity:get_login_protect',
  updateLoginProtect: 'identity:update_login_protect',
  sendLoginCode: 'identity:send_login_verification_code',
  verifyLogin: 'identity:verify_login',
} as const

/** The outbox purpose of a sign-in's code (login protection by SMS or e-mail). */
export const LOGIN_PURPOSE = 'login_verification'

/** Spec §0.3's codes for this area. */
export const invalidPasscode = () => new ServiceCodedError(400, 'IAM.1061', 'Invalid TOTP passcode.')
const boundToLoginProtection = () => new ServiceCodedError(400, 'IAM.1062', 'Login protection has been bound to mfa, the unbinding operation cannot be performed.')
const invalidCode = () => new ServiceCodedError(400, 'IAM.1061', 'Invalid verification code.')
const invalidMethod = () => new ServiceCodedError(400, 'IAM.0007', 'Request parameter verification_method is invalid.')
const invalidValue = (key: string, value: unknown) => new ServiceCodedError(400, 'IAM.0073', `Invalid input for field '${key}'. The value is '${String(value)}'.`)

export interface CreatedMfaDevice { readonly row: MfaDeviceRow; readonly seed: string; readonly otpauthUri: string }

export interface MfaServiceOptions {
  store: MfaStore
  users: Pick<IdentityStore, 'findUser'>
  domains: Pick<ProjectStore, 'findDomain'>
  policy: Policy
  box: SecretBox
  clock: Clock
  /** Whether a user may set its own login protection (OTC is silent; HWC's page excludes it, spec §7.2). */
  ownLoginProtection: boolean
  /** Where codes that would go by SMS or e-mail are kept. */
  outbox: OutboxService
}

/** What a sign-in's second step asks for (`sendLoginCode`). */
export interface LoginChallenge { readonly method: string; readonly destination?: string | undefined; readonly expiresAt?: string | undefined }

/** What a device looks like in the audit trail: never its seed. */
function traced(row: MfaDeviceRow): { id: string; name: string; user_id: string; serial_number: string; bound: number } {
  return { id: row.serial_number, name: row.name, user_id: row.user_id, serial_number: row.serial_number, bound: row.bound }
}

export class MfaService {
  constructor(private readonly deps: MfaServiceOptions) {}

  /** The user, if the caller may act on it: itself, or one of its account's with the permission. */
  private async userFor(ctx: AuthContext, userId: string, action: string): Promise<UserRow> {
    const user = await this.deps.users.findUser(userId)
    if (!user || (user.id !== ctx.user.id && user.domain_id !== ctx.accountId && !ctx.systemAdmin)) throw new NotFoundError('user', userId)
    this.deps.policy.enforce(ctx, action, { userId: user.id })
    return user
  }

  private accountOf(ctx: AuthContext): string {
    return ctx.accountId ?? ctx.userDomain.id
  }

  /** The device's secret; a seed sealed under another key is a broken store, not the caller's fault. */
  keyOf(device: MfaDeviceRow): Buffer {
    const seed = this.deps.box.open(device.seed_sealed)
    const key = seed === undefined ? undefined : base32Decode(seed)
    if (!key) throw new InternalError({ cause: new Error(`the MFA seed of user ${device.user_id} cannot be opened with this server's key`) })
    return key
  }

  // ------------------------------------------------------------------ devices

  async createDevice(ctx: AuthContext, { virtual_mfa_device: body }: MfaDeviceCreateBody): Promise<CreatedMfaDevice> {
    const user = await this.userFor(ctx, body.user_id, MFA_ACTIONS.create)
    const domain = await this.deps.domains.findDomain(user.domain_id)
    if (!domain) throw new NotFoundError('user', user.id)
    const seed = newSeed()
    const row: MfaDeviceRow = {
      user_id: user.id, domain_id: user.domain_id, name: body.name, serial_number: `iam:${user.domain_id}:mfa/${body.name}`,
      seed_sealed: this.deps.box.seal(seed), bound: 0, last_used_step: null, created_at: isoMicros(this.deps.clock.now()), bound_at: null,
    }
    await this.deps.store.transaction(async (tx) => {
      await tx.createDevice(row)
      await tx.recordChange(iamTrace(ctx, user.domain_id, 'createMfaDevice', row.created_at), { resourceType: 'mfa', resourceId: row.serial_number, resourceName: row.name, before: null, after: traced(row) })
    })
    return { row, seed, otpauthUri: otpauthUri(seed, domain.name, user.name) }
  }

  /** The user's device with that serial number; 404 otherwise (spec §6.2). */
  private async deviceOf(user: UserRow, serialNumber: string): Promise<MfaDeviceRow> {
    const device = await this.deps.store.findDevice(user.id)
    if (!device || device.serial_number !== serialNumber) throw new NotFoundError('virtual mfa device', serialNumber)
    return device
  }

  /**
   * Two consecutive codes (spec §6.2): some step k with the first code k's and the second k+1's,
   * the second within the window around now. Both steps count as used.
   */
  async bindDevice(ctx: AuthContext, body: MfaDeviceBindBody): Promise<void> {
    const user = await this.userFor(ctx, body.user_id, MFA_ACTIONS.bind)
    // Only the device's holder can read its codes: binding is one's own (spec §0.1).
    if (user.id !== ctx.user.id) throw new ForbiddenError(MFA_ACTIONS.bind)
    const device = await this.deviceOf(user, body.serial_number)
    if (device.bound === 1) throw this.alreadyBound(user.id)
    const key = this.keyOf(device)
    const current = totpStep(this.deps.clock.now())
    let second: number | undefined
    for (let k = current - TOTP_WINDOW_STEPS - 1; k <= current + TOTP_WINDOW_STEPS - 1 && second === undefined; k++) {
      if (hotp(key, k) === body.authentication_code_first && hotp(key, k + 1) === body.authentication_code_second) second = k + 1
    }
    if (second === undefined) throw invalidPasscode()
    const now = isoMicros(this.deps.clock.now())
    const bound = await this.deps.store.transaction(async (tx) => {
      if (!(await tx.bindDevice(user.id, device.serial_number, second, now))) return false
      await tx.recordChange(iamTrace(ctx, user.domain_id, 'bindMfaDevice', now), { resourceType: 'mfa', resourceId: device.serial_number, resourceName: device.name, before: traced(device), after: traced({ ...device, bound: 1 }) })
      return true
    })
    if (!bound) {
      // Bound or removed meanwhile by another request.
      const again = await this.deps.store.findDevice(user.id)
      throw again?.serial_number === device.serial_number ? this.alreadyBound(user.id) : new NotFoundError('virtual mfa device', body.serial_number)
    }
  }

  private alreadyBound(userId: string) {
    return new ServiceCodedError(409, 'IAM.0005', `Conflict occurred when attempting to store virtual mfa device - user ${userId} has a bound virtual MFA device.`)
  }

  /** Login protection by `vmfa` holds the device (IAM.1062) until it is switched off. */
  private async assertNotHeldByLoginProtection(userId: string): Promise<void> {
    const protect = await this.deps.store.findLoginProtect(userId)
    if (protect?.enabled === 1 && protect.verification_method === 'vmfa') throw boundToLoginProtection()
  }

  /**
   * Back to created (spec §6.3). A user for itself proves possession with a current code (which
   * then counts as used); an administrator for another user is not asked for one.
   */
  async unbindDevice(ctx: AuthContext, body: MfaDeviceUnbindBody): Promise<void> {
    const user = await this.userFor(ctx, body.user_id, MFA_ACTIONS.unbind)
    const device = await this.deviceOf(user, body.serial_number)
    if (device.bound !== 1) throw new NotFoundError('virtual mfa device', body.serial_number)
    await this.assertNotHeldByLoginProtection(user.id)
    const self = user.id === ctx.user.id
    const step = self ? matchingStep(this.keyOf(device), body.authentication_code, this.deps.clock.now()) : undefined
    if (self && step === undefined) throw invalidPasscode()
    const unbound = await this.deps.store.transaction(async (tx) => {
      if (!(await tx.unbindDevice(user.id, device.serial_number, step))) return false
      await tx.recordChange(iamTrace(ctx, user.domain_id, 'unbindMfaDevice', isoMicros(this.deps.clock.now())), { resourceType: 'mfa', resourceId: device.serial_number, resourceName: device.name, before: traced(device), after: traced({ ...device, bound: 0 }) })
      return true
    })
    // The code was used already (a replay), or the device was unbound meanwhile.
    if (!unbound) throw self ? invalidPasscode() : new NotFoundError('virtual mfa device', body.serial_number)
  }

  /**
   * Spec §6.4 and open question 11: another serial number is a no-op (the clouds answer any with
   * success), a device held by `vmfa` login protection is refused, any other is removed.
   */
  async deleteDevice(ctx: AuthContext, query: MfaDeviceDeleteQuery): Promise<void> {
    const user = await this.userFor(ctx, query.user_id, MFA_ACTIONS.delete)
    const device = await this.deps.store.findDevice(user.id)
    if (!device || device.serial_number !== query.serial_number) return
    if (device.bound === 1) await this.assertNotHeldByLoginProtection(user.id)
    await this.deps.store.transaction(async (tx) => {
      if (await tx.deleteDevice(user.id, device.serial_number)) {
        await tx.recordChange(iamTrace(ctx, user.domain_id, 'deleteMfaDevice', isoMicros(this.deps.clock.now())), { resourceType: 'mfa', resourceId: device.serial_number, resourceName: device.name, before: traced(device), after: null })
      }
    })
  }

  /** The caller's account's devices, bound or not (spec open question 12). */
  listDevices(ctx: AuthContext): Promise<MfaDeviceRow[]> {
    return this.deps.store.listDevices(this.accountOf(ctx))
  }

  async showDevice(ctx: AuthContext, userId: string): Promise<MfaDeviceRow> {
    const user = await this.userFor(ctx, userId, MFA_ACTIONS.show)
    const device = await this.deps.store.findDevice(user.id)
    if (!device) throw new NotFoundError('virtual mfa device', user.id)
    return device
  }

  // ------------------------------------------------------------------ login protection

  listLoginProtects(ctx: AuthContext): Promise<LoginProtectRow[]> {
    return this.deps.store.listLoginProtects(this.accountOf(ctx))
  }

  async showLoginProtect(ctx: AuthContext, userId: string): Promise<LoginProtectRow> {
    const user = await this.userFor(ctx, userId, MFA_ACTIONS.showLoginProtect)
    const protect = await this.deps.store.findLoginProtect(user.id)
    if (!protect) throw new NotFoundError('login protect', user.id)
    return protect
  }

  /**
   * Spec §7.2: the method must be one the user can receive — a bound device, a mobile number or
   * an e-mail address — when it is switched on; switched off, the method reads `none`.
   */
  async updateLoginProtect(ctx: AuthContext, userId: string, { login_protect: body }: LoginProtectUpdateBody): Promise<LoginProtectRow> {
    const user = await this.userFor(ctx, userId, MFA_ACTIONS.updateLoginProtect)
    if (!this.deps.ownLoginProtection && user.id === ctx.user.id) throw new ForbiddenError(MFA_ACTIONS.updateLoginProtect)
    if (!(VERIFICATION_METHODS as readonly string[]).includes(body.verification_method)) throw invalidValue('verification_method', body.verification_method)
    const method = body.verification_method as VerificationMethod
    if (body.enabled) {
      const reachable = method === 'vmfa' ? (await this.deps.store.findDevice(user.id))?.bound === 1
        : method === 'sms' ? Boolean(user.phone) : Boolean(user.email)
      if (!reachable) throw invalidMethod()
    }
    const before = await this.deps.store.findLoginProtect(user.id)
    const row: LoginProtectRow = {
      user_id: user.id, domain_id: user.domain_id, enabled: body.enabled ? 1 : 0, verification_method: body.enabled ? method : 'none',
      api_login_protection: body.api_login_protection === undefined ? before?.api_login_protection ?? 0 : body.api_login_protection ? 1 : 0,
      updated_at: isoMicros(this.deps.clock.now()),
    }
    return this.deps.store.transaction(async (tx) => {
      const stored = await tx.putLoginProtect(row)
      const named = (r: LoginProtectRow) => ({ id: r.user_id, name: user.name, ...r })
      await tx.recordChange(iamTrace(ctx, user.domain_id, 'setUserLoginProtect', row.updated_at), { resourceType: 'loginProtect', resourceId: user.id, resourceName: user.name, before: before && named(before), after: named(stored) })
      return stored
    })
  }

  // ------------------------------------------------------------------ the console's second step

  /** The user's own login protection, switched on; the second step applies to oneself only. */
  private async ownProtection(ctx: AuthContext, userId: string, action: string): Promise<{ user: UserRow; protect: LoginProtectRow }> {
    const user = await this.userFor(ctx, userId, action)
    if (user.id !== ctx.user.id) throw new ForbiddenError(action)
    const protect = await this.deps.store.findLoginProtect(user.id)
    if (protect?.enabled !== 1) throw new NotFoundError('login protect', user.id)
    return { user, protect }
  }

  /**
   * After the password, the console's "Login Verification" (spec §7.3, §10): by SMS or e-mail a
   * new code goes to the outbox (it is delivered nowhere); with `vmfa` the app shows the code.
   */
  async sendLoginCode(ctx: AuthContext, userId: string): Promise<LoginChallenge> {
    const { user, protect } = await this.ownProtection(ctx, userId, MFA_ACTIONS.sendLoginCode)
    if (protect.verification_method === 'vmfa') return { method: 'vmfa' }
    const channel = protect.verification_method as OutboxChannel
    const destination = destinationOf(user, channel)
    // The address or number was removed after login protection was set.
    if (destination === undefined) throw invalidMethod()
    const message = await this.deps.outbox.issue(user, channel, destination, LOGIN_PURPOSE)
    return { method: channel, destination, expiresAt: message.expires_at }
  }

  /** The code of the second step: an unused outbox code, or a fresh TOTP code (each accepted once). */
  async verifyLogin(ctx: AuthContext, userId: string, code: string): Promise<void> {
    const { user, protect } = await this.ownProtection(ctx, userId, MFA_ACTIONS.verifyLogin)
    if (protect.verification_method === 'vmfa') {
      const device = await this.deps.store.findDevice(user.id)
      const step = device?.bound === 1 ? matchingStep(this.keyOf(device), code, this.deps.clock.now()) : undefined
      if (step === undefined || !(await this.deps.store.consumeStep(user.id, step))) throw invalidPasscode()
      return
    }
    if (!(await this.deps.outbox.consume(user.id, LOGIN_PURPOSE, code))) throw invalidCode()
  }
}
