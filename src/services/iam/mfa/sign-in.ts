/**
 * @module The second factor of a password sign-in (`POST /v3/auth/tokens`, spec §8): with
 * `methods: ["password", "totp"]` the passcode must be a fresh code of the user's bound virtual
 * MFA device, and a wrong or reused one counts as a failed sign-in toward the lock-out. Without
 * `totp`, a password alone is enough unless the emulator's per-user switch asks for more (§7.3).
 * The tokens service calls `check` once the password is right; it knows nothing of devices.
 */
import type { UserRow } from '../../../db/schema.js'
import { MissingAttributeError, UnauthorizedError } from '../../../errors/app-error.js'
import type { Clock } from '../../../shared/clock.js'
import type { MfaStore } from './store.js'
import { matchingStep } from './totp.js'

/** `identity.totp` of a token request (SDK `MfaTotp`); OTC's example names the user instead of giving its id. */
export interface TotpIdentity { user: { id?: string | undefined; name?: string | undefined; passcode: string } }

export interface SecondFactorRequest {
  readonly identity: { readonly methods: readonly string[]; readonly totp?: TotpIdentity | undefined }
  /** The user the password proved. */
  readonly user: UserRow
  /** Counts a failed sign-in (and throws when that locks the user): the tokens service's own lock-out. */
  countFailure(): Promise<void>
}

export interface SecondFactor {
  /** The token's methods when a second factor was proved; undefined for a password alone. Throws 401 otherwise. */
  check(request: SecondFactorRequest): Promise<readonly string[] | undefined>
}

/** The SDK's enum spells the method `" totp"` (spec §8.1): names are compared trimmed. */
export const asksForTotp = (methods: readonly string[]) => methods.some((m) => m.trim() === 'totp')

/** Where there are no MFA devices (Keystone 22's default `[auth] methods` has no `totp`): the method is unknown. */
export const NO_SECOND_FACTOR: SecondFactor = {
  async check({ identity }) {
    if (asksForTotp(identity.methods)) throw new UnauthorizedError('Attempted to authenticate with an unsupported method.')
    return undefined
  },
}

export interface MfaSignInOptions {
  store: Pick<MfaStore, 'findDevice' | 'consumeStep' | 'findLoginProtect'>
  /** The device's secret (service.ts). */
  keyOf(device: NonNullable<Awaited<ReturnType<MfaStore['findDevice']>>>): Buffer
  clock: Clock
}

export class MfaSignIn implements SecondFactor {
  constructor(private readonly deps: MfaSignInOptions) {}

  async check({ identity, user, countFailure }: SecondFactorRequest): Promise<readonly string[] | undefined> {
    if (!asksForTotp(identity.methods)) {
      const protect = await this.deps.store.findLoginProtect(user.id)
      if (protect?.enabled === 1 && protect.verification_method === 'vmfa' && protect.api_login_protection === 1) {
        throw new UnauthorizedError(`Insufficient auth methods received for ${user.id}. Auth Methods Provided: [password].`)
      }
      return undefined
    }
    if (!identity.totp) throw new MissingAttributeError('totp', 'identity')
    const named = identity.totp.user
    // `id` wins when both are given (spec open question 13); either must be the password's user.
    const sameUser = named.id !== undefined ? named.id === user.id : named.name !== undefined && named.name === user.name
    if (!sameUser) throw new UnauthorizedError()
    const device = await this.deps.store.findDevice(user.id)
    if (device?.bound !== 1) throw new UnauthorizedError()
    const step = matchingStep(this.deps.keyOf(device), named.passcode, this.deps.clock.now())
    if (step === undefined || !(await this.deps.store.consumeStep(user.id, step))) {
      await countFailure()
      throw new UnauthorizedError()
    }
    return ['password', 'totp']
  }
}

