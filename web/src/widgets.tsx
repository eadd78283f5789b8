/** @module Small pieces the pages share: a pager, a busy-aware action button, dates. */
import { useState, type ReactNode } from 'react'
import { useFeedback } from './feedback.js'

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
