/**
 * @module The account's session timeout (its login policy's `session_timeout`, spec
 * iam-security.md §3): the console signs out after that many minutes without a key press, click
 * or scroll. It acts on the console only; the token itself keeps its own lifetime, as on the
 * clouds. The last activity is kept with the session, so a reload does not restart the count.
 */
import { useEffect } from 'react'

const LAST_ACTIVITY_KEY = 'projectplane.console.last-activity'
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const
/** How often the console looks at the clock: a sign-out comes at most this late. */
const CHECK_EVERY_MS = 5_000

export function useIdleSignOut(timeoutMinutes: number | undefined, signOut: (because: string) => void): void {
  useEffect(() => {
    if (!timeoutMinutes) return
    const timeoutMs = timeoutMinutes * 60_000
    const touch = () => sessionStorage.setItem(LAST_ACTIVITY_KEY, String(Date.now()))
    if (!sessionStorage.getItem(LAST_ACTIVITY_KEY)) touch()
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, touch, { passive: true, capture: true })
    const timer = window.setInterval(() => {
      const last = Number(sessionStorage.getItem(LAST_ACTIVITY_KEY) ?? 0)
      if (Date.now() - last >= timeoutMs) {
        sessionStorage.removeItem(LAST_ACTIVITY_KEY)
        signOut(`Signed out after ${timeoutMinutes} minutes without activity (the account's session timeout).`)
      }
    }, CHECK_EVERY_MS)
    return () => {
      window.clearInterval(timer)
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, touch, { capture: true })
    }
  }, [timeoutMinutes, signOut])
}
