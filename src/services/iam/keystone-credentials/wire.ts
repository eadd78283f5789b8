/**
 * @module Keystone's envelopes of credentials and EC2 credentials. A credential shows its extra
 * attributes beside its own, its blob as the client stored it and `project_id` null when it has
 * none; an EC2 credential links itself by its access key under its owner.
 */
import { collectionLinks } from '../iam-wire.js'
import type { Ec2Credential, KeystoneCredential } from './service.js'

export class KeystoneCredentialWire {
  credential(base: string, credential: KeystoneCredential): unknown {
    return { credential: credentialEntity(base, credential) }
  }

  credentialList(base: string, self: string, credentials: readonly KeystoneCredential[]): unknown {
    return { credentials: credentials.map((c) => credentialEntity(base, c)), links: collectionLinks(self) }
  }

  ec2Credential(base: string, credential: Ec2Credential): unknown {
    return { credential: ec2Entity(base, credential) }
  }

  ec2CredentialList(base: string, self: string, credentials: readonly Ec2Credential[]): unknown {
    return { credentials: credentials.map((c) => ec2Entity(base, c)), links: collectionLinks(self) }
  }
}

function credentialEntity(base: string, { row, blob, extra }: KeystoneCredential): Record<string, unknown> {
  return {
    ...extra,
    id: row.id, user_id: row.user_id, project_id: row.project_id, type: row.type, blob,
    links: { self: `${base}/v3/credentials/${row.id}` },
  }
}

function ec2Entity(base: string, c: Ec2Credential): Record<string, unknown> {
  return {
    user_id: c.user_id, tenant_id: c.tenant_id, access: c.access, secret: c.secret, trust_id: c.trust_id,
    links: { self: `${base}/v3/users/${c.user_id}/credentials/OS-EC2/${String(c.access)}` },
  }
}
