/**
 * @module Huawei's user API (`/v3.0/OS-USER/users`): create, show, the administrator's update and
 * one's own contact update, over the same users as Keystone's `/v3/users`. Bounded by the
 * caller's account like IdentityService; every change in one transaction with its trace, whose
 * states never carry the password hash (audit/trace.ts omits it).
 */
import { newHexId } from '../../../shared/ids.js'
import { isoMicros } from '../../../shared/clock.js'
import type { OsUserFlavour } from '../../../flavours.js'
import type { UserRow } from '../../../db/schema.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import { hashPassword } from '../../../auth/password.js'
import type { PasswordSetter, SecurityService } from '../security/service.js'
import { creationOf, iamTrace, updateOf } from '../../../audit/trace.js'
import { ForbiddenError, NotFoundError, ServiceCodedError } from '../../../errors/app-error.js'
import type { IamServiceOptions } from '../iam-service-options.js'
import type { IdentityStore, UserChanges } from './store.js'
import type { OsUserCreateBody, OsUserInformationBody, OsUserUpdateBody } from './os-user-schemas.js'
import {
  ACCESS_MODES, OS_USER_ERRORS, checkDescription, checkEmail, checkPhone, checkUserName, parseMobile, passwordStrength,
} from './user-profile.js'

export interface OsUserServiceOptions extends IamServiceOptions {
  store: IdentityStore
  /** The account's password rules, history and expiry, and its self-service switches (security/service.ts). */
  security: Pick<SecurityService, 'passwordRefusal' | 'passwordExpiresAt' | 'rememberPassword' | 'assertSelfService'>
  osUser: OsUserFlavour
}

type Profile = OsUserUpdateBody['user']
const nameTaken = () => OS_USER_ERRORS.nameTaken()

export class OsUserService {
  constructor(private readonly deps: OsUserServiceOptions) {}

  private account(ctx: AuthContext): string {
    return ctx.accountId ?? ctx.userDomain.id
  }

  /** The caller itself always; other users of its account for those the policy let through. */
  async showUser(ctx: AuthContext, id: string): Promise<UserRow> {
    const user = await this.deps.store.findUser(id)
    if (!user || (user.id !== ctx.user.id && user.domain_id !== this.account(ctx))) throw new NotFoundError('user', id)
    return user
  }

  async createUser(ctx: AuthContext, body: OsUserCreateBody): Promise<UserRow> {
    const input = body.user
    const domainId = this.account(ctx)
    if (input.domain_id !== domainId) throw new ForbiddenError(`user/domain_id must be the account of the token (${domainId})`)
    checkUserName(input.name)
    const now = isoMicros(this.deps.clock.now())
    const changes = await this.profileChanges(input, input.name, undefined, domainId, now)
    const pwdStatus = input.pwd_status ?? (this.deps.osUser.pwdStatusDefault === 'always' || input.password !== undefined)
    const created = await this.deps.store.transaction(async (tx) => {
      await this.assertContactsFree(tx, domainId, changes, undefined)
      const user = await tx.createUser({
        ...changes, id: newHexId(), domain_id: domainId, name: input.name, password_hash: changes.password_hash ?? null,
        enabled: input.enabled === false ? 0 : 1, pwd_status: pwdStatus ? 1 : 0,
        password_changed_at: changes.password_hash === undefined ? null : now, created_at: now, updated_at: now,
      }, this.deps.quota?.('user'), nameTaken)
      await tx.recordChange(iamTrace(ctx, domainId, 'createUser', now), creationOf('user', user))
      return user
    })
    if (changes.password_hash) await this.deps.security.rememberPassword(created.id, changes.password_hash, now)
    return created
  }

  async updateUser(ctx: AuthContext, id: string, body: OsUserUpdateBody): Promise<UserRow> {
    const input = body.user
    const user = await this.showUser(ctx, id)
    if (user.domain_id !== this.account(ctx)) throw new NotFoundError('user', id)
    if (input.name !== undefined) checkUserName(input.name)
    if (input.enabled === false && user.is_domain_owner === 1) throw OS_USER_ERRORS.parameter('enabled')
    const changes = await this.profileChanges(input, input.name ?? user.name, user, user.domain_id, isoMicros(this.deps.clock.now()))
    if (input.name !== undefined) changes.name = input.name
    if (input.enabled !== undefined) changes.enabled = input.enabled ? 1 : 0
    if (input.pwd_status !== undefined) changes.pwd_status = input.pwd_status ? 1 : 0
    return this.update(ctx, user, changes, 'updateUser')
  }

  /** PUT …/{id}/info: only with the user's own token; `mobile` is stored as area code and number. */
  async updateUserInformation(ctx: AuthContext, id: string, body: OsUserInformationBody): Promise<void> {
    if (ctx.user.id !== id) throw new ForbiddenError('identity:update_user_information')
    const user = await this.showUser(ctx, id)
    const { email, mobile } = body.user
    if (email === undefined && mobile === undefined) throw OS_USER_ERRORS.mandatory()
    if (email !== undefined) await this.deps.security.assertSelfService(ctx, id, 'manage_email', 'identity:update_os_user')
    if (mobile !== undefined) await this.deps.security.assertSelfService(ctx, id, 'manage_mobile', 'identity:update_os_user')
    const changes: UserChanges = {}
    if (email !== undefined) {
      checkEmail(email)
      changes.email = email
    }
    if (mobile !== undefined) Object.assign(changes, parseMobile(mobile))
    await this.update(ctx, user, changes, 'updateUserInformation')
  }

  private async update(ctx: AuthContext, user: UserRow, changes: UserChanges, action: string): Promise<UserRow> {
    const now = isoMicros(this.deps.clock.now())
    if (changes.password_hash !== undefined) changes.password_changed_at = now
    // A disabled user's sessions end, as a reset password ends them.
    if (changes.enabled === 0 || changes.password_hash !== undefined) changes.tokens_valid_after = now
    const after = await this.deps.store.transaction(async (tx) => {
      await this.assertContactsFree(tx, user.domain_id, changes, user.id)
      const before = await tx.findUser(user.id)
      const updated = before && await tx.updateUser(user.domain_id, user.id, changes, now, nameTaken)
      if (!updated) throw new NotFoundError('user', user.id)
      await tx.recordChange(iamTrace(ctx, user.domain_id, action, now), updateOf('user', before, updated))
      return updated
    })
    if (changes.password_hash) await this.deps.security.rememberPassword(user.id, changes.password_hash, now)
    if (changes.tokens_valid_after !== undefined) this.deps.invalidateAuthCache()
    return after
  }

  /** The profile fields both create and update take, each checked with the API's own refusal. */
  private async profileChanges(input: Profile, userName: string, current: UserRow | undefined, domainId: string, now: string): Promise<UserChanges> {
    const changes: UserChanges = {}
    if (input.description !== undefined) {
      checkDescription(input.description)
      changes.description = input.description
    }
    if (input.email !== undefined) {
      checkEmail(input.email)
      changes.email = input.email
    }
    if ((input.areacode === undefined) !== (input.phone === undefined)) throw OS_USER_ERRORS.areacodeAndPhone()
    if (input.areacode !== undefined && input.phone !== undefined) {
      checkPhone(input.areacode, input.phone)
      Object.assign(changes, { areacode: input.areacode, phone: input.phone })
    }
    if ((input.xuser_type === undefined) !== (input.xuser_id === undefined)) throw OS_USER_ERRORS.mandatory()
    if (input.xuser_type !== undefined && input.xuser_id !== undefined) {
      if (input.xuser_type.length === 0 || input.xuser_type.length > 64) throw OS_USER_ERRORS.parameter('xuser_type')
      if (input.xuser_id.length === 0 || input.xuser_id.length > 128) throw OS_USER_ERRORS.parameter('xuser_id')
      Object.assign(changes, { xuser_type: input.xuser_type, xuser_id: input.xuser_id })
    }
    if (input.access_mode !== undefined) {
      if (!ACCESS_MODES.includes(input.access_mode as UserRow['access_mode'])) throw OS_USER_ERRORS.parameter('access_mode')
      changes.access_mode = input.access_mode as UserRow['access_mode']
    }
    if (input.password !== undefined) {
      const email = changes.email ?? current?.email
      const phone = changes.phone ?? current?.phone
      const by: PasswordSetter = current ? 'admin' : 'create'
      const refusal = await this.deps.security.passwordRefusal({ domainId, user: current, name: userName, email, phone, password: input.password, by })
      // Rules 1–5 keep issue 15's 1103; a reused one is 1108 (the current) or 1118 (an earlier one), spec §1.5.
      if (refusal?.kind === 'same') throw OS_USER_ERRORS.samePassword()
      if (refusal?.kind === 'history') throw new ServiceCodedError(400, '1118', 'The password is weak.')
      if (refusal || input.password === email || input.password === phone) throw OS_USER_ERRORS.password()
      changes.password_hash = await hashPassword(input.password)
      changes.pwd_strength = passwordStrength(input.password)
      changes.password_expires_at = await this.deps.security.passwordExpiresAt(domainId, now)
    }
    return changes
  }

  /** E-mail and phone number are each one user's in an account (`1110`, `1111`). */
  private async assertContactsFree(tx: IdentityStore, domainId: string, changes: UserChanges, self: string | undefined): Promise<void> {
    if (changes.email) {
      const holder = await tx.findUserByContact(domainId, { email: changes.email })
      if (holder && holder.id !== self) throw OS_USER_ERRORS.emailTaken()
    }
    if (changes.areacode && changes.phone) {
      const holder = await tx.findUserByContact(domainId, { areacode: changes.areacode, phone: changes.phone })
      if (holder && holder.id !== self) throw OS_USER_ERRORS.phoneTaken()
    }
  }
}
