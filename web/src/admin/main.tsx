// Entry of the admin pages (/admin, and /admin/setup#SECRET on the first
// run). The language is chosen with ?lang=, the switch in the page (kept
// in localStorage), or the browser's.

import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { AdminApi } from './api';
import { App } from './App';
import { dictionaries, pickLanguage, type Lang } from './texts';
import './admin.css';

const langKey = 'skranke.admin.lang';

function stored(): string | null {
  try {
    return localStorage.getItem(langKey);
  } catch {
    return null;
  }
}

function Root() {
  const [lang, setLang] = useState<Lang>(() => pickLanguage(location.search, stored(), navigator.language));
  const [api] = useState(() => new AdminApi());
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = dictionaries[lang].texts.appTitle;
  }, [lang]);
  const choose = (l: Lang) => {
    setLang(l);
    try {
      localStorage.setItem(langKey, l);
    } catch {
      // Not kept: the choice lasts for this page.
    }
  };
  return <App api={api} lang={lang} onLanguage={choose} path={location.pathname} hash={location.hash} />;
}

const root = document.getElementById('app');
if (root) render(<Root />, root);
