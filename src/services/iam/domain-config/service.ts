/**
 * @module Domain-specific configuration (keystone flavour): the identity and LDAP options an
 * administrator sets for one domain, whole (PUT), merged (PATCH) or per group and option, and
 * Keystone's defaults. Keystone 22 keeps and serves them even with domain-specific drivers off,
 * as here: they are stored, never acted on (this server has no LDAP). A sensitive option (the
 * LDAP password) is kept sealed and never shown. The checks and their order are Keystone's
 * `DomainConfigManager` (rules.ts); no SQL and no HTTP here.
 */
import type { DomainConfigOptionRow, DomainRow } from '../../../db/schema.js'
import type { AuthContext } from '../../../auth/auth-context.js'
import type { SecretBox } from '../../../auth/secret-box.js'
import { DomainConfigNotFoundError, NotFoundError } from '../../../errors/app-error.js'
import { isoMicros, type Clock } from '../../../shared/clock.js'
import { iamTrace, type TracedChange } from '../../../audit/trace.js'
import type { ProjectStore } from '../projects/store.js'
import type { ConfigSelection, DomainConfigStore } from './store.js'
import {
  assertUpdateMatchesUrl, assertValidConfig, assertValidGroupAndOption, defaultConfig, isSensitive, pythonFalsy, type DomainConfig,
} from './rules.js'

export interface DomainConfigServiceOptions {
  store: DomainConfigStore
  domains: Pick<ProjectStore, 'findDomain'>
  box: SecretBox
  clock: Clock
}

/** Keystone's words for what was not found: `any options`, `group <g>`, `option <o> in group <g>`. */
function missing(domainId: string, { group, option }: ConfigSelection): DomainConfigNotFoundError {
  const what = option !== undefined ? `option ${option} in group ${group}` : group !== undefined ? `group ${group}` : 'any options'
  return new DomainConfigNotFoundError(domainId, what)
}

export class DomainConfigService {
  constructor(private readonly deps: DomainConfigServiceOptions) {}

  /** `GET /v3/domains/config[/{group}[/{option}]]/default`. */
  getDefaultConfig(selection: ConfigSelection = {}): Record<string, unknown> {
    return defaultConfig(selection.group, selection.option)
  }

  /**
   * `GET /v3/domains/{id}/config[/{group}[/{option}]]`: the shown options only, so a group of
   * sensitive options alone is not found. Keystone looks at the configuration before the domain,
   * so an unknown domain reads as a domain without configuration.
   */
  async getConfig(domainId: string, selection: ConfigSelection = {}): Promise<Record<string, unknown>> {
    assertValidGroupAndOption(selection.group, selection.option)
    const shown = (await this.deps.store.listOptions(domainId, selection)).filter((r) => r.sensitive === 0)
    if (shown.length === 0) throw missing(domainId, selection)
    return this.configOf(shown, selection.option)
  }

  /** `PUT /v3/domains/{id}/config`: replaces the whole configuration; `created` when there was none. */
  async createConfig(ctx: AuthContext, domainId: string, config: Record<string, unknown>): Promise<{ config: Record<string, unknown>; created: boolean }> {
    const domain = await this.domainOf(domainId)
    return this.write(ctx, domain, 'createDomainConfig', async (tx, before) => {
      assertValidConfig(config)
      await tx.deleteOptions(domainId)
      await tx.putOptions(this.rowsOf(domainId, config))
      const after = await tx.listOptions(domainId)
      return { result: { config: this.configOf(after.filter((r) => r.sensitive === 0)), created: before.length === 0 }, after }
    })
  }

  /**
   * `PATCH /v3/domains/{id}/config[/{group}[/{option}]]`: merges the options given into the
   * configuration. For a group or option, the body holds that one alone (an option's body is
   * `{option: value}`), and it must be stored already. Answers the whole shown configuration.
   */
  async updateConfig(ctx: AuthContext, domainId: string, body: Record<string, unknown>, selection: ConfigSelection = {}): Promise<Record<string, unknown>> {
    const domain = await this.domainOf(domainId)
    const { group, option } = selection
    const config = group !== undefined && option !== undefined ? { [group]: body } : body
    const shown = await this.write(ctx, domain, 'updateDomainConfig', async (tx, before) => {
      assertValidConfig(config)
      assertValidGroupAndOption(group, option)
      if (group !== undefined) {
        assertUpdateMatchesUrl(config, group, option)
        if (!before.some((r) => r.group_name === group && (option === undefined || r.option_name === option))) throw missing(domainId, selection)
      }
      await tx.putOptions(this.rowsOf(domainId, config))
      const after = await tx.listOptions(domainId)
      return { result: after.filter((r) => r.sensitive === 0), after }
    })
    // Keystone answers with what `GET` would show, after the update has been stored: with only
    // sensitive options stored, the update stands and the answer is 404.
    if (shown.length === 0) throw missing(domainId, {})
    return this.configOf(shown)
  }

  /**
   * `DELETE /v3/domains/{id}/config[/{group}[/{option}]]`. The whole configuration may be
   * deleted when there is none; a group or option must be stored, and Keystone takes an
   * option whose value is empty (0, `""`, `[]`, false) as not stored, as it tests its truth.
   */
  async deleteConfig(ctx: AuthContext, domainId: string, selection: ConfigSelection = {}): Promise<void> {
    const domain = await this.domainOf(domainId)
    const { group, option } = selection
    assertValidGroupAndOption(group, option)
    await this.write(ctx, domain, 'deleteDomainConfig', async (tx, before) => {
      if (group !== undefined) {
        const current = this.configOf(before) as DomainConfig
        if (pythonFalsy(current[group])) throw missing(domainId, { group })
        if (option !== undefined && pythonFalsy(current[group]![option])) throw missing(domainId, selection)
      }
      await tx.deleteOptions(domainId, selection)
      return { result: undefined, after: await tx.listOptions(domainId) }
    })
  }

  private async domainOf(id: string): Promise<DomainRow> {
    const domain = await this.deps.domains.findDomain(id)
    if (!domain) throw new NotFoundError('domain', id)
    return domain
  }

  /**
   * Runs a change of the domain's configuration in one transaction, under the domain's lock,
   * given what is stored before it; traces the shown configuration before and after.
   */
  private write<T>(ctx: AuthContext, domain: DomainRow, action: string,
    work: (tx: DomainConfigStore, before: DomainConfigOptionRow[]) => Promise<{ result: T; after: DomainConfigOptionRow[] }>): Promise<T> {
    const now = isoMicros(this.deps.clock.now())
    return this.deps.store.transaction(async (tx) => {
      await tx.lockDomainConfig(domain.id)
      const before = await tx.listOptions(domain.id)
      const { result, after } = await work(tx, before)
      // Deleting a configuration that was never set changes nothing: no trace.
      if (before.length > 0 || after.length > 0) await tx.recordChange(iamTrace(ctx, domain.id, action, now), this.traceOf(domain, before, after))
      return result
    })
  }

  private traceOf(domain: DomainRow, before: DomainConfigOptionRow[], after: DomainConfigOptionRow[]): TracedChange {
    const state = (rows: DomainConfigOptionRow[]) => rows.length === 0 ? null : { id: domain.id, name: domain.name, config: this.configOf(rows.filter((r) => r.sensitive === 0)) }
    return { resourceType: 'domain_config', resourceId: domain.id, resourceName: domain.name, before: state(before), after: state(after) }
  }

  private rowsOf(domainId: string, config: DomainConfig): DomainConfigOptionRow[] {
    return Object.entries(config).flatMap(([group, options]) => Object.entries(options).map(([option, value]) => {
      const sensitive = isSensitive(group, option)
      const json = JSON.stringify(value)
      return { domain_id: domainId, group_name: group, option_name: option, value: sensitive ? this.deps.box.seal(json) : json, sensitive: sensitive ? 1 : 0 }
    }))
  }

  /** Keystone's `_list_to_config`: `{group: {option: value}}`, or `{option: value}` for one option. */
  private configOf(rows: readonly DomainConfigOptionRow[], option?: string): Record<string, unknown> {
    const valueOf = (r: DomainConfigOptionRow): unknown => {
      const json = r.sensitive === 1 ? this.deps.box.open(r.value) : r.value
      return json === undefined ? null : JSON.parse(json)
    }
    if (option !== undefined) return Object.fromEntries(rows.map((r) => [r.option_name, valueOf(r)]))
    const config: DomainConfig = {}
    for (const r of rows) (config[r.group_name] ??= {})[r.option_name] = valueOf(r)
    return config
  }
}
