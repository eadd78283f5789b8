/**
 * @module The nesting depth of a JSON text, found without parsing it. The APIs served here take
 * bodies a few levels deep; a body nested thousands deep can only be an attack or a bug, and
 * would overflow the stack wherever it is serialised again.
 */
export const MAX_JSON_DEPTH = 32

/** True when `text` opens more than `max` arrays/objects inside each other (strings ignored). */
export function exceedsJsonDepth(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92 /* \\ */) i++
      else if (c === 34 /* " */) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return true
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--
  }
  return false
}
