/**
 * @module Keystone's application credentials and access rules (keystone flavour): a user makes a
 * credential in the project its token is scoped to, delegating some of its roles there, with a
 * secret shown once and stored hashed; the `application_credential` auth method trades id (or
 * name and user) and secret for a token of that project with those roles (`delegate`, called by
 * the tokens service on every validation, so a deleted or expired credential, or a role the user
 * lost, ends its tokens). No SQL and no HTTP here.
 */
import type { AccessRuleRow, RoleRow } from '../../../db/schema.js'
import type { AccessRuleRef, AppliedCredential, AuthContext } from '../../../auth/auth-context.js'
import type { Policy } from '../../../auth/policy.js'
import type { TokenPayload } from '../../../auth/token-codec.js'
import { hashPassword, verifyPassword } from '../../../auth/password.js'
import { ForbiddenError, MissingAttributeError, NotFoundError, UnauthorizedError, ValidationError } from '../../../errors/app-error.js'
import { creationOf, deletionOf, iamTrace } from '../../../audit/trace.js'
import { isoMicros } from '../../../shared/clock.js'
import { newHexId } from '../../../shared/ids.js'
import type { IamServiceOptions } from '../iam-service-options.js'
import type { IdentityStore } from '../identity/store.js'
import type { ProjectStore } from '../projects/store.js'
import type { RoleStore } from '../roles/store.js'
import { expiryMs, newApplicationCredentialSecret, parseExpiry } from './rules.js'
import type { AccessRuleListQuery, ApplicationCredentialAuth, ApplicationCredentialCreateBody } from './schemas.js'
import type { ApplicationCredentialRecord, ApplicationCredentialStore } from './store.js'

export interface ApplicationCredentialServiceOptions extends IamServiceOptions {
  store: ApplicationCredentialStore
  /** Roles named by id or name in a create. */
  roles: Pick<RoleStore, 'findRole' | 'findRoleByName'>
  /** The users a credential is looked up by, at authentication. */
  users: Pick<IdentityStore, 'findUser' | 'findUserByName'>
  domains: Pick<ProjectStore, 'findDomain' | 'findDomainByName'>
  policy: Policy
}

/** A new credential: its record, and the secret, which nothing shows again. */
export interface CreatedApplicationCredential { readonly record: ApplicationCredentialRecord; readonly secret: string }

/** What the `application_credential` auth method established: whose token, where, until when. */
export interface ApplicationCredentialGrant {
  readonly userId: string
  readonly projectId: string
  readonly credentialId: string
  /** Milliseconds since the epoch; undefined when the credential never expires. */
  readonly expiresAt: number | undefined
}

/** The part the tokens service uses: authentication and the per-validation narrowing of roles. */
export interface ApplicationCredentialTokens {
  authenticate(auth: ApplicationCredentialAuth | undefined, scopeRequested: boolean): Promise<ApplicationCredentialGrant>
  delegate(payload: TokenPayload, userId: string, roles: readonly RoleRow[], now: number): Promise<{ roles: RoleRow[]; credential: AppliedCredential } | undefined>
}

const CREATE = 'identity:create_application_credential'
const INVALID_SECRET = 'Invalid application credential ID or secret'

const accountOf = (ctx: AuthContext) => ctx.accountId ?? ctx.userDomain.id
const ruleRef = (r: AccessRuleRow): AccessRuleRef => ({ id: r.id, service: r.service, path: r.path, method: r.method })
/** Traces name the credential and its delegation, never its secret's hash. */
const traced = ({ credential: { secret_hash: _, ...credential }, roles, accessRules }: ApplicationCredentialRecord) =>
  ({ ...credential, roles: roles.map((r) => r.id), access_rules: accessRules.map((r) => r.id) })

export class ApplicationCredentialService implements ApplicationCredentialTokens {
  constructor(private readonly deps: ApplicationCredentialServiceOptions) {}

  // ------------------------------------------------------------------ credentials

  /**
   * `POST /v3/users/{id}/application_credentials`, Keystone 22's way: only for the caller itself,
   * never from a restricted credential's token, in the project of the caller's token, with the
   * roles asked for (each one the token carries) or else all the token's roles.
   */
  async createApplicationCredential(ctx: AuthContext, userId: string, body: ApplicationCredentialCreateBody): Promise<CreatedApplicationCredential> {
    const input = body.application_credential
    this.assertUnrestricted(ctx, 'managing additional application credentials')
    if (ctx.user.id !== userId) throw new ForbiddenError('Cannot create an application credential for another user.')
    // Keystone's policy is scoped to projects: a credential delegates roles on one project.
    if (ctx.scope.type !== 'project') throw new ForbiddenError(CREATE)
    const now = this.deps.clock.now()
    const roleIds = input.roles?.length ? await this.requestedRoles(ctx, input.roles) : ctx.roles.map((r) => r.id)
    const secret = input.secret || newApplicationCredentialSecret()
    const expiresAt = input.expires_at ? parseExpiry(input.expires_at, now) : null
    const rules = (input.access_rules ?? []).map((rule) => {
      if (rule.id === undefined) {
        const missing = (['service', 'path', 'method'] as const).filter((k) => rule[k] === undefined)
        if (missing.length > 0) throw new MissingAttributeError(missing.join(', '), 'access rule')
      }
      return { ...rule, newId: newHexId() }
    })
    const created = isoMicros(now)
    // Hashed before the transaction: argon2 takes tens of milliseconds, a write lock should not.
    const secretHash = await hashPassword(secret)
    const projectId = ctx.scope.project.id
    const record = await this.deps.store.transaction(async (tx) => {
      const made = await tx.createApplicationCredential({
        id: newHexId(), user_id: userId, project_id: projectId, name: input.name,
        description: input.description ?? null, secret_hash: secretHash, expires_at: expiresAt,
        unrestricted: input.unrestricted === undefined ? null : Number(input.unrestricted), created_at: created,
      }, roleIds, rules)
      await tx.recordChange(iamTrace(ctx, accountOf(ctx), 'createApplicationCredential', created), creationOf('application_credential', traced(made)))
      return made
    })
    return { record, secret }
  }

  /**
   * Roles by id or name (a name Keystone resolves among global roles, 404 when none), each one
   * the caller's token carries (Keystone: no credential may escalate beyond its maker's token).
   */
  private async requestedRoles(ctx: AuthContext, refs: readonly { id?: string | undefined; name?: string | undefined }[]): Promise<string[]> {
    const ids: string[] = []
    for (const ref of refs) {
      let id = ref.id
      if (id === undefined) {
        const role = await this.deps.roles.findRoleByName(ref.name!)
        if (!role) throw new NotFoundError('role', ref.name!)
        id = role.id
      }
      if (!ctx.roles.some((r) => r.id === id)) {
        throw new ValidationError('Invalid application credential: Cannot create an application credential with unassigned role')
      }
      ids.push(id)
    }
    return ids
  }

  /** GET: the caller's own, or any with the permission (Keystone: admin or owner). */
  async listApplicationCredentials(userId: string, name: string | undefined): Promise<ApplicationCredentialRecord[]> {
    return this.deps.store.listApplicationCredentials(userId, name)
  }

  /**
   * Keystone judges who may see or delete a credential by the credential's own user, not the
   * one in the path (else naming oneself in the path would reach anyone's); an unknown id is
   * judged by the path, and then not found.
   */
  async getApplicationCredential(ctx: AuthContext, userId: string, id: string): Promise<ApplicationCredentialRecord> {
    const record = await this.deps.store.findApplicationCredential(id)
    this.deps.policy.enforce(ctx, 'identity:get_application_credential', { userId: record?.credential.user_id ?? userId })
    if (!record) throw new NotFoundError('Application Credential', id)
    return record
  }

  /** Its tokens stop working at once: every validation asks for the credential. */
  async deleteApplicationCredential(ctx: AuthContext, userId: string, id: string): Promise<void> {
    const found = await this.deps.store.findApplicationCredential(id)
    this.deps.policy.enforce(ctx, 'identity:delete_application_credential', { userId: found?.credential.user_id ?? userId })
    this.assertUnrestricted(ctx, 'managing additional application credentials')
    const now = isoMicros(this.deps.clock.now())
    await this.deps.store.transaction(async (tx) => {
      const before = await tx.findApplicationCredential(id)
      if (!before || !(await tx.deleteApplicationCredential(id))) throw new NotFoundError('Application Credential', id)
      await tx.recordChange(iamTrace(ctx, accountOf(ctx), 'deleteApplicationCredential', now), deletionOf('application_credential', traced(before)))
    })
    this.deps.invalidateAuthCache()
  }

  /** Keystone: a restricted credential's token manages neither credentials nor trusts. */
  private assertUnrestricted(ctx: AuthContext, what: string): void {
    if (ctx.applicationCredential?.restricted) throw new ForbiddenError(`Using method 'application_credential' is not allowed for ${what}.`)
  }

  // ------------------------------------------------------------------ access rules

  /**
   * Keystone 22's access-rule policy: the rule's user, or a system-scoped token with `reader`
   * (`admin` to delete). Unlike the credential routes there is no deprecated `admin_or_owner`,
   * so `admin` on a project is not enough.
   */
  private assertMayReachAccessRules(ctx: AuthContext, userId: string, action: string, role: 'reader' | 'admin'): void {
    if (ctx.user.id === userId) return
    const names = new Set(ctx.roles.map((r) => r.name))
    // Keystone's bootstrap makes admin imply member and member imply reader.
    const holds = role === 'admin' ? names.has('admin') : names.has('reader') || names.has('member') || names.has('admin')
    if (ctx.scope.type !== 'system' || !holds) throw new ForbiddenError(action)
  }

  async listAccessRules(ctx: AuthContext, userId: string, query: AccessRuleListQuery): Promise<AccessRuleRow[]> {
    this.assertMayReachAccessRules(ctx, userId, 'identity:list_access_rules', 'reader')
    return this.deps.store.listAccessRules(userId, query)
  }

  /** A rule of the user in the path only (Keystone would show any user's rule by its id). */
  async getAccessRule(ctx: AuthContext, userId: string, id: string): Promise<AccessRuleRow> {
    this.assertMayReachAccessRules(ctx, userId, 'identity:get_access_rule', 'reader')
    const rule = await this.deps.store.findAccessRule(id)
    if (!rule || rule.user_id !== userId) throw new NotFoundError('Access Rule', id)
    return rule
  }

  /** Refused (403) while a credential uses the rule; the foreign key decides, races included. */
  async deleteAccessRule(ctx: AuthContext, userId: string, id: string): Promise<void> {
    this.assertMayReachAccessRules(ctx, userId, 'identity:delete_access_rule', 'admin')
    const now = isoMicros(this.deps.clock.now())
    await this.deps.store.transaction(async (tx) => {
      const before = await tx.findAccessRule(id)
      if (!before || before.user_id !== userId || !(await tx.deleteAccessRule(id))) throw new NotFoundError('Access Rule', id)
      await tx.recordChange(iamTrace(ctx, accountOf(ctx), 'deleteAccessRule', now), deletionOf('access_rule', { ...before, name: `${before.method} ${before.service}${before.path}` }))
    })
  }

  // ------------------------------------------------------------------ tokens

  /**
   * The credential a token request names, with its secret checked. Keystone's answers: a scope
   * in the request 401, an unknown id 404 (it looks the credential up before authenticating),
   * an unknown user 404, an unknown name, a wrong secret or an expired credential 401.
   */
  async authenticate(auth: ApplicationCredentialAuth | undefined, scopeRequested: boolean): Promise<ApplicationCredentialGrant> {
    if (scopeRequested) throw new UnauthorizedError('Error authenticating with application credential: Application credentials cannot request a scope.')
    if (!auth) throw new MissingAttributeError('application_credential', 'identity')
    const record = auth.id ? await this.deps.store.findApplicationCredential(auth.id) : await this.findByName(auth)
    if (!record) throw new NotFoundError('Application Credential', auth.id!)
    const { credential } = record
    const secretOk = await verifyPassword(credential.secret_hash, auth.secret ?? '')
    const expiresAt = credential.expires_at === null ? undefined : expiryMs(credential.expires_at)
    if (!secretOk || (expiresAt !== undefined && expiresAt <= this.deps.clock.now())) throw new UnauthorizedError(INVALID_SECRET)
    return { userId: credential.user_id, projectId: credential.project_id, credentialId: credential.id, expiresAt }
  }

  private async findByName(auth: ApplicationCredentialAuth): Promise<ApplicationCredentialRecord> {
    if (!auth.name) throw new MissingAttributeError('name or ID', 'application credential')
    const user = auth.user
    if (!user) throw new MissingAttributeError('user', 'application credential')
    let userId = user.id
    if (!userId) {
      if (!user.domain) throw new MissingAttributeError('domain', 'user')
      const { id: domainId, name: domainName } = user.domain
      if (!domainId && !domainName) throw new MissingAttributeError('id or name', 'domain')
      const domain = domainId ? await this.deps.domains.findDomain(domainId) : await this.deps.domains.findDomainByName(domainName!)
      if (!domain || domain.enabled !== 1) throw new UnauthorizedError()
      const found = await this.deps.users.findUserByName(domain.id, user.name ?? '')
      if (!found) throw new NotFoundError('user', user.name ?? '')
      userId = found.id
    }
    const [record] = await this.deps.store.listApplicationCredentials(userId, auth.name)
    if (!record) throw new UnauthorizedError(`Could not find application credential: ${auth.name}`)
    return record
  }

  /**
   * A token made with a credential, at each validation: still the credential's user and project,
   * not expired, carrying the credential's roles the user still holds there (Keystone drops the
   * others; none left, no token). A token made from such a token by rescoping carries no
   * credential id and is refused, as Keystone fails it.
   */
  async delegate(payload: TokenPayload, userId: string, roles: readonly RoleRow[], now: number): Promise<{ roles: RoleRow[]; credential: AppliedCredential } | undefined> {
    if (payload.applicationCredentialId === undefined || payload.scope.type !== 'project') return undefined
    const record = await this.deps.store.findApplicationCredential(payload.applicationCredentialId)
    const credential = record?.credential
    if (!record || !credential || credential.user_id !== userId || credential.project_id !== payload.scope.id) return undefined
    if (credential.expires_at !== null && expiryMs(credential.expires_at) <= now) return undefined
    const delegated = roles.filter((r) => record.roles.some((d) => d.id === r.id))
    if (delegated.length === 0) return undefined
    return {
      roles: delegated,
      credential: {
        id: credential.id, name: credential.name, restricted: credential.unrestricted !== 1,
        ...(record.accessRules.length > 0 ? { accessRules: record.accessRules.map(ruleRef) } : {}),
      },
    }
  }
}
