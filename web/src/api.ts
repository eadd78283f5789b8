/**
 * @module The console's only way to the server: the public API, same origin, with the signed-in
 * user's token. Whatever the console shows or changes, the API allowed for that token; the
 * console adds no permission of its own. The session lives in sessionStorage (a reload keeps it,
 * a closed tab forgets it; never localStorage, never a URL).
 */

declare const __CONSOLE_VERSION__: string

export interface Session {
  readonly token: string
  readonly expiresAt: string
  readonly user: { readonly id: string; readonly name: string }
  readonly account: { readonly id: string; readonly name: string }
  /** The account's login policy: the console signs out after this many idle minutes. */
  readonly sessionTimeoutMinutes: number
}

const SESSION_KEY = 'projectplane.console.session'
/** Browsers forbid setting User-Agent; the audit trail reads this instead (trace type ConsoleAction). */
const CLIENT_HEADER = { 'x-projectplane-client': `console/${__CONSOLE_VERSION__}` }

export function loadSession(): Session | undefined {
  try {
    const saved = sessionStorage.getItem(SESSION_KEY)
    if (!saved) return undefined
    const session = JSON.parse(saved) as Session
    return Date.parse(session.expiresAt) > Date.now() ? session : undefined
  } catch {
    return undefined
  }
}

/** What belongs to one sign-in only: its last activity (idle sign-out) and its last verification (operation protection). */
const PER_SIGN_IN_KEYS = ['projectplane.console.last-activity', 'projectplane.console.verified-at']

export function saveSession(session: Session | undefined): void {
  if (!session || session.token !== loadSession()?.token) for (const key of PER_SIGN_IN_KEYS) sessionStorage.removeItem(key)
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session))
  else sessionStorage.removeItem(SESSION_KEY)
}

/** A refusal or failure, with the API's own message. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
  }
}

/** The message of any of the services' error bodies: Keystone, EPS, COC and CTS spell it differently. */
function errorMessage(status: number, body: unknown, fallback: string): string {
  const b = body as { error?: { message?: string; error_msg?: string } | string; error_msg?: string; message?: string } | undefined
  if (b && typeof b.error === 'object' && b.error) return b.error.message ?? b.error.error_msg ?? fallback
  return b?.error_msg ?? b?.message ?? (typeof b?.error === 'string' ? b.error : undefined) ?? `${status} ${fallback}`
}

let onUnauthorized: (message: string) => void = () => {}
/** What a 401 on any call does: the app signs out and says why. */
export function whenUnauthorized(handler: (message: string) => void): void {
  onUnauthorized = handler
}

export async function request<T = any>(method: string, path: string, options: { body?: unknown; token?: string } = {}): Promise<{ body: T; headers: Headers }> {
  const token = options.token ?? loadSession()?.token
  const headers: Record<string, string> = { ...CLIENT_HEADER, accept: 'application/json' }
  if (token) headers['x-auth-token'] = token
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  let res: Response
  try {
    res = await fetch(path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), cache: 'no-store' })
  } catch {
    throw new ApiError(0, 'The server could not be reached. Is projectplane running?')
  }
  const text = await res.text()
  let body: unknown
  try { body = text ? JSON.parse(text) : undefined } catch { body = undefined }
  if (!res.ok) {
    const error = new ApiError(res.status, errorMessage(res.status, body, res.statusText))
    // The sign-in call answers 401 for a wrong password: that is the form's message, not a sign-out.
    if (res.status === 401 && token) onUnauthorized(`Signed out: ${error.message}`)
    throw error
  }
  return { body: body as T, headers: res.headers }
}

export const api = {
  get: <T = any>(path: string) => request<T>('GET', path).then((r) => r.body),
  post: <T = any>(path: string, body: unknown) => request<T>('POST', path, { body }).then((r) => r.body),
  put: <T = any>(path: string, body: unknown) => request<T>('PUT', path, { body }).then((r) => r.body),
  patch: <T = any>(path: string, body: unknown) => request<T>('PATCH', path, { body }).then((r) => r.body),
  delete: (path: string) => request('DELETE', path).then(() => undefined),
}

/** The second step a protected sign-in asks for (the user's login protection). */
export interface VerificationNeeded { readonly method: 'vmfa' | 'sms' | 'email'; readonly destination?: string }

/**
 * A domain-scoped token (IAM, EPS, COC and CTS all accept it for the account) from the console's
 * own sign-in route, where the server applies the console ACL and the login protection: with
 * protection on, the first call answers which code it needs, and the second brings it.
 */
export async function signIn(account: string, user: string, password: string, code?: string): Promise<Session | VerificationNeeded> {
  const { body, headers } = await request<{
    verification?: VerificationNeeded
    token?: { expires_at: string; user: { id: string; name: string }; account: { id: string; name: string } }
    console?: { session_timeout_minutes: number }
  }>('POST', '/console/api/sign-in', { token: '', body: { account, user, password, ...(code ? { code } : {}) } })
  if (body.verification) return body.verification
  const token = headers.get('x-subject-token')
  if (!token || !body.token) throw new ApiError(0, 'The server answered without a token.')
  const session: Session = {
    token, expiresAt: body.token.expires_at, user: body.token.user, account: body.token.account,
    sessionTimeoutMinutes: body.console?.session_timeout_minutes ?? 60,
  }
  saveSession(session)
  return session
}

/** Revokes the token, as the API's own sign-out; the session is forgotten either way. */
export async function signOut(session: Session): Promise<void> {
  saveSession(undefined)
  try {
    await fetch('/v3/auth/tokens', { method: 'DELETE', headers: { ...CLIENT_HEADER, 'x-auth-token': session.token, 'x-subject-token': session.token } })
  } catch {
    // Offline: the token expires on its own.
  }
}

/** `key=value` pairs without the empty ones. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') q.set(key, String(value))
  const s = q.toString()
  return s ? `?${s}` : ''
}
