/**
 * @module Keystone's envelope of a domain configuration, a group, an option or the defaults:
 * `{"config": …}`, without links.
 */
export class DomainConfigWire {
  config(config: Record<string, unknown>): unknown {
    return { config }
  }
}
