/** @module Small pieces the pages share: a pager, a busy-aware action button, dates. */
import { useCallback, useEffect, useState, type DependencyList, type FormEvent, type ReactNode } from 'react'
import { messageOf, useFeedback } from './feedback.js'

/** Runs an API action with visible feedback: the button says it is busy, the live region says how it went. */
export function useAction() {
  const feedback = useFeedback()
  const [busy, setBusy] = useState<string>()
  const run = async (label: string, action: () => Promise<string | void>): Promise<boolean> => {
    setBusy(label)
    feedback.clear()
    try {
      const message = await action()
      if (message) feedback.done(message)
      return true
    } catch (error) {
      feedback.failed(error)
      return false
    } finally {
      setBusy(undefined)
    }
  }
  return { busy, run }
}

/**
 * What a page shows, fetched when `deps` change and again on `reload()`; a refusal leaves the
 * data empty and the API's message both in the page (`error`) and in the alert.
 */
export function useLoaded<T>(fetcher: () => Promise<T>, deps: DependencyList): { data: T | undefined; error: string | undefined; reload: () => Promise<void> } {
  const feedback = useFeedback()
  const [state, setState] = useState<{ data?: T; error?: string }>({})
  // The fetcher is a new closure each render; `deps` are what it reads.
  const reload = useCallback(async () => {
    try {
      setState({ data: await fetcher() })
    } catch (error) {
      setState({ error: messageOf(error) })
      feedback.failed(error)
    }
  }, [...deps, feedback]) // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => { void reload() }, [reload])
  return { data: state.data, error: state.error, reload }
}

export function Pager({ label, page, hasPrevious, hasNext, onPage, children }: {
  label: string; page: number; hasPrevious: boolean; hasNext: boolean; onPage: (page: number) => void; children?: ReactNode
}) {
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" disabled={!hasPrevious} onClick={() => onPage(page - 1)}>Previous page</button>
      <span aria-live="polite">Page {page}{children}</span>
      <button type="button" disabled={!hasNext} onClick={() => onPage(page + 1)}>Next page</button>
    </nav>
  )
}

export function formatTime(value: string | number | undefined | null): string {
  if (value === undefined || value === null || value === '') return '—'
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString()
}

export function Empty({ columns, children }: { columns: number; children: ReactNode }) {
  return <tr><td colSpan={columns} className="empty">{children}</td></tr>
}

/** A table row turned into a form for the two fields both kinds of project let you edit. */
export function EditRow({ columns, item, saving, onSave, onCancel }: {
  columns: number; item: { name: string; description: string }; saving: boolean
  onSave: (event: FormEvent<HTMLFormElement>) => void; onCancel: () => void
}) {
  return (
    <tr>
      <td colSpan={columns}>
        <form className="inline-form" onSubmit={onSave} aria-label={`Edit ${item.name}`}>
          <label>Name <input name="name" defaultValue={item.name} required autoFocus /></label>
          <label>Description <input name="description" defaultValue={item.description} /></label>
          <button type="submit" disabled={saving}>Save</button>
          <button type="button" onClick={onCancel}>Cancel</button>
        </form>
      </td>
    </tr>
  )
}
