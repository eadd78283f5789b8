/**
 * @module Access keys (Huawei `OS-CREDENTIAL`): permanent AK/SK pairs, at most two per user, and
 * temporary ones with a security token. The secret key is shown once, at creation; the store
 * keeps it sealed (auth/secret-box.ts) because verifying a signature needs it back. A user
 * manages its own keys; managing another user's keys takes the permission.
 */
import { randomBytes, randomInt } from 'node:crypto'
import type { AgencyRow, CredentialRow, DomainRow, UserRow } from '../../../db/schema.js'
import { agencyIdentity, expiry, type AssumeRoleTarget } from '../agencies/assumption.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import type { Policy } from '../../../auth/policy.js'
import type { SecretBox } from '../../../auth/secret-box.js'
import { validateCustomPolicy } from '../../../auth/custom-policy.js'
import { hashSecurityToken, isAccessKeyCaller } from '../../../auth/access-key-auth.js'
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../../../errors/app-error.js'
import type { IamServiceOptions } from '../iam-service-options.js'
import type { IdentityStore } from '../identity/store.js'
import type { CredentialStore } from './store.js'
import { isoMicros } from '../../../shared/clock.js'
import { iamTrace, type TracedChange } from '../../../audit/trace.js'
import type { CredentialCreateBody, CredentialUpdateBody, SecurityTokenBody } from './schemas.js'

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const ALNUM = `${UPPER_ALNUM}abcdefghijklmnopqrstuvwxyz`
const randomString = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('')
/** The clouds' shapes: 20 upper-case characters for the AK, 40 for the SK. */
export const newAccessKey = () => randomString(UPPER_ALNUM, 20)
export const newSecretKey = () => randomString(ALNUM, 40)

/** Temporary keys live 15 minutes unless asked otherwise, at most a day. */
export const TEMPORARY_KEY_SECONDS = { min: 900, max: 86_400, default: 900 }
/** `last_use_time` is written at most this often per key, not on every signed request. */
const LAST_USE_RESOLUTION_MS = 60_000

export interface CreatedCredential { readonly row: CredentialRow; readonly secret: string; readonly securityToken?: string }

export interface CredentialServiceOptions extends IamServiceOptions {
  store: CredentialStore
  /** The users keys belong to. */
  users: Pick<IdentityStore, 'findUser'>
  policy: Policy
  box: SecretBox
  /** Validates a token given in a request body (temporary access keys). */
  checkToken(token: string): Promise<AuthContext>
  /** The agency the caller may assume (agencies/assumption.ts); undefined where there are no agencies. */
  resolveAssumption?(caller: AuthContext, target: AssumeRoleTarget): Promise<{ agency: AgencyRow; domain: DomainRow }>
  /** The account's `allow_user.manage_accesskey` switch for users managing their own keys (security/service.ts). */
  assertSelfService?(ctx: AuthContext, userId: string): Promise<void>
}

export class CredentialService {
  private readonly lastMarked = new Map<string, number>()

  constructor(private readonly deps: CredentialServiceOptions) {}

  private now(): number {
    return this.deps.clock.now()
  }

  /** The key's user, if the caller may see it: its own, or one of its account's with the permission. */
  private async ownerFor(ctx: AuthContext, userId: string, action: string): Promise<UserRow> {
    // An agency is no user: it holds no permanent keys (its temporary ones come from securitytokens).
    if (ctx.assumedBy && userId === ctx.user.id) throw new ForbiddenError(action)
    const user = await this.deps.users.findUser(userId)
    if (!user || (user.id !== ctx.user.id && user.domain_id !== ctx.accountId && !ctx.systemAdmin)) throw new NotFoundError('user', userId)
    this.deps.policy.enforce(ctx, action, { userId: user.id })
    return user
  }

  private async credentialFor(ctx: AuthContext, access: string, action: string): Promise<CredentialRow> {
    return (await this.credentialWithOwner(ctx, access, action)).row
  }

  private async credentialWithOwner(ctx: AuthContext, access: string, action: string): Promise<{ row: CredentialRow; owner: UserRow }> {
    const row = await this.deps.store.findCredential(access)
    if (!row || row.kind !== 'permanent') throw new NotFoundError('credential', access)
    let owner: UserRow
    try {
      owner = await this.ownerFor(ctx, row.user_id, action)
    } catch (error) {
      // Another account's key is not even confirmed to exist.
      if (error instanceof NotFoundError) throw new NotFoundError('credential', access)
      throw error
    }
    return { row, owner }
  }

  async create(ctx: AuthContext, body: CredentialCreateBody): Promise<CreatedCredential> {
    const user = await this.ownerFor(ctx, body.credential.user_id, 'identity:create_credential')
    await this.deps.assertSelfService?.(ctx, user.id)
    const secret = newSecretKey()
    const now = isoMicros(this.now())
    const row = await this.deps.store.transaction(async (tx) => {
      const created = await tx.createPermanentCredential({
        access: newAccessKey(), user_id: user.id, secret: this.deps.box.seal(secret), status: 'active',
        description: body.credential.description ?? '', security_token_hash: null, expires_at: null,
        created_at: now, last_used_at: null, agency_id: null, session_name: null,
      })
      await tx.recordChange(iamTrace(ctx, user.domain_id, 'createCredential', now), credentialChange(undefined, created))
      return created
    })
    return { row, secret }
  }

  async list(ctx: AuthContext, userId: string | undefined): Promise<CredentialRow[]> {
    const user = await this.ownerFor(ctx, userId ?? ctx.user.id, 'identity:list_credentials')
    return this.deps.store.listCredentials(user.id)
  }

  get(ctx: AuthContext, access: string): Promise<CredentialRow> {
    return this.credentialFor(ctx, access, 'identity:get_credential')
  }

  async update(ctx: AuthContext, access: string, body: CredentialUpdateBody): Promise<CredentialRow> {
    const { owner } = await this.credentialWithOwner(ctx, access, 'identity:update_credential')
    await this.deps.assertSelfService?.(ctx, owner.id)
    const now = isoMicros(this.now())
    const updated = await this.deps.store.transaction(async (tx) => {
      const before = await tx.findCredential(access)
      const after = before && await tx.updateCredential(access, body.credential)
      if (!after) throw new NotFoundError('credential', access)
      await tx.recordChange(iamTrace(ctx, owner.domain_id, 'updateCredential', now), credentialChange(before, after))
      return after
    })
    this.deps.invalidateAuthCache()
    return updated
  }

  async delete(ctx: AuthContext, access: string): Promise<void> {
    const { owner } = await this.credentialWithOwner(ctx, access, 'identity:delete_credential')
    await this.deps.assertSelfService?.(ctx, owner.id)
    const now = isoMicros(this.now())
    await this.deps.store.transaction(async (tx) => {
      const before = await tx.findCredential(access)
      if (!before || !(await tx.deleteCredential(access))) throw new NotFoundError('credential', access)
      await tx.recordChange(iamTrace(ctx, owner.domain_id, 'deleteCredential', now), credentialChange(before, null))
    })
    this.deps.invalidateAuthCache()
  }

  /**
   * POST /v3.0/OS-CREDENTIAL/securitytokens: keys for a while, for the caller (`token`) or for an
   * agency the caller may assume (`assume_role`). Keys never outlive the token they were made
   * with (open question 7) nor the agency. Agency keys are traced in the delegating account.
   */
  async createTemporary(ctx: AuthContext, body: SecurityTokenBody): Promise<CreatedCredential> {
    const identity = body.auth.identity
    const byAgency = identity.methods.includes('assume_role') && this.deps.resolveAssumption !== undefined
    if (!byAgency && !identity.methods.includes('token')) {
      // Without agencies (the keystone flavour) `assume_role` is not offered, so not named.
      const offered = this.deps.resolveAssumption === undefined ? "the 'token' method is" : "the 'token' and 'assume_role' methods are"
      throw new ValidationError(`Only ${offered} supported for temporary access keys.`)
    }
    // The clouds apply such a policy to OBS only, which this server does not serve; it must still be a valid one.
    if (identity.policy !== undefined) validateCustomPolicy(identity.policy, 'auth/identity/policy')
    let agency: AgencyRow | undefined
    let trustingAccount: DomainRow | undefined
    let seconds: number
    if (byAgency) {
      if (!identity.assume_role) throw new ValidationError('The request body is invalid')
      ;({ agency, domain: trustingAccount } = await this.deps.resolveAssumption!(ctx, identity.assume_role))
      seconds = identity.assume_role.duration_seconds ?? TEMPORARY_KEY_SECONDS.default
    } else {
      // A token in the body must be valid and the caller's own; the header (or signature) says who asks.
      if (identity.token?.id !== undefined && (await this.deps.checkToken(identity.token.id)).user.id !== ctx.user.id) throw new UnauthorizedError()
      seconds = identity.token?.duration_seconds ?? TEMPORARY_KEY_SECONDS.default
    }
    // An agency's own caller (token or keys) makes keys that act as the same agency, for the user behind it.
    const actingAgency = agency?.id ?? (ctx.assumedBy ? ctx.user.id : undefined)
    const holder = ctx.assumedBy?.user.id ?? ctx.user.id
    const now = this.now()
    // A signing caller's context lives a second (it is re-judged per request); a token's is the token's life.
    const callerEnds = isAccessKeyCaller(ctx) ? Number.POSITIVE_INFINITY : ctx.expiresAt
    const expiresAt = Math.min(now + seconds * 1000, callerEnds, agency ? expiry(agency) : Number.POSITIVE_INFINITY)
    await this.deps.store.deleteExpiredCredentials(isoMicros(now))
    const secret = newSecretKey()
    const securityToken = randomBytes(96).toString('base64url')
    const row = await this.deps.store.transaction(async (tx) => {
      const created = await tx.createTemporaryCredential({
        access: newAccessKey(), user_id: holder, secret: this.deps.box.seal(secret), status: 'active', description: '',
        security_token_hash: hashSecurityToken(securityToken), expires_at: isoMicros(expiresAt),
        created_at: isoMicros(now), last_used_at: null, agency_id: actingAgency ?? null, session_name: identity.assume_role?.session_user?.name ?? null,
      })
      const trace = agency && trustingAccount
        ? iamTrace({ ...ctx, ...agencyIdentity(agency, trustingAccount, ctx.user, ctx.userDomain) }, agency.domain_id, 'createTemporaryCredential', isoMicros(now))
        : iamTrace(ctx, ctx.userDomain.id, 'createTemporaryCredential', isoMicros(now))
      await tx.recordChange(trace, credentialChange(undefined, created))
      return created
    })
    return { row, secret, securityToken }
  }

  /** For signature checks: the key and its secret, or undefined when unknown or unreadable. */
  async signingKey(access: string): Promise<{ row: CredentialRow; secret: string } | undefined> {
    const row = await this.deps.store.findCredential(access)
    const secret = row && this.deps.box.open(row.secret)
    return row && secret !== undefined ? { row, secret } : undefined
  }

  /** Records use, throttled: the clouds' `last_use_time` is about days, not requests. */
  async markUsed(access: string): Promise<void> {
    const now = this.now()
    if ((this.lastMarked.get(access) ?? 0) + LAST_USE_RESOLUTION_MS > now) return
    if (this.lastMarked.size > 10_000) this.lastMarked.clear()
    this.lastMarked.set(access, now)
    await this.deps.store.markCredentialUsed(access, isoMicros(now))
  }
}

/** Keys have no name: the access key id names them (the sealed secret never reaches a trace). */
function credentialChange(before: CredentialRow | undefined | null, after: CredentialRow | null): TracedChange {
  const access = (after ?? before)!.access
  return { resourceType: 'credential', resourceId: access, resourceName: access, before, after }
}
