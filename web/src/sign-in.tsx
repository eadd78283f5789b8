/** @module Sign-in with account, user and password: a domain-scoped IAM token, as the API issues it. */
import { useState, type FormEvent } from 'react'
import { signIn, type Session } from './api.js'
import { messageOf } from './feedback.js'

export function SignIn({ notice, onSignedIn }: { notice: string | undefined; onSignedIn: (session: Session) => void }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    setBusy(true)
    setError(undefined)
    try {
      onSignedIn(await signIn(String(form.get('account')), String(form.get('user')), String(form.get('password'))))
    } catch (e) {
      setError(`Sign-in failed: ${messageOf(e)}`)
      setBusy(false)
    }
  }
  return (
    <main id="main" className="sign-in">
      <h1>projectplane console</h1>
      {notice ? <p className="note note-done" role="status">{notice}</p> : null}
      <form onSubmit={submit} aria-describedby={error ? 'sign-in-error' : undefined}>
        <label>Account <input name="account" required autoComplete="organization" defaultValue="projectplane" autoFocus /></label>
        <label>User <input name="user" required autoComplete="username" /></label>
        <label>Password <input name="password" type="password" required autoComplete="current-password" /></label>
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        <div role="alert">{error ? <p id="sign-in-error" className="note note-failed">{error}</p> : null}</div>
      </form>
      <p className="hint">The console uses the API with your permissions, nothing more. The token stays in this tab.</p>
    </main>
  )
}
