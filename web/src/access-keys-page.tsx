/**
 * @module The signed-in user's permanent access keys (`/v3.0/OS-CREDENTIAL/credentials`): create
 * (the secret key is shown once, with a copy button), list, disable/enable, delete.
 */
import { useRef, useState, type FormEvent } from 'react'
import { api, type Session } from './api.js'
import { useFeedback } from './feedback.js'
import { useProtect } from './operation-protection.js'
import { Empty, formatTime, useAction, useLoaded } from './widgets.js'

interface Credential { access: string; status: 'active' | 'inactive'; description: string; create_time: string; user_id: string }

export function AccessKeysPage({ session }: { session: Session }) {
  const feedback = useFeedback()
  const protect = useProtect()
  const { busy, run } = useAction()
  const [created, setCreated] = useState<{ access: string; secret: string }>()
  const secretRef = useRef<HTMLElement>(null)

  const { data: keys, error: loadError, reload: load } = useLoaded(
    async () => (await api.get<{ credentials: Credential[] }>(`/v3.0/OS-CREDENTIAL/credentials?user_id=${encodeURIComponent(session.user.id)}`)).credentials,
    [session.user.id])

  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const formEl = event.currentTarget
    const description = String(new FormData(formEl).get('description') ?? '')
    const ok = await run('create', async () => {
      await protect('Create an access key')
      const { credential } = await api.post<{ credential: Credential & { secret: string } }>('/v3.0/OS-CREDENTIAL/credentials', {
        credential: { user_id: session.user.id, description },
      })
      setCreated({ access: credential.access, secret: credential.secret })
      return `Access key ${credential.access} created. Copy the secret key now: it is not shown again.`
    })
    if (ok) {
      formEl.reset()
      await load()
      requestAnimationFrame(() => secretRef.current?.focus())
    }
  }
  const copySecret = async () => {
    if (!created) return
    try {
      await navigator.clipboard.writeText(created.secret)
      feedback.done('Secret key copied to the clipboard.')
    } catch {
      // Clipboard access needs a secure context (https or localhost): select it for a manual copy.
      const range = document.createRange()
      if (secretRef.current) range.selectNodeContents(secretRef.current)
      window.getSelection()?.removeAllRanges()
      window.getSelection()?.addRange(range)
      feedback.done('The browser refused the clipboard: the secret key is selected, press Ctrl+C to copy it.')
    }
  }
  const setStatus = async (key: Credential, status: 'active' | 'inactive') => {
    if (await run(`status-${key.access}`, async () => {
      await api.put(`/v3.0/OS-CREDENTIAL/credentials/${key.access}`, { credential: { status } })
      return `Access key ${key.access} ${status === 'active' ? 'enabled' : 'disabled'}.`
    })) await load()
  }
  const remove = async (key: Credential) => {
    if (!window.confirm(`Delete access key ${key.access}? Programs using it stop working.`)) return
    if (await run(`delete-${key.access}`, async () => {
      await protect(`Delete access key ${key.access}`)
      await api.delete(`/v3.0/OS-CREDENTIAL/credentials/${key.access}`)
      if (created?.access === key.access) setCreated(undefined)
      return `Access key ${key.access} deleted.`
    })) await load()
  }

  return (
    <>
      <section aria-labelledby="create-key">
        <h2 id="create-key">Create an access key for {session.user.name}</h2>
        <form className="inline-form" onSubmit={create}>
          <label>Description <input name="description" maxLength={255} /></label>
          <button type="submit" disabled={busy === 'create'}>{busy === 'create' ? 'Creating…' : 'Create access key'}</button>
        </form>
        {created ? (
          <div className="secret" aria-labelledby="secret-title">
            <h3 id="secret-title">New access key {created.access}</h3>
            <p>Secret key (shown only now):</p>
            <p><code ref={secretRef} tabIndex={-1} data-testid="secret-key">{created.secret}</code></p>
            <button type="button" onClick={copySecret}>Copy secret key</button>{' '}
            <button type="button" onClick={() => setCreated(undefined)}>I have stored it</button>
          </div>
        ) : null}
      </section>
      <section aria-labelledby="key-list">
        <h2 id="key-list">Access keys</h2>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Access keys of {session.user.name}</caption>
            <thead><tr><th scope="col">Access key</th><th scope="col">Description</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Actions</th></tr></thead>
            <tbody>
              {loadError ? <Empty columns={5}>{loadError}</Empty> : !keys ? <Empty columns={5}>Loading…</Empty> : keys.length === 0 ? <Empty columns={5}>No access keys.</Empty> : null}
              {keys?.map((k) => (
                <tr key={k.access}>
                  <th scope="row"><code>{k.access}</code></th>
                  <td>{k.description}</td>
                  <td>{k.status}</td>
                  <td>{formatTime(k.create_time)}</td>
                  <td className="actions">
                    {k.status === 'active'
                      ? <button type="button" disabled={busy === `status-${k.access}`} onClick={() => setStatus(k, 'inactive')} aria-label={`Disable ${k.access}`}>Disable</button>
                      : <button type="button" disabled={busy === `status-${k.access}`} onClick={() => setStatus(k, 'active')} aria-label={`Enable ${k.access}`}>Enable</button>}
                    <button type="button" className="danger" disabled={busy === `delete-${k.access}`} onClick={() => remove(k)} aria-label={`Delete ${k.access}`}>Delete</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  )
}
