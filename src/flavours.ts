/**
 * @module Everything that differs between the imitated clouds, as data. Services read a
 * `Flavour`; they never test the flavour's name. Adding a cloud means adding one object here.
 */
import { CLOUD_SYSTEM_ROLES, KEYSTONE_SYSTEM_ROLES, type SystemRoleSeed } from './auth/policies/system-roles.js'
import type { PasswordPolicy } from './config.js'

export const FLAVOUR_NAMES = ['huaweicloud', 'opentelekomcloud', 'keystone'] as const
export type FlavourName = (typeof FLAVOUR_NAMES)[number]
/** What `FLAVOUR` is when unset. */
export const DEFAULT_FLAVOUR: FlavourName = 'huaweicloud'

/**
 * IAM's quota types as the clouds spell them on the wire (`assigment` is their spelling), with
 * their default quota and the min/max the clouds print beside it (spec §5.3). `project` counts
 * sub-projects per region; the others count per account. `IAM_QUOTAS` overrides the quotas.
 */
export const IAM_QUOTAS = {
  user: { quota: 50, min: 50, max: 1000 },
  group: { quota: 20, min: 10, max: 300 },
  idp: { quota: 10, min: 10, max: 20 },
  agency: { quota: 50, min: 10, max: 300 },
  policy: { quota: 200, min: 128, max: 300 },
  assigment_group_mp: { quota: 200, min: 50, max: 500 },
  assigment_agency_mp: { quota: 200, min: 50, max: 500 },
  assigment_group_ep: { quota: 500, min: 50, max: 5000 },
  assigment_user_ep: { quota: 500, min: 50, max: 5000 },
  mapping: { quota: 10, min: 10, max: 100 },
  project: { quota: 10, min: 0, max: 50 },
} as const satisfies Record<string, { quota: number; min: number; max: number }>
export type IamQuotaType = keyof typeof IAM_QUOTAS
export const IAM_QUOTA_TYPES = Object.keys(IAM_QUOTAS) as IamQuotaType[]
/** The clouds' fixed limits beside the quotas (§5.3): a user belongs to at most 10 groups. */
export const IAM_FIXED_LIMITS = { groups_per_user: 10 } as const
/** What a create may be held to: a quota, or a fixed limit. */
export type IamLimit = IamQuotaType | keyof typeof IAM_FIXED_LIMITS

export interface RegionSeed {
  readonly id: string
  /** Display names as the clouds return them under `locales`. */
  readonly locales: Readonly<Record<string, string>>
}

/** How EPS differs between the clouds (seed 001, OTC's EPS docs; open questions 10, 11, 20). */
export interface EpsFlavour {
  readonly nameMaxLength: number
  /** HWC accepts Chinese characters besides letters, digits, `_` and `-`; OTC does not. */
  readonly namePattern: RegExp
  /** HWC refuses a name equal to `default` in any case; OTC any name containing it. */
  readonly reservedName: 'equals' | 'contains'
  /** HWC has DELETE /v1.0/enterprise-projects/{id}; OTC does not. */
  readonly deleteSupported: boolean
  /** HWC's extra read APIs: migration records, resource mapping, associated resources, configs. */
  readonly huaweiReadApis: boolean
  readonly providersDefaultLimit: number
}

export interface Flavour {
  readonly name: FlavourName
  readonly defaultRegions: readonly RegionSeed[]
  /** Default names for the bootstrapped account (domain) and its administrator. */
  readonly defaultAccountName: string
  readonly defaultAdminUserName: string
  /** `PASSWORD_MIN_LENGTH` and `PASSWORD_MIN_CHAR_CLASSES` when unset, and a seed's rules when none are configured. */
  readonly defaultPasswordPolicy: PasswordPolicy
  /** `LOGIN_LOCKOUT_ATTEMPTS` when unset; 0 leaves lock-out off. */
  readonly defaultLockoutAttempts: number
  /** Roles every install has, as `GET /v3/roles` will list them. */
  readonly systemRoles: readonly SystemRoleSeed[]
  /** Roles the bootstrap administrator holds on the account (directly or through group `admin`). */
  readonly adminRoleNames: readonly string[]
  /** Enterprise projects; undefined where the cloud has none (plain Keystone). */
  readonly eps: EpsFlavour | undefined
  /** COC's enterprise-project favourites exist on Huawei Cloud only. */
  readonly coc: boolean
  /**
   * Who operates the server (fault injection hits every account): besides a system administrator,
   * on the clouds the administrators of the account the first start created; Keystone has system
   * roles for it and no first account that stands out.
   */
  readonly firstAccountOperates: boolean
  readonly iam: {
    /** HWC/OTC: every account has one system project per region, named after the region. */
    readonly regionProjects: boolean
    /** HWC/OTC: custom project names are `<region id>_<suffix>` and keep their region. */
    readonly regionPrefixedProjectNames: boolean
    readonly projectNameMaxLength: number
    /** Keystone sets no limit on descriptions; the clouds allow 255 characters. */
    readonly projectDescriptionMaxLength: number | undefined
    /** OTC and Keystone offer DELETE /v3/projects/{id}; HWC does not. */
    readonly projectDelete: boolean
    /** Keystone lets an administrator create, update and delete domains; the clouds have one account each. */
    readonly domainWrites: boolean
    /** HWC/OTC IAM management and EPS APIs need a domain-scoped ("global service") token. */
    readonly managementNeedsDomainScope: boolean
    /** HWC's PATCH response carries `"extra": {}`; OTC's example does not. */
    readonly projectPatchResponseHasExtra: boolean
    /** Keystone projects carry `tags`, `options` and free extra attributes. */
    readonly keystoneProjectAttributes: boolean
    /**
     * Keystone's region writes (`POST`, `PUT`, `PATCH`, `DELETE /v3/regions…`) for an
     * administrator; the clouds' regions are fixed and read-only (issue 16).
     */
    readonly regionWrites: boolean
    /** Keystone's project tag routes (`/v3/projects/{id}/tags…`) and the list's tag filters (issue 16). */
    readonly projectTags: boolean
    /**
     * Keystone's user, group and role bodies (`options`, no `create_time`, roles without the
     * clouds' `display_name`/`type`/`policy`/`total_number`) instead of the clouds' ones.
     */
    readonly keystoneIdentityShape: boolean
    /** Keystone tokens list `audit_ids`; regions have no `type`/`locales` there. */
    readonly keystoneTokenAndRegionShape: boolean
    /**
     * Keystone lets only an administrator (`admin_required`) list and show services and endpoints;
     * the clouds let any token read them (issue 15).
     */
    readonly catalogReadsNeedAdmin: boolean
    /** Keystone's service and endpoint writes and OS-EP-FILTER; the clouds' catalog is read-only. */
    readonly catalogWrites: boolean
    /** `POST /v3.0/OS-AUTH/securitytoken/logintokens` (createLoginToken): Huawei Cloud only. */
    readonly loginTokens: boolean
    /** What a token request without `scope` yields: the clouds treat it as domain scope. */
    readonly unscopedTokenRequest: 'domain' | 'unscoped'
    /** The clouds grant global (AX) roles on the account only and project-level (XA) ones on projects only. */
    readonly roleTypesRestrictGrants: boolean
    /** 401 text for a locked-out user; `%(user_id)s` is replaced. */
    readonly accountLockedMessage: string
    /**
     * Keystone 22's default policies with `enforce_scope` off: `admin` held in the token's project
     * or domain makes its holder the cloud administrator, as a system grant of `admin` does
     * (`rule:admin_required` is `role:admin`). The clouds: only a system grant (issue 16).
     */
    readonly adminRoleAnywhere: boolean
    /** Keystone's system-scoped tokens (`"scope": {"system": {"all": true}}`); the clouds have none. */
    readonly systemScope: boolean
    /** Keystone's role API: create, update and delete roles, global or of a domain (issue 16). */
    readonly roleWrites: boolean
    /** Keystone's application credentials, access rules and the `application_credential` auth method. */
    readonly applicationCredentials: boolean
    /** Keystone issues a scoped token only to a user holding a role there; the clouds scope any user to its own account. */
    readonly scopeNeedsRole: boolean
    /**
     * Keystone 22's rules for projects, users and groups (area core): only an administrator, or a
     * domain's reader for its own domain, lists projects; whoever proves a user's current
     * password may change it; a user may join a group of another domain, and joining leaves its
     * tokens valid (leaving ends them). The clouds: any user of the account lists projects, a user
     * changes only its own password, and memberships stay in the account and end tokens both ways.
     */
    readonly keystoneIdentityRules: boolean
    /**
     * The `methods` of a token made by rescoping (`methods: ["token"]`): the clouds document
     * `["token"]`; Keystone adds the parent token's methods, listed as its Fernet tokens decode them.
     */
    readonly rescopedTokenMethods: 'token' | 'token-and-parent'
    /** The account-wide types `GET /v3.0/OS-QUOTA/domains/{id}` reports (HWC 10, OTC 5); none: no OS-QUOTA and no limits (Keystone). */
    readonly quotaTypes: readonly IamQuotaType[]
    /**
     * Keystone's APIs that only store what an administrator gives them: OS-OAUTH1 consumers,
     * domain-specific configuration and the deprecated `/v3/policies` blobs (area ksextras).
     */
    readonly keystoneStoredApis: boolean
    /** Huawei's extended user API (`/v3.0/OS-USER`); undefined where there is none (Keystone). */
    readonly osUser: OsUserFlavour | undefined
    /** Agencies (`/v3.0/OS-AGENCY`, `assume_role`); undefined where there are none (Keystone). */
    readonly agencies: AgencyFlavour | undefined
    /** Keystone's `/v3/credentials` and OS-EC2 credentials; the clouds have access keys (`OS-CREDENTIAL`) instead. */
    readonly keystoneCredentials: boolean
    /** Keystone's trusts (`/v3/OS-TRUST/trusts`) and trust-scoped tokens; the clouds have none (agencies instead). */
    readonly trusts: boolean
  }
}

/** How each cloud has agencies (spec §9). */
export interface AgencyFlavour {
  /** HWC lists and shows `agency_urn` and pages the list with `page`/`per_page`; OTC documents neither. */
  readonly urnAndPaging: boolean
}

/** How each cloud has Huawei's user API and the user fields it adds (spec §3, §9). */
export interface OsUserFlavour {
  /** HWC has `PUT /v3.0/OS-USER/users/{id}/info` (one's own e-mail and mobile); OTC does not. */
  readonly selfInformation: boolean
  /** `pwd_status` on create without one: HWC "requires reset" always; OTC only when a password is given. */
  readonly pwdStatusDefault: 'always' | 'with-password'
  /** OS-USER `pwd_strength` words (`None` when the user has no password). */
  readonly strengthWords: { readonly low: string; readonly medium: string; readonly strong: string }
  /** Keystone `GET /v3/users/{id}` carries `pwd_strength` (`high`/`mid`/`low`) on OTC; the list does on both. */
  readonly strengthOnKeystoneShow: boolean
}

const HUAWEICLOUD: Flavour = {
  name: 'huaweicloud',
  defaultRegions: [
    { id: 'cn-north-4', locales: { 'en-us': 'CN North-Beijing4', 'zh-cn': '华北-北京四' } },
    { id: 'cn-north-1', locales: { 'en-us': 'CN North-Beijing1', 'zh-cn': '华北-北京一' } },
    { id: 'cn-east-3', locales: { 'en-us': 'CN East-Shanghai1', 'zh-cn': '华东-上海一' } },
    { id: 'cn-south-1', locales: { 'en-us': 'CN South-Guangzhou', 'zh-cn': '华南-广州' } },
    { id: 'ap-southeast-1', locales: { 'en-us': 'CN-Hong Kong', 'zh-cn': '中国-香港' } },
    { id: 'ap-southeast-2', locales: { 'en-us': 'AP-Bangkok', 'zh-cn': '亚太-曼谷' } },
    { id: 'ap-southeast-3', locales: { 'en-us': 'AP-Singapore', 'zh-cn': '亚太-新加坡' } },
    { id: 'eu-west-101', locales: { 'en-us': 'EU-Dublin', 'zh-cn': '欧洲-都柏林' } },
    { id: 'af-south-1', locales: { 'en-us': 'AF-Johannesburg', 'zh-cn': '非洲-约翰内斯堡' } },
    { id: 'la-south-2', locales: { 'en-us': 'LA-Santiago', 'zh-cn': '拉美-圣地亚哥' } },
  ],
  defaultAccountName: 'projectplane',
  defaultAdminUserName: 'admin',
  // Both clouds: 8 characters of at least two kinds, and five failures lock a user.
  defaultPasswordPolicy: { minLength: 8, minCharacterClasses: 2 },
  defaultLockoutAttempts: 5,
  systemRoles: CLOUD_SYSTEM_ROLES,
  adminRoleNames: ['secu_admin', 'te_admin'],
  eps: {
    nameMaxLength: 64,
    namePattern: /^[\p{Script=Han}A-Za-z0-9_-]+$/u,
    reservedName: 'equals',
    deleteSupported: true,
    huaweiReadApis: true,
    providersDefaultLimit: 200,
  },
  coc: true,
  firstAccountOperates: true,
  iam: {
    regionProjects: true,
    regionPrefixedProjectNames: true,
    projectNameMaxLength: 64,
    projectDescriptionMaxLength: 255,
    projectDelete: false,
    domainWrites: false,
    managementNeedsDomainScope: true,
    projectPatchResponseHasExtra: true,
    keystoneProjectAttributes: false,
    regionWrites: false,
    projectTags: false,
    keystoneIdentityShape: false,
    keystoneTokenAndRegionShape: false,
    catalogReadsNeedAdmin: false,
    catalogWrites: false,
    loginTokens: true,
    unscopedTokenRequest: 'domain',
    rescopedTokenMethods: 'token',
    quotaTypes: ['user', 'group', 'idp', 'agency', 'policy', 'assigment_group_mp', 'assigment_agency_mp', 'assigment_group_ep', 'assigment_user_ep', 'mapping'],
    scopeNeedsRole: false,
    keystoneIdentityRules: false,
    adminRoleAnywhere: false,
    systemScope: false,
    roleWrites: false,
    applicationCredentials: false,
    keystoneStoredApis: false,
    roleTypesRestrictGrants: true,
    accountLockedMessage: 'The account is locked.',
    agencies: { urnAndPaging: true },
    keystoneCredentials: false,
    trusts: false,
    osUser: { selfInformation: true, pwdStatusDefault: 'always', strengthWords: { low: 'Low', medium: 'Medium', strong: 'Strong' }, strengthOnKeystoneShow: false },
  },
}

const OPENTELEKOMCLOUD: Flavour = {
  ...HUAWEICLOUD,
  name: 'opentelekomcloud',
  defaultRegions: [
    { id: 'eu-de', locales: { 'en-us': 'EU-Germany', 'de-de': 'EU-Deutschland' } },
    { id: 'eu-nl', locales: { 'en-us': 'EU-Netherlands', 'de-de': 'EU-Niederlande' } },
  ],
  eps: {
    nameMaxLength: 255,
    namePattern: /^[A-Za-z0-9_-]+$/,
    reservedName: 'contains',
    deleteSupported: false,
    huaweiReadApis: false,
    providersDefaultLimit: 10,
  },
  coc: false,
  iam: {
    ...HUAWEICLOUD.iam, projectDelete: true, projectPatchResponseHasExtra: false, loginTokens: false, quotaTypes: ['user', 'group', 'idp', 'agency', 'policy'],
    agencies: { urnAndPaging: false },
    osUser: { selfInformation: false, pwdStatusDefault: 'with-password', strengthWords: { low: 'Low', medium: 'Middle', strong: 'Strong' }, strengthOnKeystoneShow: true },
  },
}

const KEYSTONE: Flavour = {
  name: 'keystone',
  defaultRegions: [{ id: 'RegionOne', locales: {} }],
  defaultAccountName: 'Default',
  defaultAdminUserName: 'admin',
  // Keystone ships with no password rules and no lock-out.
  defaultPasswordPolicy: { minLength: 1, minCharacterClasses: 1 },
  defaultLockoutAttempts: 0,
  // keystone-manage bootstrap creates exactly these three.
  systemRoles: KEYSTONE_SYSTEM_ROLES,
  adminRoleNames: ['admin'],
  eps: undefined,
  coc: false,
  firstAccountOperates: false,
  iam: {
    regionProjects: false,
    regionPrefixedProjectNames: false,
    projectNameMaxLength: 64,
    projectDescriptionMaxLength: undefined,
    projectDelete: true,
    domainWrites: true,
    managementNeedsDomainScope: false,
    projectPatchResponseHasExtra: false,
    keystoneProjectAttributes: true,
    regionWrites: true,
    projectTags: true,
    keystoneIdentityShape: true,
    keystoneTokenAndRegionShape: true,
    catalogReadsNeedAdmin: true,
    catalogWrites: true,
    loginTokens: false,
    unscopedTokenRequest: 'unscoped',
    rescopedTokenMethods: 'token-and-parent',
    quotaTypes: [],
    scopeNeedsRole: true,
    keystoneIdentityRules: true,
    adminRoleAnywhere: true,
    systemScope: true,
    roleWrites: true,
    applicationCredentials: true,
    keystoneStoredApis: true,
    roleTypesRestrictGrants: false,
    accountLockedMessage: 'The account is locked for user: %(user_id)s.',
    osUser: undefined,
    agencies: undefined,
    keystoneCredentials: true,
    trusts: true,
  },
}

const FLAVOURS: Record<FlavourName, Flavour> = {
  huaweicloud: HUAWEICLOUD,
  opentelekomcloud: OPENTELEKOMCLOUD,
  keystone: KEYSTONE,
}

export function flavourFor(name: FlavourName): Flavour {
  return FLAVOURS[name]
}
