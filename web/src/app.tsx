/**
 * @module The console's frame: sign-in or the signed-in layout (header, navigation, one page).
 * Pages are client routes under `/console/…`; the server answers each with index.html.
 */
import { useCallback, useEffect, useState, type MouseEvent } from 'react'
import { loadSession, signOut, whenUnauthorized, type Session } from './api.js'
import { FeedbackProvider } from './feedback.js'
import { SignIn } from './sign-in.js'
import { ProjectsPage } from './projects-page.js'
import { EnterpriseProjectsPage } from './enterprise-projects-page.js'
import { AccessKeysPage } from './access-keys-page.js'
import { AgenciesPage } from './agencies-page.js'
import { AuditPage } from './audit-page.js'
import { SecurityPage } from './security-page.js'
import { ProtectProvider } from './operation-protection.js'
import { useIdleSignOut } from './idle.js'

const PAGES = [
  { path: 'projects', title: 'IAM projects', Page: ProjectsPage },
  { path: 'enterprise-projects', title: 'Enterprise projects', Page: EnterpriseProjectsPage },
  { path: 'access-keys', title: 'Access keys', Page: AccessKeysPage },
  { path: 'agencies', title: 'Agencies', Page: AgenciesPage },
  { path: 'audit', title: 'Audit trail', Page: AuditPage },
  { path: 'security', title: 'Security', Page: SecurityPage },
] as const

const BASE = '/console/'

function currentPage(): string {
  const path = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length).replace(/\/$/, '') : ''
  return PAGES.some((p) => p.path === path) ? path : 'projects'
}

export function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession)
  const [signedOutBecause, setSignedOutBecause] = useState<string>()
  const [page, setPage] = useState(currentPage)

  useEffect(() => {
    whenUnauthorized((message) => {
      setSession(undefined)
      setSignedOutBecause(message)
    })
    const onPop = () => setPage(currentPage())
    window.addEventListener('popstate', onPop)
    return () => window.removeEventListener('popstate', onPop)
  }, [])

  const active = PAGES.find((p) => p.path === page)!
  useEffect(() => {
    document.title = session ? `${active.title} · projectplane console` : 'Sign in · projectplane console'
  }, [active, session])

  const go = useCallback((event: MouseEvent<HTMLAnchorElement>, path: string) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return
    event.preventDefault()
    window.history.pushState(null, '', BASE + path)
    setPage(path)
    // Move focus to the new page's heading, as a page load would for a screen reader.
    requestAnimationFrame(() => document.getElementById('page-title')?.focus())
  }, [])

  const endSession = useCallback((because: string) => {
    setSession((current) => {
      if (current) void signOut(current)
      return undefined
    })
    setSignedOutBecause(because)
  }, [])
  useIdleSignOut(session?.sessionTimeoutMinutes, endSession)

  if (!session) {
    return <SignIn notice={signedOutBecause} onSignedIn={(s) => { setSignedOutBecause(undefined); setSession(s) }} />
  }
  const Page = active.Page
  return (
    <FeedbackProvider page={page}>
      <ProtectProvider>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <span className="brand">projectplane</span>
        <nav aria-label="Console pages">
          <ul>
            {PAGES.map((p) => (
              <li key={p.path}>
                <a href={BASE + p.path} aria-current={p.path === page ? 'page' : undefined} onClick={(e) => go(e, p.path)}>{p.title}</a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span data-testid="signed-in-as">{session.user.name} @ {session.account.name}</span>
          <button type="button" onClick={() => endSession('You have signed out.')}>Sign out</button>
        </div>
      </header>
      <main id="main">
        <h1 id="page-title" tabIndex={-1}>{active.title}</h1>
        <Page key={page} session={session} />
      </main>
      </ProtectProvider>
    </FeedbackProvider>
  )
}
