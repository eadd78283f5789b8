/**
 * @module Sign-in with account, user and password: a domain-scoped IAM token, as the API issues
 * it. With the user's login protection on, a second step asks for the code: the virtual MFA
 * device's (`vmfa`) or the one the server "sent" (`sms`, `email`: kept in the operator's outbox).
 */
import { useState, type FormEvent } from 'react'
import { signIn, type Session, type VerificationNeeded } from './api.js'
import { messageOf } from './feedback.js'

const ASKS: Record<VerificationNeeded['method'], (to?: string) => string> = {
  vmfa: () => 'Login protection is on: enter the 6-digit code your virtual MFA device shows now.',
  sms: (to) => `Login protection is on: a verification code was sent by SMS to ${to ?? 'your mobile number'}.`,
  email: (to) => `Login protection is on: a verification code was sent by e-mail to ${to ?? 'your e-mail address'}.`,
}

export function SignIn({ notice, onSignedIn }: { notice: string | undefined; onSignedIn: (session: Session) => void }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  // The first step's answers, kept for the second: the password is sent again with the code.
  const [pending, setPending] = useState<{ account: string; user: string; password: string; needs: VerificationNeeded }>()
  const finish = (result: Session | VerificationNeeded, first?: { account: string; user: string; password: string }) => {
    if ('token' in result) return onSignedIn(result)
    if (first) setPending({ ...first, needs: result })
    setBusy(false)
  }
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    setBusy(true)
    setError(undefined)
    const first = { account: String(form.get('account')), user: String(form.get('user')), password: String(form.get('password')) }
    try {
      finish(await signIn(first.account, first.user, first.password), first)
    } catch (e) {
      setError(`Sign-in failed: ${messageOf(e)}`)
      setBusy(false)
    }
  }
  const verify = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (!pending) return
    const code = String(new FormData(event.currentTarget).get('code') ?? '').trim()
    setBusy(true)
    setError(undefined)
    try {
      finish(await signIn(pending.account, pending.user, pending.password, code))
    } catch (e) {
      setError(`Verification failed: ${messageOf(e)}`)
      setBusy(false)
    }
  }
  return (
    <main id="main" className="sign-in">
      <h1>projectplane console</h1>
      {notice ? <p className="note note-done" role="status">{notice}</p> : null}
      {pending ? (
        <form onSubmit={verify} aria-label="Login verification" aria-describedby={error ? 'sign-in-error' : 'verification-ask'}>
          <p id="verification-ask" data-testid="verification-ask">{ASKS[pending.needs.method](pending.needs.destination)}</p>
          <label>Verification code <input name="code" required inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" maxLength={6} autoFocus /></label>
          <button type="submit" disabled={busy}>{busy ? 'Verifying…' : 'Verify'}</button>
          <button type="button" className="link" onClick={() => { setPending(undefined); setError(undefined) }}>Back</button>
          <div role="alert">{error ? <p id="sign-in-error" className="note note-failed">{error}</p> : null}</div>
        </form>
      ) : (
        <form onSubmit={submit} aria-describedby={error ? 'sign-in-error' : undefined}>
          <label>Account <input name="account" required autoComplete="organization" defaultValue="projectplane" autoFocus /></label>
          <label>User <input name="user" required autoComplete="username" /></label>
          <label>Password <input name="password" type="password" required autoComplete="current-password" /></label>
          <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
          <div role="alert">{error ? <p id="sign-in-error" className="note note-failed">{error}</p> : null}</div>
        </form>
      )}
      <p className="hint">The console uses the API with your permissions, nothing more. The token stays in this tab.</p>
    </main>
  )
}
