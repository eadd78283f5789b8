import { describe, expect, it } from 'vitest'
import { exceedsJsonDepth } from './json-depth.js'

describe('exceedsJsonDepth', () => {
  it('counts nesting of arrays and objects, not brackets in strings or escaped quotes', () => {
    expect(exceedsJsonDepth('{"a":[1,{"b":2}]}', 3)).toBe(false)
    expect(exceedsJsonDepth('{"a":[1,{"b":[]}]}', 3)).toBe(true)
    expect(exceedsJsonDepth('{"a":"[[[[[[{{{{{"}', 1)).toBe(false)
    expect(exceedsJsonDepth('{"a":"\\\\"}', 1)).toBe(false)
    expect(exceedsJsonDepth('{"a":"\\"[[[["}', 1)).toBe(false)
    expect(exceedsJsonDepth('[[', 1)).toBe(true)
  })
})
