/** The fuzz suite over Huawei Cloud's operations (api-fuzz-suite.ts has the invariants). */
import { describeApiFuzz } from './api-fuzz-suite.js'

describeApiFuzz('huaweicloud')
