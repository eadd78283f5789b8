/**
 * @module What the web console's own server routes (console-security-routes.ts) need from IAM
 * for the settings that bite on the console only (issue 18, spec iam-security.md's enforcement
 * summary): login protection at sign-in, the console ACL, operation protection. Everything goes
 * through the token service, the security policies and the MFA store as the API does; this adds
 * only the console's codes (kept in the MFA outbox, never sent) and their checks.
 */
import type { MfaDeviceRow, UserRow } from '../../db/schema.js'
import type { Clock } from '../../shared/clock.js'
import type { IdentityStore } from './identity/store.js'
import type { MfaStore } from './mfa/store.js'
import { destinationOf, type OutboxService } from './mfa/outbox.js'
import { matchingStep } from './mfa/totp.js'
import { DEFAULT_PROTECT_POLICY, type ProtectPolicy } from './security/rules.js'
import type { SecurityStore } from './security/store.js'
import type { IssuedToken, TokenService } from './tokens/service.js'
import type { TokenRequest } from './tokens/schemas.js'

export type VerificationChannel = 'vmfa' | 'sms' | 'email'

export interface ConsoleSupportOptions {
  tokens: Pick<TokenService, 'issueToken' | 'revokeSubjectToken'>
  users: Pick<IdentityStore, 'findUser'>
  /** Undefined where the flavour has no virtual MFA (Keystone). */
  mfa: {
    store: Pick<MfaStore, 'findDevice' | 'findLoginProtect' | 'consumeStep'>
    keyOf(device: MfaDeviceRow): Buffer
    outbox: Pick<OutboxService, 'issue' | 'consume'>
  } | undefined
  /** The security policies' store: the protect policy has no reader for services (only the permission-checked GET). */
  securityStore: Pick<SecurityStore, 'findPolicy'>
  /** Whether the flavour has the clouds' security policies (Keystone has no protect-policy: nothing is protected). */
  policies: boolean
  clock: Clock
}

export class ConsoleSupport {
  constructor(private readonly deps: ConsoleSupportOptions) {}

  /** A token as `POST /v3/auth/tokens` issues it: the lock-out, the TOTP check and its replay guard included. */
  issueToken(body: TokenRequest): Promise<IssuedToken> {
    return this.deps.tokens.issueToken(body)
  }

  /** A token the console will not hand out (a second factor is still missing, or the ACL refuses). */
  async discard(issued: IssuedToken): Promise<void> {
    await this.deps.tokens.revokeSubjectToken(issued.ctx, issued.token)
  }

  findUser(userId: string): Promise<UserRow | undefined> {
    return this.deps.users.findUser(userId)
  }

  /** The user's login protection method, when it is on. */
  async loginProtection(userId: string): Promise<VerificationChannel | undefined> {
    const protect = await this.deps.mfa?.store.findLoginProtect(userId)
    if (protect?.enabled !== 1) return undefined
    const method = protect.verification_method
    return method === 'vmfa' || method === 'sms' || method === 'email' ? method : undefined
  }

  async hasBoundDevice(userId: string): Promise<boolean> {
    return (await this.deps.mfa?.store.findDevice(userId))?.bound === 1
  }

  /** The user's device and whether it is bound: the API's show answers the serial number only (SDK `MfaDeviceResult`). */
  async device(userId: string): Promise<{ serial_number: string; bound: boolean } | undefined> {
    const device = await this.deps.mfa?.store.findDevice(userId)
    return device && { serial_number: device.serial_number, bound: device.bound === 1 }
  }

  async protectPolicy(accountId: string): Promise<ProtectPolicy> {
    if (!this.deps.policies) return { ...DEFAULT_PROTECT_POLICY, operation_protection: false }
    return { ...DEFAULT_PROTECT_POLICY, ...(await this.deps.securityStore.findPolicy(accountId, 'protect') as Partial<ProtectPolicy> | undefined) }
  }

  /**
   * A code the clouds would send by SMS or e-mail, kept in the outbox for the server's operator.
   * Undefined when the user has no such address (or the flavour no outbox).
   */
  async sendCode(user: UserRow, channel: 'sms' | 'email', purpose: string): Promise<{ destination: string } | undefined> {
    const destination = destinationOf(user, channel)
    if (destination === undefined || !this.deps.mfa) return undefined
    await this.deps.mfa.outbox.issue(user, channel, destination, purpose)
    return { destination }
  }

  /** Takes the user's unused, unexpired code for `purpose`; false when there is none. */
  async consumeCode(userId: string, purpose: string, code: string): Promise<boolean> {
    return this.deps.mfa !== undefined && /^[0-9]{6}$/.test(code) && this.deps.mfa.outbox.consume(userId, purpose, code)
  }

  /** A fresh code of the user's bound device, taken as used as a sign-in's would be (a code works once). */
  async consumeTotp(userId: string, passcode: string): Promise<boolean> {
    const mfa = this.deps.mfa
    const device = await mfa?.store.findDevice(userId)
    if (!mfa || device?.bound !== 1) return false
    const step = matchingStep(mfa.keyOf(device), passcode, this.deps.clock.now())
    return step !== undefined && mfa.store.consumeStep(userId, step)
  }
}
