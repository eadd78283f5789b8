/** The fuzz suite over Open Telekom Cloud's operations: IAM, EPS and CTS (api-fuzz-suite.ts has the invariants). */
import { describeApiFuzz } from './api-fuzz-suite.js'

describeApiFuzz('opentelekomcloud')
