// Entry of the supervisor's page (/supervisor). The language is chosen with
// ?lang=, the switch in the page (kept in localStorage), or the browser's.

import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { App } from './App';
import { dictionaries, pickLanguage, type Lang } from './texts';
import './supervisor.css';

const langKey = 'skranke.supervisor.lang';

function stored(): string | null {
  try {
    return localStorage.getItem(langKey);
  } catch {
    return null;
  }
}

function Root() {
  const [lang, setLang] = useState<Lang>(() => pickLanguage(location.search, stored(), navigator.language));
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = dictionaries[lang].appTitle;
  }, [lang]);
  const choose = (l: Lang) => {
    setLang(l);
    try {
      localStorage.setItem(langKey, l);
    } catch {
      // Not kept: the choice lasts for this page.
    }
  };
  return <App lang={lang} onLanguage={choose} />;
}

const root = document.getElementById('app');
if (root) render(<Root />, root);
