/**
 * @module Agencies of the account (`/v3.0/OS-AGENCY`): list, create (trusting another account by
 * name, valid for good, one day or a number of days), delete; and per agency the roles it holds
 * on the whole account (`/domains/{d}/agencies/{a}/roles`) or on one project
 * (`/projects/{p}/agencies/{a}/roles`), with grant and revoke. The roles offered are the system
 * roles (`GET /v3/roles`) that fit the scope, without the two agencies may never hold.
 */
import { useState, type FormEvent } from 'react'
import { ApiError, api, query, type Session } from './api.js'
import { Empty, formatTime, useAction, useLoaded } from './widgets.js'

interface Agency {
  id: string; name: string; domain_id: string; trust_domain_id: string | null; trust_domain_name: string | null
  description: string; duration: string | null; expire_time: string | null; create_time: string
}
interface Role { id: string; name: string; display_name?: string; type: 'AX' | 'XA' | 'AA' | 'XX' }
interface Project { id: string; name: string }
interface Grant { role: Role; project?: Project }

/** The clouds refuse these to agencies (403): Security Administrator and Agent Operator. */
const NOT_FOR_AGENCIES = new Set(['secu_admin', 'te_agency'])
/** Where a role type may be granted: global (AX) on the account, project-level (XA) on projects, AA on both. */
const FITS = { account: ['AX', 'AA'], project: ['XA', 'AA'] } as const

const roleName = (role: Role) => role.display_name || role.name

/** Agency times are UTC without a zone (`2020-01-20T12:59:20.811642`): read them as UTC. */
function agencyTime(value: string | null): string {
  return formatTime(value && !/(Z|[+-]\d\d:?\d\d)$/.test(value) ? `${value}Z` : value)
}

function validity(agency: Agency): string {
  const { duration, expire_time: expires } = agency
  if (duration === null || duration === 'FOREVER') return 'Forever'
  const span = duration === 'ONEDAY' ? 'One day' : duration === '1' ? '1 day' : `${duration} days`
  if (!expires) return span
  const expired = Date.parse(/Z$/.test(expires) ? expires : `${expires}Z`) <= Date.now()
  return `${span}, ${expired ? 'expired' : 'until'} ${agencyTime(expires)}`
}

export function AgenciesPage({ session }: { session: Session }) {
  const { busy, run } = useAction()
  const [duration, setDuration] = useState('FOREVER')
  const [open, setOpen] = useState<string>()

  // `null`: the route is absent (404), as on the Keystone flavour, which has no agencies.
  const { data: agencies, error: loadError, reload: load } = useLoaded(async () => {
    try {
      return (await api.get<{ agencies: Agency[] }>(`/v3.0/OS-AGENCY/agencies${query({ domain_id: session.account.id })}`)).agencies
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null
      throw error
    }
  }, [session.account.id])
  const openAgency = agencies?.find((a) => a.id === open)

  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const formEl = event.currentTarget
    const form = new FormData(formEl)
    const description = String(form.get('description') ?? '')
    const ok = await run('create', async () => {
      const { agency } = await api.post<{ agency: Agency }>('/v3.0/OS-AGENCY/agencies', {
        agency: {
          name: String(form.get('name')),
          domain_id: session.account.id,
          trust_domain_name: String(form.get('trust_domain_name')),
          ...(description ? { description } : {}),
          duration: duration === 'days' ? String(form.get('days')) : duration,
        },
      })
      return `Agency ${agency.name} created, trusting account ${String(form.get('trust_domain_name'))}.`
    })
    if (ok) { formEl.reset(); setDuration('FOREVER'); await load() }
  }
  const remove = async (agency: Agency) => {
    if (!window.confirm(`Delete agency ${agency.name}? Account ${agency.trust_domain_name ?? agency.trust_domain_id} can no longer use it, and its permissions go with it.`)) return
    if (await run(`delete-${agency.id}`, async () => {
      await api.delete(`/v3.0/OS-AGENCY/agencies/${agency.id}`)
      if (open === agency.id) setOpen(undefined)
      return `Agency ${agency.name} deleted.`
    })) await load()
  }
  const togglePermissions = (agency: Agency) => {
    const next = open === agency.id ? undefined : agency.id
    setOpen(next)
    if (next) requestAnimationFrame(() => document.getElementById('agency-permissions')?.focus())
  }

  if (agencies === null) return <p className="hint">This server has no agencies: its flavour (Keystone) does not offer them.</p>
  return (
    <>
      <section aria-labelledby="create-agency">
        <h2 id="create-agency">Create an agency</h2>
        <p className="hint">An agency lets the users of another account work in {session.account.name} with the permissions you grant it.</p>
        <form className="inline-form" onSubmit={create}>
          <label>Agency name <input name="name" required maxLength={64} /></label>
          <label>Trusted account <input name="trust_domain_name" required placeholder="the other account's name" /></label>
          <label>Validity
            <select name="duration" value={duration} onChange={(e) => setDuration(e.target.value)}>
              <option value="FOREVER">Forever</option>
              <option value="ONEDAY">One day</option>
              <option value="days">A number of days</option>
            </select>
          </label>
          {duration === 'days' ? <label>Days <input name="days" type="number" min={1} step={1} required defaultValue={30} /></label> : null}
          <label>Description <input name="description" maxLength={255} /></label>
          <button type="submit" disabled={busy === 'create'}>{busy === 'create' ? 'Creating…' : 'Create agency'}</button>
        </form>
      </section>
      <section aria-labelledby="agency-list">
        <h2 id="agency-list">Agencies</h2>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Agencies of {session.account.name}</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Trusted account</th><th scope="col">Validity</th><th scope="col">Description</th><th scope="col">Created</th><th scope="col">Actions</th></tr></thead>
            <tbody>
              {loadError ? <Empty columns={6}>{loadError}</Empty> : !agencies ? <Empty columns={6}>Loading…</Empty> : agencies.length === 0 ? <Empty columns={6}>No agencies.</Empty> : null}
              {agencies?.map((a) => (
                <tr key={a.id} data-testid="agency-row">
                  <th scope="row">{a.name}</th>
                  <td>{a.trust_domain_name ?? a.trust_domain_id}</td>
                  <td>{validity(a)}</td>
                  <td>{a.description}</td>
                  <td>{agencyTime(a.create_time)}</td>
                  <td className="actions">
                    <button type="button" aria-expanded={open === a.id} aria-controls={open === a.id ? 'agency-permissions-panel' : undefined}
                      onClick={() => togglePermissions(a)} aria-label={`Permissions of ${a.name}`}>Permissions</button>
                    <button type="button" className="danger" disabled={busy === `delete-${a.id}`} onClick={() => remove(a)} aria-label={`Delete ${a.name}`}>Delete</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {openAgency ? <AgencyPermissions key={openAgency.id} session={session} agency={openAgency} onClose={() => setOpen(undefined)} /> : null}
    </>
  )
}

/** The roles one agency holds on the account and on each project, with grant and revoke. */
function AgencyPermissions({ session, agency, onClose }: { session: Session; agency: Agency; onClose: () => void }) {
  const { busy, run } = useAction()
  const [scope, setScope] = useState('')
  const [roleId, setRoleId] = useState('')
  const domainRoles = `/v3.0/OS-AGENCY/domains/${session.account.id}/agencies/${agency.id}/roles`
  const projectRoles = (project: Project) => `/v3.0/OS-AGENCY/projects/${project.id}/agencies/${agency.id}/roles`

  // What may be granted: the projects of the account and the system roles, read once.
  const { data: choices, error: choicesError } = useLoaded(async () => {
    const [projects, roles] = await Promise.all([
      api.get<{ projects: Project[] }>(`/v3/projects${query({ domain_id: session.account.id })}`),
      api.get<{ roles: Role[] }>('/v3/roles'),
    ])
    return {
      projects: projects.projects.sort((a, b) => a.name.localeCompare(b.name)),
      roles: roles.roles.filter((r) => !NOT_FOR_AGENCIES.has(r.name)).sort((a, b) => roleName(a).localeCompare(roleName(b))),
    }
  }, [session.account.id])
  const { data: grants, error: grantsError, reload } = useLoaded(async () => {
    if (!choices) return undefined
    const [onAccount, ...onProjects] = await Promise.all([
      api.get<{ roles: Role[] }>(domainRoles),
      ...choices.projects.map((p) => api.get<{ roles: Role[] }>(projectRoles(p))),
    ])
    return [
      ...onAccount!.roles.map((role): Grant => ({ role })),
      ...onProjects.flatMap((r, i) => r.roles.map((role): Grant => ({ role, project: choices.projects[i]! }))),
    ]
  }, [choices, agency.id])

  const project = choices?.projects.find((p) => p.id === scope)
  const offered = choices?.roles.filter((r) => (FITS[project ? 'project' : 'account'] as readonly string[]).includes(r.type)) ?? []
  const where = (p: Project | undefined) => (p ? `project ${p.name}` : `account ${session.account.name}`)

  const grant = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const role = offered.find((r) => r.id === roleId)
    if (!role) return
    if (await run('grant', async () => {
      await api.put(`${project ? projectRoles(project) : domainRoles}/${role.id}`, undefined)
      return `${roleName(role)} granted to ${agency.name} on ${where(project)}.`
    })) { setRoleId(''); await reload() }
  }
  const revoke = async ({ role, project: p }: Grant) => {
    if (!window.confirm(`Revoke ${roleName(role)} on ${where(p)} from agency ${agency.name}?`)) return
    if (await run(`revoke-${p?.id ?? ''}-${role.id}`, async () => {
      await api.delete(`${p ? projectRoles(p) : domainRoles}/${role.id}`)
      return `${roleName(role)} revoked from ${agency.name} on ${where(p)}.`
    })) await reload()
  }

  return (
    <section aria-labelledby="agency-permissions" id="agency-permissions-panel" className="panel">
      <h2 id="agency-permissions" tabIndex={-1}>Permissions of {agency.name}</h2>
      <form className="inline-form" onSubmit={grant} aria-label={`Grant a role to ${agency.name}`}>
        <label>Scope
          <select value={scope} onChange={(e) => { setScope(e.target.value); setRoleId('') }}>
            <option value="">The whole account ({session.account.name})</option>
            {choices?.projects.map((p) => <option key={p.id} value={p.id}>Project {p.name}</option>)}
          </select>
        </label>
        <label>Role
          <select value={roleId} required onChange={(e) => setRoleId(e.target.value)}>
            <option value="">{choices ? 'Choose a role' : 'Loading…'}</option>
            {offered.map((r) => <option key={r.id} value={r.id}>{roleName(r)}</option>)}
          </select>
        </label>
        <button type="submit" disabled={busy === 'grant' || !roleId}>{busy === 'grant' ? 'Granting…' : 'Grant role'}</button>
        <button type="button" onClick={onClose}>Close</button>
      </form>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Roles of agency {agency.name}</caption>
          <thead><tr><th scope="col">Role</th><th scope="col">Scope</th><th scope="col">Actions</th></tr></thead>
          <tbody>
            {choicesError ?? grantsError ? <Empty columns={3}>{choicesError ?? grantsError}</Empty> : !grants ? <Empty columns={3}>Loading…</Empty> : grants.length === 0 ? <Empty columns={3}>No roles granted.</Empty> : null}
            {grants?.map((g) => {
              const label = `${roleName(g.role)} on ${where(g.project)}`
              return (
                <tr key={`${g.project?.id ?? ''}-${g.role.id}`} data-testid="grant-row">
                  <th scope="row">{roleName(g.role)}{g.role.display_name && g.role.display_name !== g.role.name ? <> <code>{g.role.name}</code></> : null}</th>
                  <td>{g.project ? `Project ${g.project.name}` : 'The whole account'}</td>
                  <td className="actions">
                    <button type="button" className="danger" disabled={busy === `revoke-${g.project?.id ?? ''}-${g.role.id}`} onClick={() => revoke(g)} aria-label={`Revoke ${label}`}>Revoke</button>
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
    </section>
  )
}
