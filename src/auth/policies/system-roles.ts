/**
 * @module The roles every install has, with the permission documents that give them meaning.
 * The clouds' RBAC roles (`1.0`) and fine-grained system policies (`1.1`) follow the documents
 * the clouds publish for them; the keystone flavour has keystone-manage bootstrap's three roles.
 * `syncSystemRoles` writes these to the store at every start, so an upgrade updates them.
 */
import type { RoleRow } from '../../db/schema.js'
import type { PolicyDocument } from '../policy-document.js'

export interface SystemRoleSeed {
  readonly name: string
  readonly displayName: string
  readonly description: string
  /** The clouds' Chinese description (`description_cn`); empty where the role has none (keystone). */
  readonly descriptionCn: string
  readonly type: RoleRow['type']
  readonly catalog: string
  readonly flag: '' | 'fine_grained'
  readonly policy: PolicyDocument
}

const rbac = (Statement: PolicyDocument['Statement']): PolicyDocument => ({ Version: '1.0', Statement })
const fineGrained = (Statement: PolicyDocument['Statement']): PolicyDocument => ({ Version: '1.1', Statement })

export const CLOUD_SYSTEM_ROLES: readonly SystemRoleSeed[] = [
  {
    name: 'secu_admin', displayName: 'Security Administrator', description: 'Full permissions for Identity and Access Management.', descriptionCn: '统一身份认证服务的所有执行权限',
    type: 'AX', catalog: 'BASE', flag: '', policy: rbac([{ Effect: 'Allow', Action: ['identity:*'] }]),
  },
  {
    name: 'te_admin', displayName: 'Tenant Administrator', description: 'Tenant Administrator (Exclude IAM)', descriptionCn: '全部云服务管理员（除IAM管理权限）',
    type: 'AA', catalog: 'BASE', flag: '',
    policy: rbac([{ Effect: 'Allow', Action: ['*'] }, { Effect: 'Deny', Action: ['identity:*'] }]),
  },
  {
    name: 'readonly', displayName: 'Tenant Guest', description: 'Tenant Guest (Exclude IAM)', descriptionCn: '全部云服务只读权限（除IAM权限）',
    type: 'AA', catalog: 'BASE', flag: '',
    policy: rbac([{ Effect: 'Allow', Action: ['*:*:Get*', '*:*:List*'] }, { Effect: 'Deny', Action: ['identity:*'] }]),
  },
  {
    name: 'te_agency', displayName: 'Agent Operator', description: 'Agent Operator', descriptionCn: '委托操作员',
    type: 'AX', catalog: 'BASE', flag: '', policy: rbac([{ Effect: 'Allow', Action: ['identity:assume role'] }]),
  },
  {
    name: 'eps_full_access', displayName: 'EPS FullAccess', description: 'Full permissions for Enterprise Project Management Service.', descriptionCn: '企业项目管理服务所有权限',
    type: 'AX', catalog: 'EPS', flag: 'fine_grained', policy: fineGrained([{ Effect: 'Allow', Action: ['eps:*:*'] }]),
  },
  {
    name: 'eps_read_only_access', displayName: 'EPS ReadOnlyAccess', description: 'Read-only permissions for Enterprise Project Management Service.', descriptionCn: '企业项目管理服务只读权限',
    type: 'AX', catalog: 'EPS', flag: 'fine_grained', policy: fineGrained([{ Effect: 'Allow', Action: ['eps:*:get*', 'eps:*:list*'] }]),
  },
  {
    name: 'coc_full_access', displayName: 'COC FullAccess', description: 'Full permissions for Cloud Operations Center.', descriptionCn: '云运维中心所有权限',
    type: 'AX', catalog: 'COC', flag: 'fine_grained', policy: fineGrained([{ Effect: 'Allow', Action: ['coc:*:*'] }]),
  },
  {
    name: 'coc_read_only_access', displayName: 'COC ReadOnlyAccess', description: 'Read-only permissions for Cloud Operations Center.', descriptionCn: '云运维中心只读权限',
    type: 'AX', catalog: 'COC', flag: 'fine_grained', policy: fineGrained([{ Effect: 'Allow', Action: ['coc:*:get*', 'coc:*:list*'] }]),
  },
]

export const KEYSTONE_SYSTEM_ROLES: readonly SystemRoleSeed[] = [
  // Keystone's default policies give `admin` every API; member and reader only what any token may do.
  { name: 'admin', displayName: 'admin', description: '', descriptionCn: '', type: 'AA', catalog: 'BASE', flag: '', policy: rbac([{ Effect: 'Allow', Action: ['*'] }]) },
  { name: 'member', displayName: 'member', description: '', descriptionCn: '', type: 'AA', catalog: 'BASE', flag: '', policy: rbac([]) },
  { name: 'reader', displayName: 'reader', description: '', descriptionCn: '', type: 'AA', catalog: 'BASE', flag: '', policy: rbac([]) },
]
