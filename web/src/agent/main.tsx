// Entry of the agent desktop (/agent). The language is ?lang=, else the
// one the agent chose (kept with their user on the server, and in this
// browser for the login form), else the browser's (common/language.ts).

import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { App } from './App';
import { AgentClient } from './client';
import { dictionaries, reasonTexts } from './texts';
import { asLang, keepLanguage, saveLanguage, startLanguage, storedLanguage, urlLanguage, type Lang } from '../common/language';
import './agent.css';

const fromURL = urlLanguage(location.search);
const first = startLanguage(location.search, navigator.languages ?? [navigator.language]);
const client = new AgentClient({ reasons: reasonTexts[first] });
// Come back at once when the network returns, instead of waiting out the backoff.
window.addEventListener('online', () => client.reconnectNow());

function Root() {
  const [lang, setLang] = useState<Lang>(first);
  client.reasons = reasonTexts[lang];
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = dictionaries[lang].appTitle;
  }, [lang]);
  // The agent's own choice, once the server says who is logged in.
  // A choice made in this browser before the server kept one (on the
  // login form) is kept for the agent then.
  useEffect(() => {
    let seen: Lang | undefined;
    let offered = false;
    return client.subscribe(() => {
      const me = client.state.me;
      const mine = asLang(me?.language);
      if (mine && mine !== seen && !fromURL) {
        seen = mine;
        keepLanguage(mine);
        setLang(mine);
      }
      const kept = storedLanguage();
      if (me && !mine && !offered && kept) {
        offered = true;
        void saveLanguage(kept).catch(() => {
          // The next choice tries again.
        });
      }
    });
  }, []);
  const choose = (l: Lang) => {
    setLang(l);
    void saveLanguage(l).catch(() => {
      // Kept in this browser; the next choice tries the server again.
    });
  };
  return <App client={client} texts={dictionaries[lang]} lang={lang} onLanguage={choose} />;
}

const root = document.getElementById('app');
if (root) render(<Root />, root);
