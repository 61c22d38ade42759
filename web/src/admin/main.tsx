// Entry of the admin pages (/admin, and /admin/setup#SECRET on the first
// run). The language is chosen with ?lang=, else the one the user chose (here
// or in the desk: kept with them on the server and in this browser,
// common/language.ts), else the browser's.

import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { AdminApi } from './api';
import { App } from './App';
import { dictionaries, pickLanguage, type Lang } from './texts';
import { asLang, keepLanguage, saveLanguage, storedLanguage, urlLanguage } from '../common/language';
import './admin.css';

const langKey = 'skranke.admin.lang';

function stored(): string | null {
  return storedLanguage(langKey) ?? null;
}

function Root() {
  const [lang, setLang] = useState<Lang>(() => pickLanguage(location.search, stored(), navigator.language));
  const [api] = useState(() => new AdminApi());
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = dictionaries[lang].texts.appTitle;
  }, [lang]);
  // The language the user chose (in the desk or here), kept with them on
  // the server: applied when the page learns who is logged in.
  const onUser = (u: { language?: string }) => {
    const l = asLang(u.language);
    if (l && !urlLanguage(location.search)) {
      keepLanguage(l);
      setLang(l);
    }
  };
  const choose = (l: Lang) => {
    setLang(l);
    void saveLanguage(l).catch(() => {
      // Kept in this browser; the next choice tries the server again.
    });
  };
  return <App api={api} lang={lang} onLanguage={choose} onUser={onUser} path={location.pathname} hash={location.hash} />;
}

const root = document.getElementById('app');
if (root) render(<Root />, root);
