/**
 * @module Request schemas of the security policies. A PUT body is any JSON value here: the
 * service checks the wrapper and each field itself, to answer with the clouds' codes
 * (`IAM.0072` for a missing key, `IAM.0073` for a bad value) rather than a schema's words.
 */
import { Type as T } from '@sinclair/typebox'

export const SecurityPolicyParamsSchema = T.Object({ domain_id: T.String() })
export const SecurityPolicyBodySchema = T.Unknown()
export const ComplianceOptionParamsSchema = T.Object({ domain_id: T.String(), option: T.String() })
