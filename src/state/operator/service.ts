/**
 * @module The operator API's rules: who the operator is, what a new account gets, and the state
 * document out, in and reset, whole or for one account. Every change that can end a session
 * (an account gone, an import, a reset) drops the cached callers here and on every instance.
 */
import type { AuthContext } from '../../auth/auth-context.js'
import type { Flavour, FlavourName } from '../../flavours.js'
import type { Db } from '../../db/database.js'
import type { PasswordPolicy } from '../../config.js'
import { hashGeneratedPassword, hashPassword } from '../../auth/password.js'
import { passwordProblem } from '../../auth/password-policy.js'
import { AppError, ConflictError, ForbiddenError, InvalidFieldError, NotFoundError, UnauthorizedError, ValidationError } from '../../errors/app-error.js'
import type { Clock } from '../../shared/clock.js'
import { generatePassword } from '../../services/iam/bootstrap.js'
import { exportState } from '../export-state.js'
import { importState, StateImportError, type ImportSummary } from '../import-state.js'
import { StateDocumentError, type StateDocument } from '../state-document.js'
import type { AccountCreateBody } from './schemas.js'
import type { OperatorStore } from './store.js'

export interface OperatorServiceOptions {
  store: OperatorStore
  db: Db
  flavour: Flavour
  flavourName: FlavourName
  passwordPolicy: PasswordPolicy
  clock: Clock
  /** Drops every cached caller here and on the other instances (IAM's). */
  invalidateAuthCache(): void
}

export interface CreatedAccount {
  account: { id: string; name: string }
  admin: { id: string; name: string; password: string }
  accessKey: { access: string; secret: string } | undefined
}

/** The caller's own account cannot go: the operator would lock itself out. */
export class OwnAccountDeletionError extends AppError {
  readonly status = 409
  readonly code = 'conflict'
  constructor(id: string) {
    super(`Account ${id} is the caller's own account and cannot be deleted; reset it instead (DELETE /_projectplane/state?account=${id}).`)
  }
}

export class OperatorService {
  constructor(private readonly deps: OperatorServiceOptions) {}

  /**
   * The server's operator: keystone's cloud administrator; on the clouds, whoever the first
   * account's policies allow the action (the route's rule already checked that part).
   */
  async isOperator(ctx: AuthContext): Promise<boolean> {
    if (ctx.systemAdmin) return true
    if (!this.deps.flavour.firstAccountOperates || ctx.accountId === undefined) return false
    return ctx.accountId === await this.deps.store.firstAccountId()
  }

  /** 401 without a caller, 403 naming the action for anyone but the operator. */
  async assertOperator(ctx: AuthContext | undefined, action: string): Promise<AuthContext> {
    if (!ctx) throw new UnauthorizedError()
    if (!(await this.isOperator(ctx))) throw new ForbiddenError(action)
    return ctx
  }

  async createAccount(body: AccountCreateBody): Promise<CreatedAccount> {
    const { flavour } = this.deps
    const input = body.account
    const cloud = flavour.iam.regionProjects
    if (!cloud && input.regions) throw new InvalidFieldError('account/regions', `the ${flavour.name} flavour has no system projects per region`)
    if (!cloud && input.access_key) throw new InvalidFieldError('account/access_key', `the ${flavour.name} flavour has no access keys (AK/SK)`)
    if (input.regions) {
      const known = await this.deps.store.listRegionIds()
      const unknown = input.regions.find((r) => !known.includes(r))
      if (unknown !== undefined) throw new InvalidFieldError('account/regions', `no region '${unknown}' (the regions are ${known.join(', ')})`)
    }
    const adminUser = input.admin?.name ?? flavour.defaultAdminUserName
    const given = input.admin?.password
    if (given !== undefined) {
      const problem = passwordProblem(given, this.deps.passwordPolicy, adminUser)
      if (problem) throw new InvalidFieldError('account/admin/password', problem)
    }
    const password = given ?? generatePassword()
    const passwordHash = given === undefined ? await hashGeneratedPassword(password) : await hashPassword(password)
    const created = await this.deps.store.createAccount({
      name: input.name, description: input.description, adminUser, passwordHash, regions: input.regions, accessKey: input.access_key === true, now: this.deps.clock.now(),
    })
    return { account: { id: created.accountId, name: input.name }, admin: { id: created.userId, name: adminUser, password }, accessKey: created.accessKey }
  }

  listAccounts() {
    return this.deps.store.listAccounts()
  }

  async deleteAccount(ctx: AuthContext, id: string): Promise<void> {
    if (id === ctx.userDomain.id) throw new OwnAccountDeletionError(id)
    if (!(await this.deps.store.deleteAccount(id))) throw new NotFoundError('account', id)
    this.deps.invalidateAuthCache()
  }

  exportState(accountId: string | undefined): Promise<StateDocument> {
    return exportState(this.deps.db, { flavour: this.deps.flavourName, now: this.deps.clock.now(), accountId })
  }

  async importState(accountId: string | undefined, document: unknown): Promise<ImportSummary> {
    try {
      return await importState(this.deps.db, document, {
        flavour: this.deps.flavourName, replace: true, passwordPolicy: this.deps.passwordPolicy, now: this.deps.clock.now(), account: accountId,
      })
    } catch (error) {
      if (error instanceof StateDocumentError) throw new ValidationError(error.message, { problems: error.problems })
      if (error instanceof StateImportError) throw new ConflictError('state', (error.cause as Error | undefined)?.message ?? error.message)
      throw error
    } finally {
      this.deps.invalidateAuthCache()
    }
  }

  /**
   * One account back to what a new account has; without `accountId` every account but the
   * caller's goes and the caller's is reset. The caller is kept either way when it is in the
   * account reset, so the operator is never locked out by its own reset.
   */
  async resetState(ctx: AuthContext, accountId: string | undefined): Promise<void> {
    const keep = accountId ?? ctx.userDomain.id
    const keepUsers = keep === ctx.userDomain.id ? [ctx.user.id] : []
    const done = await this.deps.store.resetAccounts(keep, { others: accountId === undefined, keepUsers })
    if (!done) throw new NotFoundError('account', keep)
    this.deps.invalidateAuthCache()
  }
}
