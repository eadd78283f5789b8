/**
 * @module The signed-in user's security settings (issue 18): the virtual MFA device (bound or
 * not, its serial number), binding one (create: the secret and a QR code of its `otpauth://` URI,
 * drawn here by the `qrcode` library, never by an outside service; then two consecutive codes),
 * unbinding it with a current code, and the user's login protection. Devices and login protection
 * go through the public API (`/v3.0/OS-MFA`, `/v3.0/OS-USER/…/login-protect`); whether the device
 * is bound comes from the console's own route, as the API's show does not say.
 */
import { useEffect, useState, type FormEvent } from 'react'
import QRCode from 'qrcode'
import { ApiError, api, type Session } from './api.js'
import { useAction, useLoaded } from './widgets.js'

interface DeviceState { serial_number: string; bound: boolean }
interface LoginProtect { enabled: boolean; verification_method: string }
interface Created { serial_number: string; base32_string_seed: string; otpauth_uri: string }

const METHODS: Record<string, string> = { vmfa: 'virtual MFA device', sms: 'SMS code', email: 'e-mail code' }

export function SecurityPage({ session }: { session: Session }) {
  const { busy, run } = useAction()
  const [created, setCreated] = useState<Created>()
  const [qr, setQr] = useState<string>()
  const userId = session.user.id

  const { data, error: loadError, reload } = useLoaded(async () => {
    const [{ virtual_mfa_device: device }, protect] = await Promise.all([
      api.get<{ virtual_mfa_device: DeviceState | null }>('/console/api/mfa-device'),
      api.get<{ login_protect: LoginProtect }>(`/v3.0/OS-USER/users/${encodeURIComponent(userId)}/login-protect`).then((r) => r.login_protect)
        // A user nobody set a protection for has none.
        .catch((e: unknown) => { if (e instanceof ApiError && e.status === 404) return undefined; throw e }),
    ])
    return { device, protect }
  }, [userId])

  useEffect(() => {
    if (!created) { setQr(undefined); return }
    let live = true
    void QRCode.toDataURL(created.otpauth_uri, { errorCorrectionLevel: 'M', margin: 2, width: 200 }).then((url) => { if (live) setQr(url) })
    return () => { live = false }
  }, [created])

  const create = async () => {
    await run('create', async () => {
      // A device created earlier and never bound has a seed nobody can see again: start over.
      if (data?.device && !data.device.bound) {
        await api.delete(`/v3.0/OS-MFA/virtual-mfa-devices?user_id=${encodeURIComponent(userId)}&serial_number=${encodeURIComponent(data.device.serial_number)}`)
      }
      const { virtual_mfa_device: device } = await api.post<{ virtual_mfa_device: Created }>('/v3.0/OS-MFA/virtual-mfa-devices', {
        virtual_mfa_device: { name: `${session.user.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 50)}-console`, user_id: userId },
      })
      setCreated(device)
      return 'Virtual MFA device created: scan the QR code (or type the secret) into your authenticator app, then enter two consecutive codes.'
    })
    await reload()
  }
  const bind = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (!created) return
    const form = new FormData(event.currentTarget)
    const ok = await run('bind', async () => {
      await api.put('/v3.0/OS-MFA/mfa-devices/bind', {
        user_id: userId, serial_number: created.serial_number,
        authentication_code_first: String(form.get('first') ?? '').trim(), authentication_code_second: String(form.get('second') ?? '').trim(),
      })
      // The page shows the new state before the status announces it.
      await reload()
      return `Virtual MFA device ${created.serial_number} bound.`
    })
    if (ok) setCreated(undefined)
    else await reload()
  }
  const unbind = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const device = data?.device
    if (!device) return
    const code = String(new FormData(event.currentTarget).get('code') ?? '').trim()
    const ok = await run('unbind', async () => {
      await api.put('/v3.0/OS-MFA/mfa-devices/unbind', { user_id: userId, serial_number: device.serial_number, authentication_code: code })
      // The clouds' console removes the device with the binding: a new one starts from a new seed.
      await api.delete(`/v3.0/OS-MFA/virtual-mfa-devices?user_id=${encodeURIComponent(userId)}&serial_number=${encodeURIComponent(device.serial_number)}`)
      await reload()
      return `Virtual MFA device ${device.serial_number} unbound.`
    })
    if (!ok) await reload()
  }

  const device = data?.device
  const protect = data?.protect
  return (
    <>
      <section aria-labelledby="mfa-title">
        <h2 id="mfa-title">Virtual MFA device</h2>
        {loadError ? <p>{loadError}</p> : !data ? <p>Loading…</p> : (
          <p data-testid="mfa-state">
            {device?.bound ? `Bound: serial number ${device.serial_number}.` : 'Not bound.'}
          </p>
        )}
        {data && device?.bound ? (
          <form className="inline-form" onSubmit={unbind} aria-label="Unbind the virtual MFA device">
            <label>Current code <input name="code" required inputMode="numeric" pattern="[0-9]{6}" maxLength={6} autoComplete="one-time-code" /></label>
            <button type="submit" className="danger" disabled={busy === 'unbind'}>Unbind</button>
          </form>
        ) : null}
        {data && !device?.bound && !created ? (
          <button type="button" onClick={create} disabled={busy === 'create'}>{busy === 'create' ? 'Creating…' : 'Bind a virtual MFA device'}</button>
        ) : null}
        {created ? (
          <div className="secret" aria-labelledby="bind-title">
            <h3 id="bind-title">Bind device {created.serial_number}</h3>
            <p>Scan this QR code with an authenticator app, or enter the secret by hand. Neither is shown again.</p>
            {qr ? <img src={qr} width={200} height={200} alt={`QR code of ${created.otpauth_uri}`} data-testid="mfa-qr" /> : null}
            <p>Secret: <code data-testid="mfa-secret">{created.base32_string_seed}</code></p>
            <form className="inline-form" onSubmit={bind} aria-label="Bind the virtual MFA device">
              <label>First code <input name="first" required inputMode="numeric" pattern="[0-9]{6}" maxLength={6} autoComplete="off" /></label>
              <label>Next code <input name="second" required inputMode="numeric" pattern="[0-9]{6}" maxLength={6} autoComplete="off" /></label>
              <button type="submit" disabled={busy === 'bind'}>{busy === 'bind' ? 'Binding…' : 'Bind'}</button>
              <button type="button" onClick={() => setCreated(undefined)}>Cancel</button>
            </form>
          </div>
        ) : null}
      </section>
      <section aria-labelledby="protect-title">
        <h2 id="protect-title">Login protection</h2>
        {data ? (
          <p data-testid="login-protect-state">
            {protect?.enabled ? `On: sign-in asks for a ${METHODS[protect.verification_method] ?? protect.verification_method}.` : 'Off: sign-in asks for the password only.'}
          </p>
        ) : null}
        <p className="hint">An administrator sets login protection (<code>PUT /v3.0/OS-USER/users/{'{user_id}'}/login-protect</code>).</p>
      </section>
    </>
  )
}
