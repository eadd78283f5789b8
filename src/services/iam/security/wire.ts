/**
 * @module The bodies of the security policies as the SDK's models read them: each policy under
 * its wrapper key; the password policy with its two read-only fields; the protect policy's PUT
 * answer without `mobile`/`email` (`UpdateDomainProtectPolicyResponseBodyProtectPolicy`); and
 * Keystone's `{"config": …}` of security compliance.
 */
import {
  CLOUD_PASSWORD_MAX_LENGTH, passwordRequirements, type AclPolicy, type PasswordPolicy, type PolicyKind, type ProtectPolicy,
} from './rules.js'
import { POLICY_WRAPPERS } from './service.js'

export class SecurityWire {
  policy(kind: PolicyKind, policy: unknown, answering: 'get' | 'put'): unknown {
    return { [POLICY_WRAPPERS[kind]]: this.body(kind, policy, answering) }
  }

  private body(kind: PolicyKind, policy: unknown, answering: 'get' | 'put'): unknown {
    switch (kind) {
      case 'password': {
        const p = policy as PasswordPolicy
        return { ...p, maximum_password_length: CLOUD_PASSWORD_MAX_LENGTH, password_requirements: passwordRequirements(p) }
      }
      case 'protect': {
        if (answering === 'get') return policy
        const { mobile: _mobile, email: _email, ...rest } = policy as ProtectPolicy
        return rest
      }
      case 'login':
        return policy
      default: {
        // Lists "only returned when specified": the IPv6 ones when set, VPC endpoints when any.
        const acl = policy as AclPolicy
        return Object.fromEntries(Object.entries(acl).filter(([key, list]) => key === 'allow_address_netmasks' || key === 'allow_ip_ranges' || (key === 'allow_vpc_endpoints' ? list.length > 0 : true)))
      }
    }
  }

  /** `GET …/config/security_compliance`: both options under the group; `/{option}`: the one option alone. */
  compliance(values: { password_regex: string | null; password_regex_description: string | null }, option?: 'password_regex' | 'password_regex_description'): unknown {
    return option === undefined ? { config: { security_compliance: values } } : { config: { [option]: values[option] } }
  }
}
