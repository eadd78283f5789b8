/**
 * @module Operation protection (the account's protect-policy, spec iam-security.md §4.2): a
 * critical operation in the console (creating or deleting an access key, deleting an IAM project)
 * first asks for a verification code when the account's policy says so. The server decides
 * whether and how (`POST /console/api/verification`): the user's virtual MFA device, or a code
 * "sent" by SMS or e-mail (kept in the operator's outbox). One verification covers 15 minutes,
 * as on the clouds. The API itself is not protected, on the clouds neither.
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { api } from './api.js'
import { messageOf } from './feedback.js'

const VERIFIED_KEY = 'projectplane.console.verified-at'
const VERIFICATION_COVERS_MS = 15 * 60 * 1000

interface Verification { required: boolean; method?: 'vmfa' | 'sms' | 'email'; destination?: string; verified?: boolean }

/** Resolves when the operation may go ahead; rejects when the user cancels or the server refuses. */
type Protect = (operation: string) => Promise<void>

const ProtectContext = createContext<Protect>(async () => {})
export const useProtect = (): Protect => useContext(ProtectContext)

export class VerificationCancelled extends Error {
  constructor(operation: string) {
    super(`${operation} was cancelled: operation protection needs a verification code.`)
  }
}

function recentlyVerified(): boolean {
  const at = Number(sessionStorage.getItem(VERIFIED_KEY) ?? 0)
  return Date.now() - at < VERIFICATION_COVERS_MS
}

export function ProtectProvider({ children }: { children: ReactNode }) {
  const [asking, setAsking] = useState<{ operation: string; verification: Verification }>()
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const settle = useRef<{ resolve: () => void; reject: (e: Error) => void }>(undefined)

  const protect = useCallback<Protect>(async (operation) => {
    if (recentlyVerified()) return
    const verification = await api.post<Verification>('/console/api/verification', {})
    if (!verification.required) return
    setError(undefined)
    setAsking({ operation, verification })
    await new Promise<void>((resolve, reject) => { settle.current = { resolve, reject } })
  }, [])

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const code = String(new FormData(event.currentTarget).get('code') ?? '').trim()
    setBusy(true)
    try {
      await api.post<Verification>('/console/api/verification', { code })
      sessionStorage.setItem(VERIFIED_KEY, String(Date.now()))
      setAsking(undefined)
      settle.current?.resolve()
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }
  const cancel = () => {
    if (asking) settle.current?.reject(new VerificationCancelled(asking.operation))
    setAsking(undefined)
  }

  const value = useMemo(() => protect, [protect])
  const v = asking?.verification
  return (
    <ProtectContext.Provider value={value}>
      {children}
      {asking && v ? (
        <div className="dialog-backdrop">
          <form role="dialog" aria-modal="true" aria-labelledby="verify-title" className="dialog" onSubmit={submit}>
            <h2 id="verify-title">Verify: {asking.operation}</h2>
            <p data-testid="verification-ask">
              {v.method === 'vmfa'
                ? 'Operation protection is on: enter the 6-digit code your virtual MFA device shows now.'
                : `Operation protection is on: a verification code was sent by ${v.method === 'sms' ? 'SMS' : 'e-mail'} to ${v.destination ?? 'you'}.`}
            </p>
            <label>Verification code <input name="code" required inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" maxLength={6} autoFocus /></label>
            <button type="submit" disabled={busy}>{busy ? 'Verifying…' : 'Verify'}</button>
            <button type="button" onClick={cancel}>Cancel</button>
            <div role="alert" data-testid="verification-error">{error ? <p className="note note-failed">{error}</p> : null}</div>
          </form>
        </div>
      ) : null}
    </ProtectContext.Provider>
  )
}
