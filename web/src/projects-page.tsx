/**
 * @module IAM projects of the account: `GET /v3/projects` (exact `name` filter, `page`/`per_page`
 * with the answer's links), `POST`, `PATCH /v3/projects/{id}`, and suspend/resume through
 * `PUT /v3-ext/projects/{id}`. Validation messages are the API's own.
 */
import { useState, type FormEvent } from 'react'
import { api, query, type Session } from './api.js'
import { EditRow, Empty, Pager, useAction, useLoaded } from './widgets.js'

interface Project { id: string; name: string; description: string; enabled: boolean; parent_id: string; domain_id: string }
interface ProjectList { projects: Project[]; links: { next: string | null; previous: string | null } }

const PER_PAGE = 20

export function ProjectsPage({ session }: { session: Session }) {
  const { busy, run } = useAction()
  const [filter, setFilter] = useState('')
  const [page, setPage] = useState(1)
  const [editing, setEditing] = useState<string>()

  const { data, error: loadError, reload: load } = useLoaded(async () => {
    const list = await api.get<ProjectList>(`/v3/projects${query({ domain_id: session.account.id, name: filter, page, per_page: PER_PAGE })}`)
    // The list has no status; the extension's GET has it, for whoever may read it.
    const found = await Promise.all(list.projects.map(async (p) => {
      try { return [p.id, (await api.get<{ project: { status: string } }>(`/v3-ext/projects/${p.id}`)).project.status] as const } catch { return [p.id, '—'] as const }
    }))
    return { list, statuses: Object.fromEntries(found) as Record<string, string> }
  }, [filter, page, session.account.id])
  const list = data?.list
  const statuses = data?.statuses ?? {}

  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const formEl = event.currentTarget
    const form = new FormData(formEl)
    const ok = await run('create', async () => {
      const { project } = await api.post<{ project: Project }>('/v3/projects', {
        project: { name: String(form.get('name')), description: String(form.get('description') ?? ''), domain_id: session.account.id },
      })
      return `Project ${project.name} created.`
    })
    if (ok) { formEl.reset(); await load() }
  }
  const save = async (event: FormEvent<HTMLFormElement>, project: Project) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const ok = await run(`save-${project.id}`, async () => {
      const { project: saved } = await api.patch<{ project: Project }>(`/v3/projects/${project.id}`, {
        project: { name: String(form.get('name')), description: String(form.get('description') ?? '') },
      })
      return `Project ${saved.name} saved.`
    })
    if (ok) { setEditing(undefined); await load() }
  }
  const setStatus = async (project: Project, status: 'suspended' | 'normal') => {
    const ok = await run(`status-${project.id}`, async () => {
      await api.put(`/v3-ext/projects/${project.id}`, { project: { status } })
      return `Project ${project.name} ${status === 'suspended' ? 'suspended' : 'resumed'}.`
    })
    if (ok) await load()
  }

  return (
    <>
      <section aria-labelledby="create-project">
        <h2 id="create-project">Create a project</h2>
        <form className="inline-form" onSubmit={create}>
          <label>Name <input name="name" required placeholder="cn-north-4_project" /></label>
          <label>Description <input name="description" /></label>
          <button type="submit" disabled={busy === 'create'}>{busy === 'create' ? 'Creating…' : 'Create project'}</button>
        </form>
      </section>
      <section aria-labelledby="project-list">
        <h2 id="project-list">Projects</h2>
        <form className="inline-form" role="search" onSubmit={(e) => { e.preventDefault(); setPage(1); setFilter(String(new FormData(e.currentTarget).get('filter') ?? '')) }}>
          <label>Name (exact) <input name="filter" type="search" defaultValue={filter} /></label>
          <button type="submit">Filter</button>
        </form>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">IAM projects of {session.account.name}</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Status</th><th scope="col">ID</th><th scope="col">Actions</th></tr></thead>
            <tbody>
              {loadError ? <Empty columns={5}>{loadError}</Empty> : !list ? <Empty columns={5}>Loading…</Empty> : list.projects.length === 0 ? <Empty columns={5}>No projects.</Empty> : null}
              {list?.projects.map((p) => editing === p.id ? (
                <EditRow key={p.id} columns={5} item={p} saving={busy === `save-${p.id}`} onSave={(e) => save(e, p)} onCancel={() => setEditing(undefined)} />
              ) : (
                <tr key={p.id}>
                  <th scope="row">{p.name}</th>
                  <td>{p.description}</td>
                  <td>{statuses[p.id] ?? '…'}</td>
                  <td><code>{p.id}</code></td>
                  <td className="actions">
                    <button type="button" onClick={() => setEditing(p.id)} aria-label={`Edit ${p.name}`}>Edit</button>
                    {statuses[p.id] === 'suspended'
                      ? <button type="button" disabled={busy === `status-${p.id}`} onClick={() => setStatus(p, 'normal')} aria-label={`Resume ${p.name}`}>Resume</button>
                      : <button type="button" disabled={busy === `status-${p.id}`} onClick={() => setStatus(p, 'suspended')} aria-label={`Suspend ${p.name}`}>Suspend</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Pager label="Project pages" page={page} hasPrevious={page > 1} hasNext={Boolean(list?.links.next)} onPage={setPage} />
      </section>
    </>
  )
}
