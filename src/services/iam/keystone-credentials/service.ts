/**
 * @module Keystone 22's credentials (`/v3/credentials`) and EC2 credentials
 * (`/v3/users/{id}/credentials/OS-EC2`), keystone flavour. An EC2 credential is a credential of
 * type `ec2` whose id is the SHA-256 of its access key, so both APIs show the same rows. Blobs
 * are sealed at rest (auth/secret-box.ts) and opened for the answer, as Keystone decrypts them.
 *
 * Who may do what is Keystone's default policy with `enforce_scope` off: an administrator
 * (`admin` anywhere) everything, a system reader every read, anyone else its own credentials.
 * Keystone's order is kept, because it decides between 403 and 404: `/v3/credentials/{id}` is
 * judged before the id is looked up (an unknown id is 403 to a non-administrator), while OS-EC2
 * looks the credential up first (an unknown access key is 404 to anyone).
 */
import type { KeystoneCredentialRow, UserRow } from '../../../db/schema.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import type { SecretBox } from '../../../auth/secret-box.js'
import { ForbiddenError, MissingAttributeError, NotFoundError, UnauthorizedError, ValidationError } from '../../../errors/app-error.js'
import { isoMicros, type Clock } from '../../../shared/clock.js'
import { newHexId } from '../../../shared/ids.js'
import { iamTrace, type TracedChange } from '../../../audit/trace.js'
import type { IdentityStore } from '../identity/store.js'
import type { ProjectStore } from '../projects/store.js'
import type { KeystoneCredentialChanges, KeystoneCredentialStore } from './store.js'
import type { CredentialListQuery } from './schemas.js'
import {
  checkCreateBody, checkEc2BlobUpdate, checkUpdateBody, ec2CredentialId, extrasOf, isEc2Type, normalizeKeys, parseEc2Blob, pyJsonDumps, pyRepr,
  readEc2Blob, type CredentialBody,
} from './rules.js'

/** A credential as the API shows it: the row, its blob opened and its extra attributes parsed. */
export interface KeystoneCredential {
  readonly row: KeystoneCredentialRow
  readonly blob: string
  readonly extra: Record<string, unknown>
}

/** An EC2 credential as OS-EC2 shows it (Keystone's `_convert_v3_to_ec2_credential`). */
export interface Ec2Credential {
  readonly user_id: string
  readonly tenant_id: string | null
  readonly access: unknown
  readonly secret: unknown
  readonly trust_id: unknown
}

export interface KeystoneCredentialServiceOptions {
  store: KeystoneCredentialStore
  users: Pick<IdentityStore, 'findUser'>
  projects: Pick<ProjectStore, 'findProject'>
  box: SecretBox
  clock: Clock
}

/** Roles that make a system-scoped token a system reader (`admin` and `member` imply `reader`). */
const SYSTEM_READER_ROLES: ReadonlySet<string> = new Set(['reader', 'member', 'admin'])
const EC2 = 'ec2'

export class KeystoneCredentialService {
  constructor(private readonly deps: KeystoneCredentialServiceOptions) {}

  // ---- /v3/credentials

  /** POST /v3/credentials: policy on the body as sent, then Keystone's schema, then the blob. */
  async createCredential(ctx: AuthContext, body: { credential?: unknown }): Promise<KeystoneCredential> {
    const raw = body.credential ?? {}
    if (!ctx.systemAdmin && ownerOf(raw) !== ctx.user.id) throw new ForbiddenError('identity:create_credential')
    checkCreateBody(raw)
    const credential = normalizeKeys(raw) as CredentialBody & { blob: string; type: string; user_id: string }
    const id = isEc2Type(credential.type) ? ec2CredentialId(parseEc2Blob(credential.blob).access as string) : newHexId()
    const projectId = typeof credential.project_id === 'string' ? credential.project_id : null
    const user = await this.userOf(credential.user_id)
    if (projectId !== null) await this.projectExists(projectId)
    return this.insert(ctx, user, {
      id, user_id: user.id, project_id: projectId, type: credential.type, blob: credential.blob, extra: extrasOf(credential),
    })
  }

  /**
   * GET /v3/credentials: every credential the caller may see (Keystone filters the list by the
   * get policy), narrowed by `user_id` and `type`.
   */
  async listCredentials(ctx: AuthContext, query: CredentialListQuery): Promise<KeystoneCredential[]> {
    const seesAll = readsEverything(ctx)
    // Someone else's credentials would all be filtered out: the store need not read them.
    if (!seesAll && query.user_id !== undefined && query.user_id !== ctx.user.id) return []
    const rows = await this.deps.store.listCredentials({ userId: seesAll ? query.user_id : ctx.user.id, type: query.type })
    return rows.map((row) => this.opened(row))
  }

  async getCredential(ctx: AuthContext, id: string): Promise<KeystoneCredential> {
    const row = await this.deps.store.findCredential(id)
    if (!readsEverything(ctx) && row?.user_id !== ctx.user.id) throw new ForbiddenError('identity:get_credential')
    if (!row) throw new NotFoundError('credential', id)
    return this.opened(row)
  }

  /**
   * PATCH /v3/credentials/{id}, in Keystone's order: the policy on the stored credential, the
   * schema, an EC2 blob's delegation keys, the id, the policy again on the credential as it
   * would become (no one but an administrator gives a credential away), and project_id for `ec2`.
   * The id stays, even when an EC2 blob gets another access key (Tempest checks it does).
   */
  async updateCredential(ctx: AuthContext, id: string, body: { credential?: unknown }): Promise<KeystoneCredential> {
    const found = await this.deps.store.findCredential(id)
    if (!ctx.systemAdmin && found?.user_id !== ctx.user.id) throw new ForbiddenError('identity:update_credential')
    if (!found) throw new NotFoundError('credential', id)
    const current = this.opened(found)
    const credential = body.credential ?? {}
    checkUpdateBody(credential)
    const newBlob = credential.blob as string | undefined
    // Keystone 22 fails with a 500 on an EC2 credential's update without a blob: nothing is to be checked then.
    if (isEc2Type(found.type) && newBlob !== undefined) checkEc2BlobUpdate(current.blob, newBlob)
    if (credential.id !== undefined && credential.id !== null && credential.id !== id) throw new ValidationError('Cannot change ID')
    const userId = (credential.user_id as string | undefined) ?? found.user_id
    if (!ctx.systemAdmin && userId !== ctx.user.id) throw new ForbiddenError('identity:update_credential')
    if (isEc2Type(credential.type as string | undefined) && !credential.project_id && !found.project_id) throw new MissingAttributeError('project_id', 'credential')

    const owner = await this.userOf(userId)
    const changes: KeystoneCredentialChanges = {}
    if (credential.user_id !== undefined) changes.user_id = owner.id
    if (credential.project_id !== undefined) {
      changes.project_id = credential.project_id as string
      await this.projectExists(changes.project_id)
    }
    if (credential.type !== undefined) changes.type = credential.type as string
    if (newBlob !== undefined) changes.blob = this.deps.box.seal(newBlob)
    const extras = extrasOf(credential)
    const now = isoMicros(this.deps.clock.now())
    const [before, after] = await this.deps.store.transaction(async (tx) => {
      // Read again under the row's lock: extras merge into what is stored now, not what was read first.
      const stored = await tx.findCredential(id)
      if (!stored) throw new NotFoundError('credential', id)
      if (Object.keys(extras).length > 0) changes.extra = JSON.stringify({ ...parseExtra(stored.extra), ...extras })
      // A body of only the id (or links) changes nothing: there is no row to write.
      const written = Object.keys(changes).length === 0 ? stored : await tx.updateCredential(id, changes)
      if (!written) throw new NotFoundError('credential', id)
      await tx.recordChange(iamTrace(ctx, owner.domain_id, 'updateCredential', now), change(stored, written))
      return [stored, written] as const
    })
    return { row: after, blob: newBlob ?? this.opened(before).blob, extra: parseExtra(after.extra) }
  }

  async deleteCredential(ctx: AuthContext, id: string): Promise<void> {
    const found = await this.deps.store.findCredential(id)
    if (!ctx.systemAdmin && found?.user_id !== ctx.user.id) throw new ForbiddenError('identity:delete_credential')
    if (!found) throw new NotFoundError('credential', id)
    await this.remove(ctx, found)
  }

  // ---- OS-EC2

  /** POST /v3/users/{id}/credentials/OS-EC2: new random keys for a project of the body's `tenant_id`. */
  async createEc2Credential(ctx: AuthContext, userId: string, body: { tenant_id?: unknown }): Promise<Ec2Credential> {
    if (!ctx.systemAdmin && userId !== ctx.user.id) throw new ForbiddenError('identity:ec2_create_credential')
    const user = await this.userOf(userId)
    const tenantId = body.tenant_id
    // Keystone looks the project up by whatever was sent: a missing `tenant_id` is project `None`.
    if (typeof tenantId !== 'string') throw new NotFoundError('project', pyRepr(tenantId))
    await this.projectExists(tenantId)
    const access = newHexId()
    // Keystone stores the blob as Python's json.dumps writes it; `/v3/credentials` shows it so.
    // Keys made with a trust-scoped token name the trust, as Keystone's `_get_trust_id_for_request`.
    const blob = pyJsonDumps({ access, secret: newHexId(), trust_id: ctx.trust?.id ?? null })
    const created = await this.insert(ctx, user, { id: ec2CredentialId(access), user_id: user.id, project_id: tenantId, type: EC2, blob, extra: {} })
    return ec2View(created)
  }

  async listEc2Credentials(ctx: AuthContext, userId: string): Promise<Ec2Credential[]> {
    if (!readsEverything(ctx) && userId !== ctx.user.id) throw new ForbiddenError('identity:ec2_list_credentials')
    await this.userOf(userId)
    const rows = await this.deps.store.listCredentials({ userId, type: EC2 })
    return rows.map((row) => ec2View(this.opened(row)))
  }

  /**
   * GET /v3/users/{id}/credentials/OS-EC2/{access}. As in Keystone, the credential is judged by
   * its own owner: the user in the path need only exist.
   */
  async getEc2Credential(ctx: AuthContext, userId: string, access: string): Promise<Ec2Credential> {
    const row = await this.ec2Row(ctx, userId, access, 'identity:ec2_get_credential', readsEverything(ctx))
    return ec2View(this.opened(row))
  }

  async deleteEc2Credential(ctx: AuthContext, userId: string, access: string): Promise<void> {
    const row = await this.ec2Row(ctx, userId, access, 'identity:ec2_delete_credential', ctx.systemAdmin)
    await this.remove(ctx, row)
  }

  // ---- shared steps

  private async ec2Row(ctx: AuthContext, userId: string, access: string, action: string, mayAll: boolean): Promise<KeystoneCredentialRow> {
    const id = ec2CredentialId(access)
    const row = await this.deps.store.findCredential(id)
    if (!row) throw new NotFoundError('credential', id)
    if (!mayAll && row.user_id !== ctx.user.id) throw new ForbiddenError(action)
    await this.userOf(userId)
    if (row.type !== EC2) throw new UnauthorizedError('EC2 access key not found.')
    return row
  }

  private async insert(ctx: AuthContext, user: UserRow, input: Omit<KeystoneCredentialRow, 'blob' | 'extra' | 'created_at'> & { blob: string; extra: Record<string, unknown> }): Promise<KeystoneCredential> {
    const now = isoMicros(this.deps.clock.now())
    const row: KeystoneCredentialRow = { ...input, blob: this.deps.box.seal(input.blob), extra: JSON.stringify(input.extra), created_at: now }
    await this.deps.store.transaction(async (tx) => {
      await tx.createCredential(row)
      await tx.recordChange(iamTrace(ctx, user.domain_id, 'createCredential', now), change(undefined, row))
    })
    return { row, blob: input.blob, extra: input.extra }
  }

  private async remove(ctx: AuthContext, row: KeystoneCredentialRow): Promise<void> {
    const owner = await this.deps.users.findUser(row.user_id)
    const now = isoMicros(this.deps.clock.now())
    await this.deps.store.transaction(async (tx) => {
      if (!(await tx.deleteCredential(row.id))) throw new NotFoundError('credential', row.id)
      await tx.recordChange(iamTrace(ctx, owner?.domain_id ?? ctx.userDomain.id, 'deleteCredential', now), change(row, null))
    })
  }

  private opened(row: KeystoneCredentialRow): KeystoneCredential {
    const blob = this.deps.box.open(row.blob)
    // Sealed under a key this server no longer has: nothing a client could fix.
    if (blob === undefined) throw new Error(`credential ${row.id}: the blob cannot be opened with the server's credential key`)
    return { row, blob, extra: parseExtra(row.extra) }
  }

  private async userOf(id: string): Promise<UserRow> {
    const user = await this.deps.users.findUser(id)
    if (!user) throw new NotFoundError('user', id)
    return user
  }

  private async projectExists(id: string): Promise<void> {
    if (!(await this.deps.projects.findProject(id))) throw new NotFoundError('project', id)
  }
}

/** The owner a body names, for the policy check made before the body is validated. */
function ownerOf(credential: unknown): unknown {
  return typeof credential === 'object' && credential !== null ? (credential as CredentialBody).user_id : undefined
}

/** Keystone's `SYSTEM_READER` (or an administrator): reads every credential. */
function readsEverything(ctx: AuthContext): boolean {
  return ctx.systemAdmin || (ctx.scope.type === 'system' && ctx.roles.some((r) => SYSTEM_READER_ROLES.has(r.name)))
}

function ec2View(credential: KeystoneCredential): Ec2Credential {
  const blob = readEc2Blob(credential.blob)
  return {
    user_id: credential.row.user_id, tenant_id: credential.row.project_id,
    access: blob.access ?? null, secret: blob.secret ?? null, trust_id: blob.trust_id ?? null,
  }
}

function parseExtra(extra: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(extra)
  return typeof parsed === 'object' && parsed !== null ? parsed as Record<string, unknown> : {}
}

/** Credentials have no name: the id names them; the sealed blob never reaches a trace. */
function change(before: KeystoneCredentialRow | undefined | null, after: KeystoneCredentialRow | null): TracedChange {
  const id = (after ?? before)!.id
  const visible = (row: KeystoneCredentialRow | undefined | null) => row && { ...row, blob: undefined }
  return { resourceType: 'credential', resourceId: id, resourceName: id, before: visible(before), after: visible(after) }
}

