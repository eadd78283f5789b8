/**
 * @module The service catalog's rules that are not storage: what a first start seeds (the
 * flavour's services: identity, and EPS and COC where the cloud has them, one endpoint per region
 * and interface), and how a stored endpoint's URL becomes the one a token lists (Keystone's
 * `$(project_id)s` substitutions; a seeded endpoint's URL is a path under the server's public
 * base URL, which only a request knows). Seeded ids are hashes of fixed names, so every instance
 * and every start seeds the same rows.
 */
import { createHash } from 'node:crypto'
import type { Flavour } from '../../../flavours.js'
import type { CatalogEndpointRow, CatalogServiceRow } from '../../../db/schema.js'
import { isoMicros } from '../../../shared/clock.js'

export type EndpointInterface = 'public' | 'internal' | 'admin'
export const ENDPOINT_INTERFACES: readonly EndpointInterface[] = ['admin', 'internal', 'public']

/** One endpoint as a catalog lists it: its URL substituted, and relative to the base URL when seeded. */
export interface CatalogEndpoint {
  readonly id: string
  readonly interface: string
  readonly regionId: string | null
  readonly url: string
}

export interface CatalogEntry {
  readonly id: string
  readonly type: string
  readonly name: string
  readonly endpoints: readonly CatalogEndpoint[]
}

/** Catalog ids derive from fixed names only, so each is hashed once per process. */
const stableIds = new Map<string, string>()
function stableId(...parts: string[]): string {
  const key = parts.join('/')
  let id = stableIds.get(key)
  if (id === undefined) stableIds.set(key, (id = createHash('sha256').update(key).digest('hex').slice(0, 32)))
  return id
}

interface ServiceTemplate { type: string; name: string; path: string; interfaces: readonly EndpointInterface[] }

function templates(flavour: Flavour): ServiceTemplate[] {
  const services: ServiceTemplate[] = [
    // keystoneauth finds the identity API by type `identity` on every flavour.
    { type: 'identity', name: flavour.iam.keystoneTokenAndRegionShape ? 'keystone' : 'iam', path: '/v3', interfaces: ['public', 'internal', 'admin'] },
  ]
  if (flavour.eps) services.push({ type: 'eps', name: 'eps', path: '', interfaces: ['public'] })
  if (flavour.coc) services.push({ type: 'coc', name: 'coc', path: '', interfaces: ['public'] })
  return services
}

export interface CatalogSeed {
  services: CatalogServiceRow[]
  endpoints: CatalogEndpointRow[]
}

/**
 * What a first start writes: one endpoint per region and interface, so that keystoneauth finds a
 * service whatever `--os-region-name` names (it matches `region_id`/`region`). `created_at` counts
 * up in catalog order, which lists keep.
 */
export function catalogSeed(flavour: Flavour, regionIds: readonly string[], nowMs: number): CatalogSeed {
  let tick = 0
  const at = () => isoMicros(nowMs + tick++)
  const services: CatalogServiceRow[] = []
  const endpoints: CatalogEndpointRow[] = []
  for (const s of templates(flavour)) {
    const serviceId = stableId(s.type)
    services.push({ id: serviceId, type: s.type, name: s.name, enabled: 1, extra: '{}', created_at: at() })
    for (const regionId of regionIds) {
      for (const iface of s.interfaces) {
        endpoints.push({
          id: stableId(s.type, regionId, iface), service_id: serviceId, interface: iface, region_id: regionId,
          url: s.path, enabled: 1, extra: '{}', created_at: at(),
        })
      }
    }
  }
  return { services, endpoints }
}

/** Keystone's rule for an endpoint URL: a scheme, then anything. Seeded URLs have none: they are paths. */
const ABSOLUTE_URL = /^[a-zA-Z0-9+.-]+:/

/** The URL a client is given: a seeded path joins the request's base URL. */
export function publicUrl(base: string, url: string): string {
  return ABSOLUTE_URL.test(url) ? url : base + url
}

/** The keys Keystone substitutes in endpoint URLs that this server knows values for. */
export interface UrlSubstitutions {
  user_id: string
  project_id?: string
}

/** Keystone's whitelist (`keystone.common.utils.WHITELISTED_PROPERTIES`). */
const SUBSTITUTABLE = ['tenant_id', 'project_id', 'user_id', 'public_bind_host', 'admin_bind_host', 'compute_host', 'admin_port', 'public_port', 'public_endpoint']

const SUBSTITUTION = /\$\(([^)]*)\)s/g

/**
 * POST /v3/endpoints: Keystone refuses a URL naming a substitution outside its whitelist
 * (`Cannot create an endpoint with an invalid URL`); true when the URL is acceptable.
 */
export function substitutionsAllowed(url: string): boolean {
  for (const m of url.matchAll(SUBSTITUTION)) if (!SUBSTITUTABLE.includes(m[1]!)) return false
  return true
}

/**
 * The URL as a token lists it, or undefined when the endpoint is left out: Keystone skips an
 * endpoint whose URL names a key it has no value for (`$(project_id)s` in a token without a project).
 * The configuration keys of the whitelist (hosts, ports) have no value here.
 */
export function substitutedUrl(url: string, values: UrlSubstitutions): string | undefined {
  const known: Record<string, string | undefined> = { user_id: values.user_id, project_id: values.project_id, tenant_id: values.project_id }
  let missing = false
  const result = url.replace(SUBSTITUTION, (whole, key: string) => {
    const value = known[key]
    if (value === undefined) missing = true
    return value ?? whole
  })
  return missing ? undefined : result
}
