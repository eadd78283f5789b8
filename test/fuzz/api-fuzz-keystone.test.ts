/** The fuzz suite over plain Keystone's operations, every error Keystone's (api-fuzz-suite.ts has the invariants). */
import { describeApiFuzz } from './api-fuzz-suite.js'

describeApiFuzz('keystone')
