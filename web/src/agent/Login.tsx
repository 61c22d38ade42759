// The login form: username and password, and the server's message on failure.

import { useState } from 'preact/hooks';
import { useErrorText, useTexts } from './hooks';
import { LanguageSwitch } from './TopBar';
import { fmt } from './texts';
import { SSOLink, useLoginOptions } from '../common/sso';

export interface LoginProps {
  onLogin: (username: string, password: string) => Promise<void>;
}

export function Login({ onLogin }: LoginProps) {
  const t = useTexts();
  const errorText = useErrorText();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const opts = useLoginOptions();

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      await onLogin(username.trim(), password);
    } catch (err) {
      setError(errorText(err, t.loginFailed));
      setBusy(false);
    }
  }

  return (
    <main class="login">
      <form class="login-form" onSubmit={submit} aria-labelledby="login-heading">
        <h1 id="login-heading">{t.loginHeading}</h1>
        <SSOLink opts={opts} label={(name) => fmt(t.signInWith, { name })} breakGlass={t.passwordsBreakGlass} />
        <label for="login-username">{t.username}</label>
        <input
          id="login-username"
          name="username"
          autoComplete="username"
          required
          autoFocus={!opts?.sso}
          value={username}
          onInput={(e) => setUsername(e.currentTarget.value)}
        />
        <label for="login-password">{t.password}</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t.loggingIn : t.logIn}
        </button>
      </form>
      <LanguageSwitch />
    </main>
  );
}
