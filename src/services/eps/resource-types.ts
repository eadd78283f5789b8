/**
 * @module The services and resource types EPS knows here (GET /v1.0/enterprise-projects/providers),
 * as data. Resource type names are the ones the EPS docs use in `resource_types` filters. Global
 * types have no IAM project; OBS buckets need a region instead.
 */
export interface ResourceTypeInfo {
  readonly type: string
  readonly displayName: { readonly 'en-us': string; readonly 'zh-cn': string }
  readonly global: boolean
  /** OBS buckets are global but live in a region: moves name it (`region_id`). */
  readonly needsRegion?: boolean
}

export interface ProviderInfo {
  readonly provider: string
  readonly displayName: { readonly 'en-us': string; readonly 'zh-cn': string }
  readonly resourceTypes: readonly ResourceTypeInfo[]
}

export const PROVIDERS: readonly ProviderInfo[] = [
  { provider: 'as', displayName: { 'en-us': 'Auto Scaling', 'zh-cn': '弹性伸缩' }, resourceTypes: [{ type: 'scaling_group', displayName: { 'en-us': 'Scaling Group', 'zh-cn': '伸缩组' }, global: false }] },
  { provider: 'cce', displayName: { 'en-us': 'Cloud Container Engine', 'zh-cn': '云容器引擎' }, resourceTypes: [{ type: 'cce_cluster', displayName: { 'en-us': 'Cluster', 'zh-cn': '集群' }, global: false }] },
  { provider: 'cdn', displayName: { 'en-us': 'Content Delivery Network', 'zh-cn': 'CDN' }, resourceTypes: [{ type: 'cdn', displayName: { 'en-us': 'Domain Name', 'zh-cn': '域名' }, global: true }] },
  { provider: 'dcs', displayName: { 'en-us': 'Distributed Cache Service', 'zh-cn': '分布式缓存服务' }, resourceTypes: [{ type: 'dcs', displayName: { 'en-us': 'Instance', 'zh-cn': '实例' }, global: false }] },
  { provider: 'ecs', displayName: { 'en-us': 'Elastic Cloud Server', 'zh-cn': '弹性云服务器' }, resourceTypes: [{ type: 'ecs', displayName: { 'en-us': 'ECS', 'zh-cn': '云服务器' }, global: false }] },
  { provider: 'elb', displayName: { 'en-us': 'Elastic Load Balance', 'zh-cn': '弹性负载均衡' }, resourceTypes: [{ type: 'loadbalancers', displayName: { 'en-us': 'Load Balancer', 'zh-cn': '负载均衡器' }, global: false }] },
  { provider: 'evs', displayName: { 'en-us': 'Elastic Volume Service', 'zh-cn': '云硬盘' }, resourceTypes: [{ type: 'disk', displayName: { 'en-us': 'Disk', 'zh-cn': '磁盘' }, global: false }] },
  { provider: 'ims', displayName: { 'en-us': 'Image Management Service', 'zh-cn': '镜像服务' }, resourceTypes: [{ type: 'images', displayName: { 'en-us': 'Image', 'zh-cn': '镜像' }, global: false }] },
  { provider: 'nat', displayName: { 'en-us': 'NAT Gateway', 'zh-cn': 'NAT网关' }, resourceTypes: [{ type: 'nat_gateways', displayName: { 'en-us': 'NAT Gateway', 'zh-cn': 'NAT网关' }, global: false }] },
  { provider: 'obs', displayName: { 'en-us': 'Object Storage Service', 'zh-cn': '对象存储服务' }, resourceTypes: [{ type: 'bucket', displayName: { 'en-us': 'Bucket', 'zh-cn': '桶' }, global: true, needsRegion: true }] },
  { provider: 'rds', displayName: { 'en-us': 'Relational Database Service', 'zh-cn': '云数据库' }, resourceTypes: [{ type: 'rds', displayName: { 'en-us': 'DB Instance', 'zh-cn': '数据库实例' }, global: false }] },
  { provider: 'sfs', displayName: { 'en-us': 'Scalable File Service', 'zh-cn': '弹性文件服务' }, resourceTypes: [{ type: 'sfs-turbo', displayName: { 'en-us': 'File System', 'zh-cn': '文件系统' }, global: false }] },
  {
    provider: 'vpc', displayName: { 'en-us': 'Virtual Private Cloud', 'zh-cn': '虚拟私有云' },
    resourceTypes: [
      { type: 'vpcs', displayName: { 'en-us': 'VPC', 'zh-cn': '虚拟私有云' }, global: false },
      { type: 'security-groups', displayName: { 'en-us': 'Security Group', 'zh-cn': '安全组' }, global: false },
      { type: 'eip', displayName: { 'en-us': 'EIP', 'zh-cn': '弹性公网IP' }, global: false },
      { type: 'shared_bandwidth', displayName: { 'en-us': 'Shared Bandwidth', 'zh-cn': '共享带宽' }, global: false },
    ],
  },
]

const BY_TYPE = new Map(PROVIDERS.flatMap((p) => p.resourceTypes.map((t) => [t.type, { ...t, provider: p.provider }] as const)))

export function resourceType(type: string): (ResourceTypeInfo & { provider: string }) | undefined {
  return BY_TYPE.get(type)
}

/** GET resources-mapping: each resource type and the service (provider) it belongs to. */
export const RESOURCE_MAPPING: Readonly<Record<string, string>> = Object.fromEntries(PROVIDERS.flatMap((p) => p.resourceTypes.map((t) => [t.type, p.provider])))

/** Resource types whose resources can be attached to an ECS and move with it (`associated`). */
export const ATTACHABLE_TO_ECS: ReadonlySet<string> = new Set(['disk', 'eip'])
