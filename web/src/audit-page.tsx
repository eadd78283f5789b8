/**
 * @module The account's audit trail (`GET /v3/{account_id}/traces`): newest first, older pages
 * through the answer's marker, each change with the resource as stored before and after.
 */
import { useState, type FormEvent } from 'react'
import { api, query, type Session } from './api.js'
import { useFeedback } from './feedback.js'
import { Empty, formatTime, useLoaded } from './widgets.js'

interface Trace {
  trace_id: string; trace_name: string; trace_type: string; service_type: string; resource_type: string; resource_name: string; resource_id: string
  time: number; user: { name: string }; source_ip: string; user_agent: string; request_id: string
  resource_before: unknown; resource_after: unknown
}
interface TraceList { traces: Trace[]; meta_data: { count: number; marker: string | null } }

const LIMIT = 25
const PERIODS = [{ label: 'last hour', ms: 3_600_000 }, { label: 'last 24 hours', ms: 86_400_000 }, { label: 'last 7 days', ms: 7 * 86_400_000 }, { label: 'last 30 days', ms: 30 * 86_400_000 }]

function State({ value }: { value: unknown }) {
  return value === null || value === undefined ? <p className="muted">none</p> : <pre>{JSON.stringify(value, null, 2)}</pre>
}

/** The fields whose stored value differs between before and after (all of them for a creation or deletion). */
function changedFields(before: unknown, after: unknown): string[] {
  const b = (before ?? {}) as Record<string, unknown>
  const a = (after ?? {}) as Record<string, unknown>
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
}

export function AuditPage({ session }: { session: Session }) {
  const feedback = useFeedback()
  const [filters, setFilters] = useState({ period: PERIODS[1]!.ms, service_type: '' })
  // Markers of the pages seen so far: the first page has none.
  const [markers, setMarkers] = useState<(string | undefined)[]>([undefined])
  const marker = markers[markers.length - 1]

  const { data: list, error: loadError, reload: load } = useLoaded(
    () => api.get<TraceList>(`/v3/${session.account.id}/traces${query({ limit: LIMIT, from: Date.now() - filters.period, service_type: filters.service_type, next: marker })}`),
    [filters, marker, session.account.id])

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    setMarkers([undefined])
    setFilters({ period: Number(form.get('period')), service_type: String(form.get('service_type') ?? '') })
  }

  return (
    <section aria-labelledby="trace-list">
      <h2 id="trace-list">Recent changes in {session.account.name}</h2>
      <form className="inline-form" onSubmit={apply}>
        <label>Period <select name="period" defaultValue={filters.period}>{PERIODS.map((p) => <option key={p.ms} value={p.ms}>{p.label}</option>)}</select></label>
        <label>Service <select name="service_type" defaultValue={filters.service_type}><option value="">any</option><option>IAM</option><option>EPS</option><option>COC</option></select></label>
        <button type="submit">Apply</button>
        <button type="button" onClick={() => { setMarkers([undefined]); void load().then(() => feedback.done('Audit trail refreshed.')) }}>Refresh</button>
      </form>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Traces, newest first</caption>
          <thead><tr><th scope="col">Time</th><th scope="col">Action</th><th scope="col">Resource</th><th scope="col">User</th><th scope="col">Via</th><th scope="col">Before / after</th></tr></thead>
          <tbody>
            {loadError ? <Empty columns={6}>{loadError}</Empty> : !list ? <Empty columns={6}>Loading…</Empty> : list.traces.length === 0 ? <Empty columns={6}>No changes in this period.</Empty> : null}
            {list?.traces.map((t) => (
              <tr key={t.trace_id} data-testid="trace-row">
                <td>{formatTime(t.time)}</td>
                <th scope="row"><span className="badge">{t.service_type}</span> {t.trace_name}</th>
                <td>{t.resource_type} <strong>{t.resource_name}</strong></td>
                <td>{t.user.name}</td>
                <td title={t.user_agent}>{t.trace_type}<br /><span className="muted">{t.source_ip}</span></td>
                <td>
                  <details>
                    <summary>{t.resource_before && t.resource_after ? `Changed: ${changedFields(t.resource_before, t.resource_after).join(', ') || 'nothing'}` : t.resource_before ? 'Deleted' : 'Created'}</summary>
                    <div className="states">
                      <div><h3>Before</h3><State value={t.resource_before} /></div>
                      <div><h3>After</h3><State value={t.resource_after} /></div>
                    </div>
                    <p className="muted">Request {t.request_id}</p>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Audit trail pages">
        <button type="button" disabled={markers.length === 1} onClick={() => setMarkers(markers.slice(0, -1))}>Newer</button>
        <span>Page {markers.length}</span>
        <button type="button" disabled={!list?.meta_data.marker || (list?.traces.length ?? 0) < LIMIT} onClick={() => setMarkers([...markers, list!.meta_data.marker!])}>Older</button>
      </nav>
    </section>
  )
}
