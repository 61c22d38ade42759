// The agent desktop's root: asks the server who is logged in, then shows the
// login form or the desktop, and goes back to the login form when the session
// ends (log out, or the WebSocket closed with 4001).

import { useEffect, useState } from 'preact/hooks';
import { LanguageContext, ReasonsContext, TextsContext, useDesktop, useErrorText, useTexts } from './hooks';
import type { Lang } from '../common/language';
import type { Texts } from './texts';
import type { AgentClient } from './client';
import { Login } from './Login';
import { Desktop } from './Desktop';

type Phase = 'loading' | 'login' | 'desktop' | 'error';

export interface AppProps {
  client: AgentClient;
  texts: Texts;
  /** The language shown and how to choose another (the top bar's switch). */
  lang?: Lang;
  onLanguage?: (l: Lang) => void;
}

export function App({ client, texts, lang, onLanguage }: AppProps) {
  return (
    <TextsContext.Provider value={texts}>
      <ReasonsContext.Provider value={client.reasons}>
        <LanguageContext.Provider value={lang && onLanguage ? { lang, onLanguage } : undefined}>
          <Root client={client} />
        </LanguageContext.Provider>
      </ReasonsContext.Provider>
    </TextsContext.Provider>
  );
}

function Root({ client }: { client: AgentClient }) {
  const t = useTexts();
  const errorText = useErrorText();
  const state = useDesktop(client);
  const [phase, setPhase] = useState<Phase>('loading');
  const [error, setError] = useState('');

  async function load() {
    setPhase('loading');
    try {
      if (await client.me()) {
        client.start();
        setPhase('desktop');
      } else {
        setPhase('login');
      }
    } catch (err) {
      setError(errorText(err, t.loadFailed));
      setPhase('error');
    }
  }

  useEffect(() => {
    client.onUnauthenticated = () => {
      client.stop();
      setPhase('login');
    };
    void load();
    return () => client.stop();
  }, [client]);

  async function login(username: string, password: string) {
    await client.login(username, password);
    await load();
  }

  async function logout() {
    try {
      await client.logout();
    } catch {
      // The session is gone from this page either way.
    }
    setPhase('login');
  }

  switch (phase) {
    case 'loading':
      return (
        <p class="loading" role="status">
          {t.loading}
        </p>
      );
    case 'error':
      return (
        <main class="login">
          <div class="login-form">
            <p role="alert" class="form-error">
              {error || t.loadFailed}
            </p>
            <button type="button" class="primary" onClick={() => void load()}>
              {t.retry}
            </button>
          </div>
        </main>
      );
    case 'login':
      return <Login onLogin={login} />;
    case 'desktop':
      return <Desktop client={client} state={state} onLogout={() => void logout()} />;
  }
}
