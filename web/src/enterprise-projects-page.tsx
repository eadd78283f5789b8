/**
 * @module Enterprise projects: `GET /v1.0/enterprise-projects` with its filters, sorting and
 * offset paging; create, edit, enable/disable, delete (where `GET /v1/enterprise-projects/configs`
 * says the flavour supports it); and a star per row that saves the signed-in user's COC
 * favourites (`PUT /v1/enterprise-project-collect`), shown first. COC exists on Huawei Cloud
 * only: where its GET answers 404 there are no stars.
 */
import { useEffect, useState, type FormEvent } from 'react'
import { ApiError, api, query, type Session } from './api.js'
import { EditRow, Empty, Pager, formatTime, useAction, useLoaded } from './widgets.js'

/** Every account's enterprise project `0`, which EPS manages itself. */
const DEFAULT_ENTERPRISE_PROJECT = '0'

interface EnterpriseProject { id: string; name: string; description: string; status: number; type: string; created_at: string; updated_at: string }
interface EnterpriseProjectList { enterprise_projects: EnterpriseProject[]; total_count: number }

const LIMIT = 20

/** Favourites: the list, or why there is none (`absent`: this server has no COC). */
type Favourites = { state: 'loading' } | { state: 'absent' } | { state: 'failed'; message: string } | { state: 'ready'; ids: string[] }

export function EnterpriseProjectsPage({ session }: { session: Session }) {
  const { busy, run } = useAction()
  const [filters, setFilters] = useState({ name: '', status: '', type: '', sort_key: 'created_at', sort_dir: 'desc' })
  const [page, setPage] = useState(1)
  const [favourites, setFavourites] = useState<Favourites>({ state: 'loading' })
  const [canDelete, setCanDelete] = useState(false)
  const [editing, setEditing] = useState<string>()

  const { data: list, error: loadError, reload: load } = useLoaded(
    () => api.get<EnterpriseProjectList>(`/v1.0/enterprise-projects${query({ ...filters, offset: (page - 1) * LIMIT, limit: LIMIT })}`),
    [filters, page])

  useEffect(() => {
    api.get<{ data: { ep_id_list: string[] }[] }>('/v1/enterprise-project-collect?limit=100')
      .then((r) => setFavourites({ state: 'ready', ids: r.data[0]?.ep_id_list ?? [] }))
      .catch((error: unknown) => setFavourites(error instanceof ApiError && error.status === 404 ? { state: 'absent' } : { state: 'failed', message: (error as Error).message }))
    api.get<{ support_item: { delete_ep_support: boolean } }>('/v1/enterprise-projects/configs')
      .then((r) => setCanDelete(r.support_item.delete_ep_support))
      .catch(() => setCanDelete(false))
  }, [session.token])

  const starred = favourites.state === 'ready' ? favourites.ids : []
  // Favourites first, the API's order otherwise (sort is stable).
  const rows = [...(list?.enterprise_projects ?? [])].sort((a, b) => Number(starred.includes(b.id)) - Number(starred.includes(a.id)))
  const columns = favourites.state === 'absent' ? 7 : 8

  const toggleStar = (ep: EnterpriseProject) => run(`star-${ep.id}`, async () => {
    const on = !starred.includes(ep.id)
    const ids = on ? [...starred, ep.id] : starred.filter((id) => id !== ep.id)
    await api.put('/v1/enterprise-project-collect', { ep_id_list: ids })
    setFavourites({ state: 'ready', ids })
    return on ? `${ep.name} added to your favourites.` : `${ep.name} removed from your favourites.`
  })
  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const formEl = event.currentTarget
    const form = new FormData(formEl)
    const ok = await run('create', async () => {
      const { enterprise_project: ep } = await api.post<{ enterprise_project: EnterpriseProject }>('/v1.0/enterprise-projects', {
        name: String(form.get('name')), description: String(form.get('description') ?? ''), type: String(form.get('type')),
      })
      return `Enterprise project ${ep.name} created.`
    })
    if (ok) { formEl.reset(); await load() }
  }
  const save = async (event: FormEvent<HTMLFormElement>, ep: EnterpriseProject) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const ok = await run(`save-${ep.id}`, async () => {
      await api.put(`/v1.0/enterprise-projects/${ep.id}`, { name: String(form.get('name')), description: String(form.get('description') ?? '') })
      return `Enterprise project ${String(form.get('name'))} saved.`
    })
    if (ok) { setEditing(undefined); await load() }
  }
  const act = async (ep: EnterpriseProject, action: 'enable' | 'disable') => {
    if (await run(`${action}-${ep.id}`, async () => {
      await api.post(`/v1.0/enterprise-projects/${ep.id}/action`, { action })
      return `Enterprise project ${ep.name} ${action}d.`
    })) await load()
  }
  const remove = async (ep: EnterpriseProject) => {
    if (!window.confirm(`Delete enterprise project ${ep.name}?`)) return
    if (await run(`delete-${ep.id}`, async () => {
      await api.delete(`/v1.0/enterprise-projects/${ep.id}`)
      return `Enterprise project ${ep.name} deleted.`
    })) await load()
  }
  const applyFilters = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    setPage(1)
    setFilters({
      name: String(form.get('name') ?? ''), status: String(form.get('status') ?? ''), type: String(form.get('type') ?? ''),
      sort_key: String(form.get('sort_key')), sort_dir: String(form.get('sort_dir')),
    })
  }
  const pages = list ? Math.max(1, Math.ceil(list.total_count / LIMIT)) : 1

  return (
    <>
      <section aria-labelledby="create-ep">
        <h2 id="create-ep">Create an enterprise project</h2>
        <form className="inline-form" onSubmit={create}>
          <label>Name <input name="name" required /></label>
          <label>Description <input name="description" /></label>
          <label>Type <select name="type" defaultValue="prod"><option value="prod">prod</option><option value="poc">poc</option></select></label>
          <button type="submit" disabled={busy === 'create'}>{busy === 'create' ? 'Creating…' : 'Create enterprise project'}</button>
        </form>
      </section>
      <section aria-labelledby="ep-list">
        <h2 id="ep-list">Enterprise projects</h2>
        <form className="inline-form" role="search" onSubmit={applyFilters}>
          <label>Name <input name="name" type="search" defaultValue={filters.name} /></label>
          <label>Status <select name="status" defaultValue={filters.status}><option value="">any</option><option value="1">enabled</option><option value="2">disabled</option></select></label>
          <label>Type <select name="type" defaultValue={filters.type}><option value="">any</option><option value="prod">prod</option><option value="poc">poc</option></select></label>
          <label>Sort by <select name="sort_key" defaultValue={filters.sort_key}><option value="created_at">created</option><option value="updated_at">updated</option></select></label>
          <label>Order <select name="sort_dir" defaultValue={filters.sort_dir}><option value="desc">newest first</option><option value="asc">oldest first</option></select></label>
          <button type="submit">Apply</button>
        </form>
        {favourites.state === 'failed' ? <p className="note note-failed">Favourites are unavailable: {favourites.message}</p> : null}
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Enterprise projects of {session.account.name}{favourites.state === 'ready' ? ', your favourites first' : ''}</caption>
            <thead>
              <tr>
                {favourites.state === 'absent' ? null : <th scope="col"><span className="visually-hidden">Favourite</span><span aria-hidden="true">★</span></th>}
                <th scope="col">Name</th><th scope="col">Description</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Updated</th><th scope="col">ID</th><th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {loadError ? <Empty columns={columns}>{loadError}</Empty> : !list ? <Empty columns={columns}>Loading…</Empty> : rows.length === 0 ? <Empty columns={columns}>No enterprise projects.</Empty> : null}
              {rows.map((ep) => editing === ep.id ? (
                <EditRow key={ep.id} columns={columns} item={ep} saving={busy === `save-${ep.id}`} onSave={(e) => save(e, ep)} onCancel={() => setEditing(undefined)} />
              ) : (
                <tr key={ep.id} data-testid="ep-row">
                  {favourites.state === 'absent' ? null : (
                    <td>
                      <button type="button" className="star" aria-pressed={starred.includes(ep.id)} disabled={favourites.state !== 'ready' || busy === `star-${ep.id}`}
                        aria-label={`Favourite ${ep.name}`} title={starred.includes(ep.id) ? 'Remove from favourites' : 'Add to favourites'} onClick={() => toggleStar(ep)}>
                        <span aria-hidden="true">{starred.includes(ep.id) ? '★' : '☆'}</span>
                      </button>
                    </td>
                  )}
                  <th scope="row">{ep.name}</th>
                  <td>{ep.description}</td>
                  <td>{ep.type}</td>
                  <td>{ep.status === 1 ? 'enabled' : 'disabled'}</td>
                  <td>{formatTime(ep.updated_at)}</td>
                  <td><code>{ep.id}</code></td>
                  <td className="actions">
                    {/* EPS refuses to change, disable or delete the default project: offer nothing that would fail. */}
                    {ep.id === DEFAULT_ENTERPRISE_PROJECT ? <span className="muted">default project</span> : <>
                    <button type="button" onClick={() => setEditing(ep.id)} aria-label={`Edit ${ep.name}`}>Edit</button>
                    {ep.status === 1
                      ? <button type="button" disabled={busy === `disable-${ep.id}`} onClick={() => act(ep, 'disable')} aria-label={`Disable ${ep.name}`}>Disable</button>
                      : <button type="button" disabled={busy === `enable-${ep.id}`} onClick={() => act(ep, 'enable')} aria-label={`Enable ${ep.name}`}>Enable</button>}
                    {canDelete ? <button type="button" className="danger" disabled={busy === `delete-${ep.id}`} onClick={() => remove(ep)} aria-label={`Delete ${ep.name}`}>Delete</button> : null}
                    </>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Pager label="Enterprise project pages" page={page} hasPrevious={page > 1} hasNext={page < pages} onPage={setPage}>
          {list ? ` of ${pages} (${list.total_count} in all)` : null}
        </Pager>
      </section>
    </>
  )
}
