// The admin pages' root: the first-run set-up (/admin/setup#SECRET), the
// login, a page for users without the admin role, and the shell — the
// navigation and the page the address's #/… names.

import type { JSX } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { AdminApi } from './api';
import { TextField } from './components';
import { AdminContext, useAdmin, type Admin } from './context';
import { check, errorInfo, type Errors } from './form';
import { dictionaries, fmt, type Lang } from './texts';
import type { Role, User } from './types';
import { SSOLink, useLoginOptions } from '../common/sso';
import { AuditPage } from './pages/Audit';
import { ChatLogPage } from './pages/ChatLog';
import { OutboxPage } from './pages/Outbox';
import { PrivacyPage } from './pages/Privacy';
import { WebhooksPage } from './pages/Webhooks';
import { HoursPage } from './pages/Hours';
import { ProfilesPage } from './pages/Profiles';
import { PredefinedPage } from './pages/Predefined';
import { MenusPage } from './pages/Menus';
import { QueuesPage } from './pages/Queues';
import { TokensPage } from './pages/Tokens';
import { IdentityPage } from './pages/Identity';
import { SignInPage } from './pages/SignIn';
import { UsersPage, roleName } from './pages/Users';
import { WidgetPage } from './pages/Widget';
import { LanguageOptions } from '../common/LanguageOptions';

export interface AppProps {
  api: AdminApi;
  lang: Lang;
  onLanguage: (l: Lang) => void;
  /** onUser hears who is logged in, at load and after a login (main.tsx takes their language). */
  onUser?: (u: { language?: string }) => void;
  /** The page's path and fragment (location.pathname, location.hash). */
  path: string;
  hash: string;
}

type Phase = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'login' } | { kind: 'setup' } | { kind: 'ready'; me: User };

export function App(p: AppProps) {
  const { texts, reasons } = dictionaries[p.lang];
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const setupSecret = p.path.replace(/\/+$/, '').endsWith('/admin/setup') ? p.hash.replace(/^#/, '') : null;

  async function load(setupDone = false) {
    setPhase({ kind: 'loading' });
    try {
      if (setupSecret !== null && !setupDone) {
        const s = await p.api.setupState();
        if (s.pending) return setPhase({ kind: 'setup' });
      }
      const me = await p.api.me();
      p.onUser?.(me.user);
      setPhase({ kind: 'ready', me: me.user });
    } catch (err) {
      const info = errorInfo(err, texts, reasons);
      if ((err as { status?: number }).status === 401) setPhase({ kind: 'login' });
      else setPhase({ kind: 'error', message: info.message });
    }
  }
  useEffect(() => void load(), []);

  const ctx: Admin = { t: texts, reasons, lang: p.lang, api: p.api, me: phase.kind === 'ready' ? phase.me : undefined };
  let body: JSX.Element;
  switch (phase.kind) {
    case 'loading':
      body = (
        <p class="muted centre" role="status">
          {texts.loading}
        </p>
      );
      break;
    case 'error':
      body = (
        <main class="centre-card">
          <p class="banner error" role="alert">
            {phase.message}
          </p>
          <button type="button" class="primary" onClick={() => void load()}>
            {texts.retry}
          </button>
        </main>
      );
      break;
    case 'login':
      body = <Login onDone={() => void load()} />;
      break;
    case 'setup':
      body = <Setup secret={setupSecret ?? ''} onDone={() => { history.replaceState(null, '', '/admin#/queues'); void load(true); }} />;
      break;
    case 'ready':
      body =
        phase.me.role !== 'agent' ? (
          <Shell hash={location.hash || p.hash} lang={p.lang} onLanguage={p.onLanguage} onLogout={() => void p.api.logout().finally(() => setPhase({ kind: 'login' }))} />
        ) : (
          <Forbidden me={phase.me} onLogout={() => void p.api.logout().finally(() => setPhase({ kind: 'login' }))} />
        );
  }
  return (
    <AdminContext.Provider value={ctx}>
      {phase.kind !== 'ready' && <LanguageSwitch lang={p.lang} onLanguage={p.onLanguage} floating />}
      {body}
    </AdminContext.Provider>
  );
}

function LanguageSwitch({ lang, onLanguage, floating }: { lang: Lang; onLanguage: (l: Lang) => void; floating?: boolean }) {
  const { t } = useAdmin();
  return (
    <span class={floating ? 'language floating' : 'language'}>
      <label for="language">{t.language}</label>
      <select id="language" value={lang} onChange={(e) => onLanguage(e.currentTarget.value as Lang)}>
        <LanguageOptions />
      </select>
    </span>
  );
}

// The pages, and the lowest role that opens each: a supervisor reads and
// evaluates the chat log; everything else is the administrators'.
const pages = [
  { path: 'users', label: 'navUsers', role: 'admin', icon: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 8a7 7 0 0 1 14 0' },
  { path: 'queues', label: 'navQueues', role: 'admin', icon: 'M4 6h16M4 12h16M4 18h10' },
  { path: 'profiles', label: 'navProfiles', role: 'admin', icon: 'M4 7h7v7H4zM13 7h7v7h-7zM8 17h8' },
  { path: 'predefined', label: 'navPredefined', role: 'admin', icon: 'M4 5h16v11H9l-5 4zM8 9h8M8 12h5' },
  { path: 'menus', label: 'navMenus', role: 'admin', icon: 'M5 5h14v4H5zM5 11h14v4H5zM5 17h8' },
  { path: 'hours', label: 'navHours', role: 'admin', icon: 'M12 7v5l3 2M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z' },
  { path: 'widget', label: 'navWidget', role: 'admin', icon: 'M4 5h16v11H9l-5 4z' },
  { path: 'chatlog', label: 'navChatLog', role: 'supervisor', icon: 'M10.5 17a6.5 6.5 0 1 1 0-13 6.5 6.5 0 0 1 0 13zM20 20l-4.9-4.9M8 9h5M8 12h3' },
  { path: 'outbox', label: 'navOutbox', role: 'admin', icon: 'M3 6h18v12H3zM3 7l9 6 9-6' },
  { path: 'privacy', label: 'navPrivacy', role: 'admin', icon: 'M12 3l8 3v6c0 4.6-3.4 8-8 9-4.6-1-8-4.4-8-9V6zM9 12l2 2 4-4' },
  { path: 'signin', label: 'navSignIn', role: 'admin', icon: 'M10 17l5-5-5-5M15 12H3M14 4h5v16h-5' },
  { path: 'identity', label: 'navIdentity', role: 'admin', icon: 'M6 11h12v9H6zM9 11V8a3 3 0 0 1 6 0v3' },
  { path: 'tokens', label: 'navTokens', role: 'admin', icon: 'M14 10a4 4 0 1 0-4 4l-6 6 2 2 2-2 2 2 2-2-2-2 4-4z' },
  { path: 'webhooks', label: 'navWebhooks', role: 'admin', icon: 'M9 7a3 3 0 1 1 4 2.8L16 15M8 20a3 3 0 1 1 1-5.8l3-5.2M18 20a3 3 0 1 1 0-6h-6' },
  { path: 'audit', label: 'navAudit', role: 'admin', icon: 'M6 3h9l4 4v14H6zM9 12h7M9 16h7M9 8h3' },
] as const;

/** pagesFor lists the pages a user of the role may open. */
export function pagesFor(role: Role | undefined) {
  return pages.filter((x) => x.role === 'supervisor' ? role === 'admin' || role === 'supervisor' : role === 'admin');
}

/**
 * route reads the page and its arguments from the fragment ("#/hours/sales",
 * "#/chatlog/ID/SEQ"); an unknown page, or one the role may not open, is the
 * role's first page.
 */
export function route(hash: string, role: Role | undefined = 'admin'): { page: string; arg?: string; sub?: string } {
  const [page, arg, sub] = hash.replace(/^#\/?/, '').split('/');
  const mine = pagesFor(role);
  const known = mine.some((x) => x.path === page);
  if (!known) return { page: mine[0]?.path ?? 'users' };
  return { page, arg: arg ? decodeURIComponent(arg) : undefined, sub: arg && sub ? decodeURIComponent(sub) : undefined };
}

function Shell({ hash: initial, lang, onLanguage, onLogout }: { hash: string; lang: Lang; onLanguage: (l: Lang) => void; onLogout: () => void }) {
  const { t, me } = useAdmin();
  const [hash, setHash] = useState(initial);
  useEffect(() => {
    const on = () => setHash(location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const r = route(hash, me?.role);
  const mine = pagesFor(me?.role);
  // A page opened from the navigation gets the focus on its heading, for
  // keyboard and screen reader users (not the first, which the address opened).
  // A layout effect, so the focus moves in the same task as the page is drawn:
  // an effect runs after the paint, and a quick user could already have moved
  // the focus to one of the page's controls, which it would then take away.
  const first = useRef(true);
  useLayoutEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('page-title')?.focus({ preventScroll: true });
  }, [hash]);
  const current = pages.find((x) => x.path === r.page);
  useEffect(() => {
    document.title = current ? `${t[current.label]} — ${t.appTitle}` : t.appTitle;
  }, [r.page, lang]);

  const page = useMemo(() => {
    switch (r.page) {
      case 'queues':
        return <QueuesPage />;
      case 'profiles':
        return <ProfilesPage />;
      case 'predefined':
        return <PredefinedPage />;
      case 'menus':
        return <MenusPage />;
      case 'hours':
        return <HoursPage queueId={r.arg} />;
      case 'widget':
        return <WidgetPage />;
      case 'tokens':
        return <TokensPage />;
      case 'identity':
        return <IdentityPage />;
      case 'signin':
        return <SignInPage />;
      case 'webhooks':
        return <WebhooksPage />;
      case 'audit':
        return <AuditPage />;
      case 'chatlog':
        return <ChatLogPage chatId={r.arg} seq={r.sub} />;
      case 'privacy':
        return <PrivacyPage />;
      case 'outbox':
        return <OutboxPage />;
    }
    return <UsersPage />;
  }, [r.page, r.arg, r.sub, lang]);

  return (
    <div class="shell">
      <a class="skip" href="#main">
        {t.skipToContent}
      </a>
      <header class="topbar">
        <span class="brand">
          <span class="logo" aria-hidden="true">
            S
          </span>
          {t.brand} <span class="brand-part">{t.brandPart}</span>
        </span>
        <span class="spacer" />
        <span class="who">{fmt(t.loggedInAs, { name: me?.displayName ?? '' })}</span>
        <LanguageSwitch lang={lang} onLanguage={onLanguage} />
        <a href="/agent" class="button quiet">
          {t.agentDesktop}
        </a>
        <button type="button" class="quiet" onClick={onLogout}>
          {t.logOut}
        </button>
      </header>
      <nav class="sidebar" aria-label={t.navLabel}>
        <ul>
          {mine.map((x) => (
            <li key={x.path}>
              <a href={`#/${x.path}`} aria-current={x.path === r.page ? 'page' : undefined}>
                <svg viewBox="0 0 24 24" aria-hidden="true">
                  <path d={x.icon} />
                </svg>
                {t[x.label]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" class="content" tabIndex={-1}>
        {page}
      </main>
    </div>
  );
}

function Login({ onDone }: { onDone: () => void }) {
  const { t, reasons, api } = useAdmin();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const opts = useLoginOptions();
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await api.login(username.trim(), password);
      onDone();
    } catch (err) {
      setError(errorInfo(err, t, reasons).message);
      setBusy(false);
    }
  }
  return (
    <main class="centre-card">
      <form class="card auth" onSubmit={submit} aria-labelledby="login-heading">
        <p class="brand">
          <span class="logo" aria-hidden="true">
            S
          </span>
          {t.brand}
        </p>
        <h1 id="login-heading">{t.loginHeading}</h1>
        <SSOLink opts={opts} label={(name) => fmt(t.signInWith, { name })} breakGlass={t.passwordsBreakGlass} className="button primary wide" />
        {error && (
          <p class="banner error" role="alert">
            {error}
          </p>
        )}
        <TextField id="login-username" name="username" label={t.username} autoComplete="username" value={username} onInput={setUsername} />
        <TextField id="login-password" name="password" label={t.password} type="password" autoComplete="current-password" value={password}
          onInput={setPassword} />
        <button type="submit" class="primary wide" disabled={busy}>
          {busy ? t.loggingIn : t.logIn}
        </button>
      </form>
    </main>
  );
}

function Setup({ secret, onDone }: { secret: string; onDone: () => void }) {
  const { t, reasons, api } = useAdmin();
  const [v, setV] = useState({ username: '', displayName: '', password: '', repeat: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    const errs: Errors = {};
    const put = (k: string, m: string | undefined) => m && (errs[k] = m);
    put('username', check.username(t, reasons, v.username.trim()));
    put('displayName', check.name(t, reasons, v.displayName));
    put('password', check.password(t, reasons, v.password));
    if (!errs.password && v.repeat !== v.password) errs.repeat = t.passwordsDiffer;
    setErrors(errs);
    if (Object.keys(errs).length) {
      setError(t.checkFields);
      document.querySelector<HTMLElement>(`[data-field="${Object.keys(errs)[0]}"]`)?.focus();
      return;
    }
    setBusy(true);
    setError('');
    try {
      await api.setup({ secret, username: v.username.trim(), displayName: v.displayName, password: v.password });
      onDone();
    } catch (err) {
      const info = errorInfo(err, t, reasons);
      if (info.field) setErrors({ [info.field]: info.message });
      setError(info.field ? t.checkFields : info.message);
      setBusy(false);
    }
  }
  return (
    <main class="centre-card">
      <form class="card auth" onSubmit={submit} noValidate aria-labelledby="setup-heading">
        <p class="brand">
          <span class="logo" aria-hidden="true">
            S
          </span>
          {t.brand}
        </p>
        <h1 id="setup-heading">{t.setupHeading}</h1>
        <p class="intro">{secret ? t.setupIntro : t.setupNoSecret}</p>
        {error && (
          <p class="banner error" role="alert">
            {error}
          </p>
        )}
        <TextField id="setup-username" name="username" label={t.username} hint={t.usernameHint} autoComplete="username" value={v.username}
          error={errors.username} onInput={(x) => setV({ ...v, username: x })} />
        <TextField id="setup-display-name" name="displayName" label={t.displayName} hint={t.displayNameHint} value={v.displayName}
          error={errors.displayName} onInput={(x) => setV({ ...v, displayName: x })} />
        <TextField id="setup-password" name="password" label={t.password} hint={t.passwordHint} type="password" autoComplete="new-password"
          value={v.password} error={errors.password} onInput={(x) => setV({ ...v, password: x })} />
        <TextField id="setup-repeat" name="repeat" label={t.repeatPassword} type="password" autoComplete="new-password" value={v.repeat}
          error={errors.repeat} onInput={(x) => setV({ ...v, repeat: x })} />
        <button type="submit" class="primary wide" disabled={busy || !secret}>
          {busy ? t.creating : t.createAdmin}
        </button>
      </form>
    </main>
  );
}

function Forbidden({ me, onLogout }: { me: User; onLogout: () => void }) {
  const { t } = useAdmin();
  return (
    <main class="centre-card">
      <section class="card auth" aria-labelledby="forbidden-heading">
        <h1 id="forbidden-heading">{t.forbiddenHeading}</h1>
        <p>{fmt(t.forbiddenText, { name: me.displayName, role: roleName(t, me.role) })}</p>
        <div class="buttons start">
          <a class="button primary" href="/agent">
            {t.agentDesktop}
          </a>
          <button type="button" onClick={onLogout}>
            {t.logOut}
          </button>
        </div>
      </section>
    </main>
  );
}
