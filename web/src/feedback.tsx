/**
 * @module Visible feedback for every action: one polite live region for what succeeded, one
 * alert for what failed, with the API's own message. Pages call `useFeedback()`.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { ApiError } from './api.js'

interface Feedback {
  done(message: string): void
  failed(error: unknown): void
  clear(): void
}

const FeedbackContext = createContext<Feedback>({ done: () => {}, failed: () => {}, clear: () => {} })

export const useFeedback = (): Feedback => useContext(FeedbackContext)

export function messageOf(error: unknown): string {
  return error instanceof ApiError || error instanceof Error ? error.message : String(error)
}

/** `page`: a message belongs to the page it was given on, and goes when another page opens. */
export function FeedbackProvider({ page, children }: { page: string; children: ReactNode }) {
  const [note, setNote] = useState<{ kind: 'done' | 'failed'; text: string; at: number }>()
  useEffect(() => setNote(undefined), [page])
  const done = useCallback((text: string) => setNote({ kind: 'done', text, at: Date.now() }), [])
  const failed = useCallback((error: unknown) => setNote({ kind: 'failed', text: messageOf(error), at: Date.now() }), [])
  const clear = useCallback(() => setNote(undefined), [])
  const value = useMemo(() => ({ done, failed, clear }), [done, failed, clear])
  return (
    <FeedbackContext.Provider value={value}>
      {/* Both regions exist from the start: screen readers announce changes only in regions they already know. */}
      <div className="feedback" role="status" aria-live="polite" data-testid="status">
        {note?.kind === 'done' ? <p key={note.at} className="note note-done">{note.text}</p> : null}
      </div>
      <div className="feedback" role="alert" data-testid="error">
        {note?.kind === 'failed' ? (
          <p key={note.at} className="note note-failed">
            {note.text} <button type="button" className="link" onClick={clear}>Dismiss</button>
          </p>
        ) : null}
      </div>
      {children}
    </FeedbackContext.Provider>
  )
}
