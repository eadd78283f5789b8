/**
 * @module Routes of the account security policies (`/v3.0/OS-SECURITYPOLICY`, the clouds; flat
 * errors) and of Keystone's security compliance read (`/v3/domains/{id}/config/security_compliance`,
 * every flavour; Keystone errors). Literal `security_compliance` wins over the keystone flavour's
 * `/v3/domains/{id}/config/{group}` routes, whose rule (a cloud administrator) Keystone does not
 * apply to this group: any token may read it.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { caller } from '../../../http/caller.js'
import { iamAction, iamFlatAction } from '../iam-route-options.js'
import type { PolicyKind } from './rules.js'
import { InvalidDomainConfigError, UNREADABLE_COMPLIANCE_OPTION, type SecurityService } from './service.js'
import type { SecurityWire } from './wire.js'
import { ComplianceOptionParamsSchema, SecurityPolicyBodySchema, SecurityPolicyParamsSchema } from './schemas.js'

export interface SecurityRouteOptions {
  service: SecurityService
  wire: SecurityWire
  /** The clouds' OS-SECURITYPOLICY routes; the keystone flavour has only the compliance read. */
  policies: boolean
}

/** Path segment, stored kind and the action stem of each policy. */
const POLICIES: readonly (readonly [string, PolicyKind, string])[] = [
  ['password-policy', 'password', 'password_policy'],
  ['login-policy', 'login', 'login_policy'],
  ['protect-policy', 'protect', 'protect_policy'],
  ['console-acl-policy', 'console_acl', 'console_acl_policy'],
  ['api-acl-policy', 'api_acl', 'api_acl_policy'],
]

export function securityRoutes({ service, wire, policies }: SecurityRouteOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    if (policies) {
      for (const [segment, kind, stem] of POLICIES) {
        const path = `/v3.0/OS-SECURITYPOLICY/domains/:domain_id/${segment}`
        app.get(path, { schema: { params: SecurityPolicyParamsSchema }, config: iamFlatAction(`identity:get_${stem}`) },
          async (request) => wire.policy(kind, await service.getPolicy(caller(request), request.params.domain_id, kind), 'get'))
        app.put(path, { schema: { params: SecurityPolicyParamsSchema, body: SecurityPolicyBodySchema }, config: iamFlatAction(`identity:update_${stem}`) },
          async (request) => wire.policy(kind, await service.updatePolicy(caller(request), request.params.domain_id, kind, request.body), 'put'))
      }
    }
    app.get('/v3/domains/:domain_id/config/security_compliance', { schema: { params: SecurityPolicyParamsSchema }, config: iamAction('identity:get_security_compliance_domain_config') },
      async (request) => wire.compliance(await service.securityCompliance(caller(request), request.params.domain_id)))
    app.get('/v3/domains/:domain_id/config/security_compliance/:option', { schema: { params: ComplianceOptionParamsSchema }, config: iamAction('identity:get_security_compliance_domain_config_option') },
      async (request) => {
        const values = await service.securityCompliance(caller(request), request.params.domain_id)
        const option = request.params.option
        if (option !== 'password_regex' && option !== 'password_regex_description') throw new InvalidDomainConfigError(UNREADABLE_COMPLIANCE_OPTION)
        return wire.compliance(values, option)
      })
  }
}
